import { asBridgeError, BridgeError, invalid } from '../../src/core/errors.js';
import { FINAL_JOB_STATUSES, type Job } from '../../src/core/job.js';
import { topicOf } from '../../src/hub/fanout.js';
import type { ServerContext } from '../../src/server/context.js';
import { catchUpThenJoin, leaveFeed, PAGE_SIZE, replay, sendEncoded, type Feed } from '../../src/server/feed.js';
import type { LifecycleState } from '../../src/server/socket/lifecycle.js';
import { sendPaced } from '../../src/server/socket-io.js';
import type { WebSocket } from '../../src/server/uws.js';
import { DIALECT_NAME, encodeMutagent, encodeReplay, errorFrame, serverMessage } from './encode.js';
import type { ServerMessage } from './messages.js';
import { parseClientMessage } from './schema.js';

/**
 * Jobs one socket may follow at once. Each holds a uWS topic and may hold a store cursor, so a client
 * cannot make the server follow unbounded jobs; a finished job counts until it is unsubscribed.
 */
export const MAX_SUBSCRIPTIONS = 100;

/**
 * Requests not fully answered yet (messages waiting their turn, `replay`s still sending); a flood past
 * this is refused instead of queued, so one socket holds bounded memory and store cursors.
 */
const MAX_IN_FLIGHT = 100;

interface Subscription {
  readonly feed: Feed;
  /** `replay` requests for this job, answered in order beside the live stream. */
  replays: Promise<void>;
}

export interface OptimizationSocket extends LifecycleState {
  /** `?replay=1&speed=N`: every job subscribed on this socket plays back paced. */
  replaySpeed: number | null;
  subscriptions: Map<string, Subscription>;
  /**
   * Messages are answered one at a time, in order: a `subscribed` never arrives after the `unsubscribed`
   * of a later request, although looking the job up is asynchronous.
   */
  queue: Promise<void>;
  inFlight: number;
}

type Ws = WebSocket<OptimizationSocket>;

function reply(ws: Ws, message: ServerMessage): Promise<boolean> {
  return sendPaced(ws, serverMessage(message));
}

function report(ctx: ServerContext, ws: Ws, error: unknown): Promise<boolean> {
  const bridgeError = asBridgeError(error);
  if (bridgeError.code === 'internal') ctx.log(`mutagent socket request failed: ${(error as Error).stack ?? String(error)}`);
  return sendPaced(ws, errorFrame(bridgeError));
}

const notSubscribed = (jobId: string): BridgeError => invalid('Not subscribed to job', { jobId });

/** Takes one client frame; its answer goes out after every earlier frame's. */
export function receive(ctx: ServerContext, ws: Ws, text: string): void {
  const state = ws.getUserData();
  if (state.inFlight >= MAX_IN_FLIGHT) {
    ws.send(errorFrame(invalid(`Too many requests in flight (limit ${MAX_IN_FLIGHT}); wait for the answers`)));
    return;
  }
  state.inFlight++;
  state.queue = state.queue
    .then(() => answer(ctx, ws, text))
    .catch((error: unknown) => report(ctx, ws, error))
    .then(() => {
      state.inFlight--;
    });
}

async function answer(ctx: ServerContext, ws: Ws, text: string): Promise<void> {
  const state = ws.getUserData();
  if (state.closed) return;
  const message = parseClientMessage(text);
  switch (message.type) {
    case 'ping':
      await reply(ws, { type: 'pong' });
      return;
    case 'subscribe':
      return subscribe(ctx, ws, message.jobId, message.afterEventId);
    case 'unsubscribe':
      return unsubscribe(ctx, ws, message.jobId);
    case 'replay': {
      const subscription = ws.getUserData().subscriptions.get(message.jobId);
      if (!subscription) throw notSubscribed(message.jobId);
      return startReplay(ctx, ws, subscription, message.afterEventId ?? 0);
    }
  }
}

async function subscribe(ctx: ServerContext, ws: Ws, jobId: string, afterEventId: number | undefined): Promise<void> {
  const state = ws.getUserData();
  const existing = state.subscriptions.get(jobId);
  if (existing) {
    // The live subscription carries on; an afterEventId adds a replay of what came after it.
    await reply(ws, { type: 'subscribed', jobId });
    if (afterEventId !== undefined) startReplay(ctx, ws, existing, afterEventId);
    return;
  }
  if (state.subscriptions.size >= MAX_SUBSCRIPTIONS) {
    throw invalid(`Subscription limit reached: at most ${MAX_SUBSCRIPTIONS} jobs per connection; unsubscribe from one first`, { jobId });
  }
  // Another tenant's job is looked up like an unknown one, so the answer cannot tell them apart.
  // Its status and last seq, not its problem (up to 8 MB), which a subscription never needs.
  const job = await ctx.jobs.summaryForTenant(jobId, state.tenantId!);
  if (!job) throw new BridgeError('not_found', 'Job not found', { jobId });
  if (state.closed) return;
  const feed = newFeed(ctx, ws, jobId, afterEventId !== undefined && state.replaySpeed === null);
  state.subscriptions.set(jobId, { feed, replays: Promise.resolve() });
  await reply(ws, { type: 'subscribed', jobId });
  void follow(ctx, ws, feed, job, afterEventId).catch((error: unknown) => feed.fail(error));
}

async function unsubscribe(ctx: ServerContext, ws: Ws, jobId: string): Promise<void> {
  const state = ws.getUserData();
  const subscription = state.subscriptions.get(jobId);
  if (!subscription) throw notSubscribed(jobId);
  state.subscriptions.delete(jobId);
  leaveFeed(ctx, ws, subscription.feed);
  await reply(ws, { type: 'unsubscribed', jobId });
}

export function leaveAll(ctx: ServerContext, ws: Ws): void {
  const { subscriptions } = ws.getUserData();
  for (const { feed } of subscriptions.values()) leaveFeed(ctx, ws, feed);
  subscriptions.clear();
}

/**
 * History after `afterEventId` goes out as `replay` batches, one per store page; without it the
 * subscription starts at the live point and anything recorded after the lookup goes out as `event`s.
 */
function newFeed(ctx: ServerContext, ws: Ws, jobId: string, historyAsReplay: boolean): Feed {
  const feed: Feed = {
    jobId,
    topic: topicOf(DIALECT_NAME, jobId),
    live: false,
    cancelled: false,
    async sendHistory(events) {
      if (historyAsReplay) return !feed.cancelled && sendPaced(ws, encodeReplay(jobId, [...events]));
      return !feed.cancelled && sendEncoded(ws, events, encodeMutagent);
    },
    // The socket carries other jobs, so a finished one only stops sending.
    onHistoryTerminal() {},
    // Likewise a feed that failed only ends its own subscription, which the client may take out again.
    fail(error) {
      const { subscriptions } = ws.getUserData();
      if (subscriptions.get(jobId)?.feed !== feed) return;
      subscriptions.delete(jobId);
      leaveFeed(ctx, ws, feed);
      void report(ctx, ws, error);
    },
  };
  return feed;
}

/**
 * The job row and its events commit in one transaction, so `job.lastSeq` is exactly what the store held
 * when the job was read. A finished job still sends its terminal event to a subscriber from "now".
 */
function livePoint(job: Pick<Job, 'status' | 'lastSeq'>): number {
  return FINAL_JOB_STATUSES.has(job.status) ? Math.max(0, job.lastSeq - 1) : job.lastSeq;
}

async function follow(ctx: ServerContext, ws: Ws, feed: Feed, job: Pick<Job, 'status' | 'lastSeq'>, afterEventId: number | undefined): Promise<void> {
  const speed = ws.getUserData().replaySpeed;
  if (speed === null) return catchUpThenJoin(ctx, ws, feed, afterEventId ?? livePoint(job));
  const played = await replay(ctx, ws, feed, afterEventId ?? 0, speed);
  if (!played.terminal) await catchUpThenJoin(ctx, ws, feed, played.lastSeq);
}

/** Answers a `replay` request: stored events after `after`, page by page, beside the live stream. */
function startReplay(ctx: ServerContext, ws: Ws, subscription: Subscription, after: number): void {
  const state = ws.getUserData();
  state.inFlight++;
  subscription.replays = subscription.replays
    .then(() => sendStored(ctx, ws, subscription.feed, after))
    .catch((error: unknown) => report(ctx, ws, error))
    .then(() => {
      state.inFlight--;
    });
}

async function sendStored(ctx: ServerContext, ws: Ws, feed: Feed, after: number): Promise<void> {
  let sent = after;
  for (;;) {
    const page = await ctx.events.read(feed.jobId, sent, PAGE_SIZE);
    if (feed.cancelled) return;
    // An empty first page still answers the request: nothing was recorded after afterEventId.
    if ((page.length > 0 || sent === after) && !(await sendPaced(ws, encodeReplay(feed.jobId, [...page])))) return;
    if (page.length < PAGE_SIZE) return;
    sent = page[page.length - 1]!.seq;
  }
}
