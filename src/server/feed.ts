import { setTimeout as sleep } from 'node:timers/promises';
import { isTerminal, type JobEvent } from '../core/event.js';
import type { Encoder, Joiner } from '../hub/fanout.js';
import type { CanonicalPage } from '../store/event-page.js';
import type { EventStore } from '../store/event-store.js';
import { inSpan } from '../telemetry/tracing.js';
import type { ServerContext } from './context.js';
import { sendAllPaced, type SocketState } from './socket-io.js';
import type { WebSocket } from './uws.js';

/** Events per `sendHistory` call (a Mutagent `replay` batch). */
export const PAGE_SIZE = 500;
/**
 * Events per store read. Postgres spends less per event on fewer, larger reads (measured on a 1 000 000-event
 * job: 2.8 µs per event in pages of 500, 2.4 in pages of 2 000, which is what COPY costs).
 */
export const STORE_PAGE = 4 * PAGE_SIZE;

/** Pause before re-reading a store that has not caught up with the live topic yet, doubling up to the cap. */
const RESYNC_PAUSE_MS = { first: 5, max: 1_000 };
/** A replay's wait is taken in slices this long, so a socket closed meanwhile stops waiting soon. */
const REPLAY_WAIT_SLICE_MS = 1_000;

/**
 * One job followed on one socket: stored history first, then the live uWS topic. A Mutagent socket
 * holds one feed per subscribed job; the job-per-URL dialects hold exactly one.
 */
export interface Feed {
  readonly jobId: string;
  readonly topic: string;
  /** Sends stored events (one page, in seq order); resolves false once the socket is gone. */
  sendHistory(events: readonly JobEvent[]): Promise<boolean>;
  /** Called once the terminal event went out as history (live terminals are handled by the dialect). */
  onHistoryTerminal(): void;
  /** The feed cannot go on (the store failed while it re-read history): tell the client in its dialect. */
  fail(error: unknown): void;
  joiner?: Joiner;
  live: boolean;
  cancelled: boolean;
}

/** Pages being read while the caller sends an earlier one, once a first full page shows there is more. */
const PAGES_AHEAD = 2;

/**
 * The store's pages after `after`, the next `ahead` ones already being read while the caller sends the current
 * one, so the store and the socket work at the same time. A page is a seq range, so reading ahead needs no
 * result of the page before; what was read past a short page (the end, or a batch still committing) is
 * dropped, never sent. At most `ahead` + 1 pages are held. Without `source.raw` unless asked: no dialect sends it.
 */
export function pagesAhead(
  store: EventStore,
  jobId: string,
  after: number,
  { withRaw = false, ahead = PAGES_AHEAD }: { withRaw?: boolean; ahead?: number } = {},
): AsyncGenerator<readonly JobEvent[]> {
  return readAhead((from) => store.read(jobId, from, STORE_PAGE, { withRaw }), (page) => page.length, after, ahead);
}

/** The job's canonical lines after `after` (the canonical export), a store page at a time, read ahead as `pagesAhead`. */
export function canonicalPagesAhead(store: EventStore, jobId: string, after: number): AsyncGenerator<CanonicalPage> {
  return readAhead((from) => store.readCanonical(jobId, from, STORE_PAGE), (page) => page.count, after, PAGES_AHEAD);
}

async function* readAhead<P>(read: (after: number) => Promise<P>, eventsIn: (page: P) => number, after: number, ahead: number): AsyncGenerator<P> {
  const reads: Promise<P>[] = [];
  let nextAfter = after;
  const readNext = () => {
    reads.push(read(nextAfter));
    nextAfter += STORE_PAGE;
  };
  try {
    for (;;) {
      if (reads.length === 0) readNext();
      const page = await reads.shift()!;
      const full = eventsIn(page) === STORE_PAGE;
      if (full) while (reads.length < ahead) readNext();
      yield page;
      if (!full) return;
    }
  } finally {
    // Reads ahead of a short page, or of a reader that stopped (its socket closed), are never awaited.
    for (const read of reads) read.catch(() => {});
  }
}

const batchesOfPage = new WeakMap<readonly JobEvent[], readonly (readonly JobEvent[])[]>();

/** A store page as `sendHistory` batches of PAGE_SIZE: the same arrays for every reader of a shared page. */
export function historyBatches(page: readonly JobEvent[]): readonly (readonly JobEvent[])[] {
  let batches = batchesOfPage.get(page);
  if (!batches) {
    batches = Array.from({ length: Math.ceil(page.length / PAGE_SIZE) }, (_, i) => Object.freeze(page.slice(i * PAGE_SIZE, (i + 1) * PAGE_SIZE)));
    batchesOfPage.set(page, batches);
  }
  return batches;
}

/** Each page's messages per encoder, so sockets sent the same (shared) page encode it once between them. */
const encodedPages = new WeakMap<readonly JobEvent[], Map<Encoder, (string | null)[]>>();

export function encodePage(events: readonly JobEvent[], encode: Encoder): (string | null)[] {
  let byEncoder = encodedPages.get(events);
  if (!byEncoder) encodedPages.set(events, (byEncoder = new Map()));
  let messages = byEncoder.get(encode);
  if (!messages) byEncoder.set(encode, (messages = events.map(encode)));
  return messages;
}

/** A page of history through a dialect's one encoder, a cork at a time; false once the socket is gone. */
export function sendEncoded<S extends SocketState>(ws: WebSocket<S>, events: readonly JobEvent[], encode: Encoder): Promise<boolean> {
  return sendAllPaced(ws, encodePage(events, encode));
}

function active<S extends SocketState>(ws: WebSocket<S>, feed: Feed): boolean {
  return !ws.getUserData().closed && !feed.cancelled;
}

/**
 * Sends stored events after `after`, then subscribes the socket to the live topic at exactly the next
 * seq: events are published only once committed, so the store always holds whatever the topic has sent.
 */
export async function catchUpThenJoin<S extends SocketState>(
  ctx: ServerContext,
  ws: WebSocket<S>,
  feed: Feed,
  after: number,
): Promise<void> {
  let sent = after;
  for (let stalls = 0; ; ) {
    const before = sent;
    // A socket already at the live topic's position (one starting at the live point) has nothing to read.
    if (ctx.fanout.lastSeq(feed.jobId) !== sent) {
      for await (const page of pagesAhead(ctx.events, feed.jobId, sent)) {
        for (const batch of historyBatches(page)) {
          if (!active(ws, feed) || !(await feed.sendHistory(batch))) return;
          sent = batch[batch.length - 1]!.seq;
          if (isTerminal(batch[batch.length - 1]!.type)) {
            feed.onHistoryTerminal();
            return;
          }
        }
      }
    }
    if (!active(ws, feed)) return;
    const caughtUpTo = sent;
    const joiner: Joiner = {
      sentSeq: caughtUpTo,
      subscribe: () => {
        delete feed.joiner;
        if (!active(ws, feed)) return;
        ws.subscribe(feed.topic);
        feed.live = true;
      },
      resync: () => {
        delete feed.joiner;
        void catchUpThenJoin(ctx, ws, feed, caughtUpTo).catch((error: unknown) => feed.fail(error));
      },
    };
    feed.joiner = joiner;
    if (ctx.fanout.join(feed.jobId, joiner)) return;
    delete feed.joiner;
    // Live events went past what the store returned. Events publish only after they commit, so the store
    // is about to have them (or another node's batch is still committing): re-read, without spinning.
    stalls = sent === before ? stalls + 1 : 0;
    if (stalls > 0) await sleep(Math.min(RESYNC_PAUSE_MS.max, RESYNC_PAUSE_MS.first * 2 ** (stalls - 1)));
  }
}

/** Stops following: no more history, no live topic. */
export function leaveFeed<S extends SocketState>(ctx: ServerContext, ws: WebSocket<S>, feed: Feed): void {
  feed.cancelled = true;
  if (feed.joiner) ctx.fanout.leave(feed.jobId, feed.joiner);
  delete feed.joiner;
  if (feed.live && !ws.getUserData().closed) ws.unsubscribe(feed.topic);
  feed.live = false;
}

/**
 * Plays stored events with their original spacing divided by `speed` (0: as fast as the client reads, a
 * page at a time), reading page by page. Returns the last seq sent.
 */
export async function replay<S extends SocketState>(
  ctx: ServerContext,
  ws: WebSocket<S>,
  feed: Feed,
  after: number,
  speed: number,
): Promise<{ lastSeq: number; terminal: boolean }> {
  return inSpan('replay', { attributes: { 'optbridge.job_id': feed.jobId, 'optbridge.speed': speed } }, async () => {
    let sent = after;
    let origin: { source: number; wall: number } | undefined;
    // A paced replay needs no read ahead: it would only hold pages longer.
    for await (const page of pagesAhead(ctx.events, feed.jobId, after, { ahead: speed === 0 ? PAGES_AHEAD : 0 })) {
      const terminalAt = page.findIndex((event) => isTerminal(event.type));
      const events = terminalAt < 0 ? page : page.slice(0, terminalAt + 1);
      // At speed 0 events go a batch at a time; otherwise each waits for its time and goes alone.
      const batches = speed === 0 ? historyBatches(events) : events.map((event) => [event]);
      for (const batch of batches) {
        if (speed > 0) {
          const at = Date.parse(batch[0]!.at);
          origin ??= { source: at, wall: Date.now() };
          const due = origin.wall + (at - origin.source) / speed;
          while (Date.now() < due && active(ws, feed)) await sleep(Math.min(REPLAY_WAIT_SLICE_MS, due - Date.now()));
        }
        if (!active(ws, feed) || !(await feed.sendHistory(batch))) return { lastSeq: sent, terminal: false };
        sent = batch[batch.length - 1]!.seq;
      }
      if (terminalAt >= 0) return { lastSeq: sent, terminal: true };
    }
    return { lastSeq: sent, terminal: false };
  });
}
