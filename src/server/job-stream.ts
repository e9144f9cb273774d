import { asBridgeError, notFound, type BridgeError } from '../core/errors.js';
import { isTerminal, type JobEvent, type JobEventType } from '../core/event.js';
import { SingleFlight } from '../core/single-flight.js';
import { topicOf } from '../hub/fanout.js';
import type { JobSummary } from '../store/job-repository.js';
import type { ServerContext } from './context.js';
import type { Dialect } from './dialect.js';
import { catchUpThenJoin, leaveFeed, replay, sendEncoded, type Feed } from './feed.js';
import { mountSocket, refuse, type LifecycleState } from './socket/lifecycle.js';
import type { SocketDocs } from './route-registry.js';
import { parseStreamQuery, REPLAY_QUERY, RESUMABLE_QUERY } from './socket/stream-query.js';
import { endWith, sendPaced } from './socket-io.js';
import type { WebSocket } from './uws.js';

/**
 * What a dialect whose stream URL names one job adds to the shared stream: its name and encoder come
 * from the `Dialect` itself, so a socket can never subscribe to a topic nobody publishes.
 */
export interface JobStreamOptions {
  errorFrame(error: BridgeError, jobId: string): string;
  /** First message on a new socket, e.g. JAOT's `status` with the latest progress. */
  greeting?(job: JobSummary, latest: JobEvent | undefined): string;
  /** The types `latest` is drawn from (JAOT: the progress-like ones); the job's last event when absent. */
  readonly greetingTypes?: readonly JobEventType[];
  /** Answers a client text frame (JAOT "ping" → "pong"); throws BridgeError for input the dialect rejects. */
  onMessage(text: string, jobId: string): string | null;
  /** The doc has the server close the socket after the job's terminal message. */
  readonly closeAfterTerminal: boolean;
  /** `?after=<seq>` catch-up; without it a new socket starts at the live point. */
  readonly acceptsAfter: boolean;
  /** Seconds between server ping frames; 0 leaves it to uWS's idle handling. */
  readonly pingIntervalS?: number;
  /** Close a socket after this many seconds without job progress (MatCraft's idle timeout). */
  readonly idleCloseS?: number;
  /** Limits simultaneous sockets per API key (MatCraft: 10). */
  readonly maxSocketsPerKey?: number;
  /** The stream's messages for the AsyncAPI document; its query is the stream's own. */
  readonly docs: Omit<SocketDocs, 'query'>;
}

interface JobSocket extends LifecycleState {
  /** Held only until the stream starts: every socket of a storm would otherwise keep its own copy. */
  job?: JobSummary;
  after: number | null;
  replaySpeed: number | null;
  feed?: Feed;
}

const JOB_LOOKUP_KEEP_MS = 1_000;

/** Mounts one job-per-URL stream route (Nerox, JAOT, MatCraft; Mutagent multiplexes its own). */
export function mountJobStream(ctx: ServerContext, dialect: Dialect, patterns: readonly string[], options: JobStreamOptions): void {
  const socketsByJob = new Map<string, Set<WebSocket<JobSocket>>>();
  // Sockets opening on one job within a second share its lookup, as API keys are trusted for a second: what a
  // socket needs of the row (that the job is the tenant's, its status for a greeting) may be that old.
  const jobLookups = new SingleFlight<JobSummary | undefined>({ keepMs: JOB_LOOKUP_KEEP_MS, keepIf: (job) => job !== undefined });

  ctx.fanout.onTerminal((event) => {
    const sockets = socketsByJob.get(event.jobId);
    if (!sockets || !options.closeAfterTerminal) return;
    for (const ws of sockets) {
      if (ws.getUserData().feed?.live) endWith(ws, null, 1000, 'job finished');
    }
  });

  const fail = (ws: WebSocket<JobSocket>, error: unknown): void => {
    const { param: jobId } = ws.getUserData();
    ctx.log(`${dialect.name} stream for ${jobId} failed: ${(error as Error).stack ?? String(error)}`);
    const internal = asBridgeError(error);
    refuse(ws, options.errorFrame(internal, jobId), internal);
  };

  mountSocket<JobSocket>(ctx, patterns, {
    dialect: dialect.name,
    docs: { ...options.docs, query: options.acceptsAfter ? RESUMABLE_QUERY : REPLAY_QUERY },
    initialState: (base) => Object.assign(base, { after: null, replaySpeed: null }),
    errorFrame: (error, state) => options.errorFrame(error, state.param),
    async admit(_ctx, state, query) {
      const job = await jobLookups.run(`${state.tenantId}/${state.param}`, () => ctx.jobs.summaryForTenant(state.param, state.tenantId!));
      if (!job) throw notFound(`job ${state.param}`);
      state.job = job;
      const { after, replaySpeed } = parseStreamQuery(query, options.acceptsAfter);
      state.after = after;
      state.replaySpeed = replaySpeed;
    },
    start(ws) {
      const state = ws.getUserData();
      let sockets = socketsByJob.get(state.param);
      if (!sockets) socketsByJob.set(state.param, (sockets = new Set()));
      sockets.add(ws);
      if (options.idleCloseS) watchIdle(ctx, ws, options.idleCloseS);
      void stream(ctx, dialect, options, ws, (error) => fail(ws, error)).catch((error: unknown) => fail(ws, error));
    },
    message(ws, text) {
      const reply = options.onMessage(text, ws.getUserData().param);
      if (reply !== null) ws.send(reply);
    },
    close(ws) {
      const state = ws.getUserData();
      if (state.feed) leaveFeed(ctx, ws, state.feed);
      const sockets = socketsByJob.get(state.param);
      sockets?.delete(ws);
      if (sockets?.size === 0) socketsByJob.delete(state.param);
    },
    ...(options.pingIntervalS !== undefined && { pingIntervalS: options.pingIntervalS }),
    ...(options.maxSocketsPerKey !== undefined && { maxSocketsPerKey: options.maxSocketsPerKey }),
  });
}

/** Closes the socket once its job has gone `idleS` seconds without an event. */
function watchIdle(ctx: ServerContext, ws: WebSocket<JobSocket>, idleS: number): void {
  const state = ws.getUserData();
  const opened = Date.now();
  const checkEveryMs = Math.min(idleS * 1000, 5_000);
  state.timers.push(
    setInterval(() => {
      const lastActivity = Math.max(opened, ctx.fanout.lastDeliveredAt(state.param) ?? 0);
      if (Date.now() - lastActivity >= idleS * 1000) endWith(ws, null, 1000, 'idle: no progress');
    }, checkEveryMs),
  );
}

/**
 * Where a socket that asks for no position starts: after the job's last event, or just before it when it ended
 * the job, so the socket still gets the end. A node already publishing the job knows that without the store,
 * which spares every socket of a connection storm a read; the store is asked only when the node does not know,
 * or the job has ended (not the job row: it was read at upgrade and may predate the end, which would leave the
 * socket joined live after the terminal event and waiting forever).
 */
async function livePoint(ctx: ServerContext, jobId: string): Promise<{ after: number; lastSeq: number }> {
  const live = ctx.fanout.position(jobId);
  if (live && !live.terminal) return { after: live.seq, lastSeq: live.seq };
  const last = await ctx.events.latest(jobId);
  const lastSeq = last?.seq ?? 0;
  const finished = last !== undefined && isTerminal(last.type);
  return { after: finished ? Math.max(0, lastSeq - 1) : lastSeq, lastSeq };
}

async function stream(
  ctx: ServerContext,
  dialect: Dialect,
  options: JobStreamOptions,
  ws: WebSocket<JobSocket>,
  fail: (error: unknown) => void,
): Promise<void> {
  const state = ws.getUserData();
  const job = state.job!;
  delete state.job;
  let after: number;
  let lastSeq: number | undefined;
  if (state.replaySpeed !== null) after = state.after ?? 0;
  else if (state.after !== null) after = state.after;
  else ({ after, lastSeq } = await livePoint(ctx, job.id));

  if (options.greeting) {
    lastSeq ??= (await ctx.events.latest(job.id))?.seq ?? 0;
    const latest = lastSeq > 0 ? await ctx.events.latest(job.id, lastSeq, options.greetingTypes) : undefined;
    if (!(await sendPaced(ws, options.greeting(job, latest)))) return;
  }

  const feed: Feed = {
    jobId: job.id,
    topic: topicOf(dialect.name, job.id),
    live: false,
    cancelled: false,
    sendHistory: (events) => sendEncoded(ws, events, dialect.encode),
    onHistoryTerminal() {
      if (options.closeAfterTerminal) endWith(ws, null, 1000, 'job finished');
    },
    fail,
  };
  state.feed = feed;

  if (state.replaySpeed !== null) {
    const played = await replay(ctx, ws, feed, after, state.replaySpeed);
    if (played.terminal) feed.onHistoryTerminal();
    if (played.terminal || state.closed) return;
    after = played.lastSeq;
  }
  await catchUpThenJoin(ctx, ws, feed, after);
}
