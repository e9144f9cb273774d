import { asBridgeError, BridgeError, invalid, notFound } from '../core/errors.js';
import { isTerminal, type JobEvent, type JobEventType } from '../core/event.js';
import type { Job } from '../core/job.js';
import { topicOf, type Encoder } from '../hub/fanout.js';
import { SpanKind, tracer, type Span } from '../telemetry/tracing.js';
import { credentialOf } from './auth.js';
import { requireTenantFor, type ServerContext } from './context.js';
import { catchUpThenJoin, leaveFeed, replay, sendEncoded, type Feed } from './feed.js';
import { decodeParam } from './http.js';
import { endWith, onClosed, onDrain, sendPaced, textOf, type SocketState } from './socket-io.js';
import type { WebSocket, WebSocketBehavior } from './uws.js';

/** What a dialect whose stream URL names one job tells the shared stream machinery. */
export interface JobStreamDialect {
  readonly name: string;
  readonly encode: Encoder;
  errorFrame(error: BridgeError, jobId: string): string;
  /** First message on a new socket, e.g. JAOT's `status` with the latest progress. */
  greeting?(job: Job, latest: JobEvent | undefined): string;
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
}

interface JobSocket extends SocketState {
  jobId: string;
  query: URLSearchParams;
  /** Set once key and job are checked and the socket is counted and streaming (or refused). */
  started: boolean;
  job?: Job;
  credential?: string;
  failure?: BridgeError;
  after: number | null;
  replaySpeed: number | null;
  feed?: Feed;
  span?: Span;
  timers: NodeJS.Timeout[];
}

export const CLOSE_CODES: Record<string, number> = {
  unauthorized: 4001,
  not_found: 4004,
  invalid_request: 4000,
  invalid_json: 4000,
  too_many_connections: 4029,
  payload_too_large: 1009,
  internal: 1011,
};

export function closeCodeFor(error: BridgeError): number {
  return CLOSE_CODES[error.code] ?? 1011;
}

/**
 * uWS drops a frame over `maxPayloadLength` with a bare 1006. Frames up to this larger cap still reach
 * JavaScript, where the configured limit gets a proper error message and close code 1009.
 */
export function hardPayloadCap(limit: number): number {
  return Math.max(limit * 16, 1 << 20);
}

export function refuseOversized<S extends SocketState>(
  ws: WebSocket<S>,
  message: ArrayBuffer,
  limit: number,
  errorFrame: (error: BridgeError) => string,
): boolean {
  if (message.byteLength <= limit) return false;
  const error = new BridgeError('payload_too_large', `message of ${message.byteLength} bytes exceeds the ${limit}-byte limit`);
  endWith(ws, errorFrame(error), 1009, 'message too big');
  return true;
}

function parseSeq(value: string | null, name: string): number | null {
  if (value === null || value === '') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw invalid(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

/** `?replay=1&speed=N`, which every stream URL takes: the speed, or null when the URL asks for no replay. */
/** Slower than a hundredth of real time, a replay would hold its socket and cursor for days per hour recorded. */
const REPLAY_SPEEDS = { min: 0.01, max: 1_000_000 };

export function parseReplay(query: URLSearchParams): number | null {
  const replay = query.get('replay');
  if (replay === null || replay === '0' || replay === 'false') return null;
  const speed = query.get('speed') ?? '1';
  const n = Number(speed);
  if (!(n === 0 || (n >= REPLAY_SPEEDS.min && n <= REPLAY_SPEEDS.max))) {
    throw invalid(`speed must be 0 (as fast as the client reads) or from ${REPLAY_SPEEDS.min} to ${REPLAY_SPEEDS.max}, got "${speed}"`);
  }
  return n;
}

/**
 * Mounts one job-per-URL stream route (Nerox, JAOT, MatCraft share this; Mutagent multiplexes its own).
 * Several patterns (MatCraft's /api/v1 and /v1 prefixes) share one socket count per API key.
 */
export function mountJobStream(ctx: ServerContext, pattern: string | readonly string[], dialect: JobStreamDialect): void {
  const socketsByJob = new Map<string, Set<WebSocket<JobSocket>>>();
  const socketsByKey = new Map<string, number>();

  ctx.fanout.onTerminal((event) => {
    const sockets = socketsByJob.get(event.jobId);
    if (!sockets || !dialect.closeAfterTerminal) return;
    for (const ws of sockets) {
      if (ws.getUserData().feed?.live) endWith(ws, null, 1000, 'job finished');
    }
  });

  /** Counts the socket against its key and starts streaming, or sends the refusal. */
  const start = (ws: WebSocket<JobSocket>): void => {
    const state = ws.getUserData();
    if (state.closed) return;
    state.started = true;
    if (!state.failure && state.credential && dialect.maxSocketsPerKey) {
      const count = socketsByKey.get(state.credential) ?? 0;
      if (count >= dialect.maxSocketsPerKey) {
        state.failure = new BridgeError(
          'too_many_connections',
          `this API key already has ${count} open WebSocket connections (limit ${dialect.maxSocketsPerKey})`,
        );
        delete state.credential;
      } else {
        socketsByKey.set(state.credential, count + 1);
      }
    } else {
      delete state.credential;
    }
    if (state.failure) {
      endWith(ws, dialect.errorFrame(state.failure, state.jobId), closeCodeFor(state.failure), state.failure.message.slice(0, 120));
      return;
    }
    state.span = tracer.startSpan('ws session', {
      kind: SpanKind.SERVER,
      attributes: { 'optbridge.dialect': dialect.name, 'optbridge.job_id': state.jobId },
    });
    let sockets = socketsByJob.get(state.jobId);
    if (!sockets) socketsByJob.set(state.jobId, (sockets = new Set()));
    sockets.add(ws);
    if (dialect.pingIntervalS) {
      state.timers.push(setInterval(() => !state.closed && ws.ping(), dialect.pingIntervalS * 1000));
    }
    if (dialect.idleCloseS) watchIdle(ctx, ws, dialect.idleCloseS);
    void stream(ctx, dialect, ws).catch((error: unknown) => failStream(dialect, ws, error));
  };

  const behavior: WebSocketBehavior<JobSocket> = {
    maxPayloadLength: hardPayloadCap(ctx.config.limits.maxWsPayloadBytes),
    maxBackpressure: ctx.config.limits.maxWsBackpressureBytes,
    // A subscriber past the limit would silently miss published events; closing lets it resume with ?after=.
    closeOnBackpressureLimit: 1,
    idleTimeout: dialect.pingIntervalS ? 0 : 120,
    sendPingsAutomatically: !dialect.pingIntervalS,

    /**
     * Upgrades at once and checks key and job once open. The installed uWS sometimes closes a socket
     * upgraded later, from async code inside res.cork, right after `open` (uWebSockets PR #1929); a
     * refusal is the dialect's error frame and close code either way.
     */
    upgrade: (res, req, uwsContext) => {
      const query = new URLSearchParams(req.getQuery() ?? '');
      const credential = credentialOf(query, req.getHeader('authorization'));
      const state: JobSocket = {
        closed: false,
        drainWaiters: [],
        jobId: decodeParam(req.getParameter(0) ?? ''),
        query,
        started: false,
        after: null,
        replaySpeed: null,
        timers: [],
        ...(credential !== undefined && { credential }),
      };
      const protocol = req.getHeader('sec-websocket-protocol');
      res.upgrade(state, req.getHeader('sec-websocket-key'), protocol, req.getHeader('sec-websocket-extensions'), uwsContext);
    },

    open: (ws) => {
      void admit(ctx, dialect, ws.getUserData()).then(() => start(ws));
    },

    message: (ws, message) => {
      const state = ws.getUserData();
      if (refuseOversized(ws, message, ctx.config.limits.maxWsPayloadBytes, (e) => dialect.errorFrame(e, state.jobId))) return;
      try {
        const reply = dialect.onMessage(textOf(message), state.jobId);
        if (reply !== null) ws.send(reply);
      } catch (error) {
        ws.send(dialect.errorFrame(asBridgeError(error), state.jobId));
      }
    },

    drain: (ws) => onDrain(ws),

    close: (ws) => {
      const state = ws.getUserData();
      onClosed(state);
      if (!state.started) return;
      for (const timer of state.timers) clearInterval(timer);
      if (state.feed) leaveFeed(ctx, ws, state.feed);
      const sockets = socketsByJob.get(state.jobId);
      sockets?.delete(ws);
      if (sockets?.size === 0) socketsByJob.delete(state.jobId);
      if (state.credential) {
        const count = (socketsByKey.get(state.credential) ?? 1) - 1;
        if (count <= 0) socketsByKey.delete(state.credential);
        else socketsByKey.set(state.credential, count);
      }
      state.span?.end();
    },
  };
  for (const path of typeof pattern === 'string' ? [pattern] : pattern) ctx.app.ws<JobSocket>(path, behavior);
}

function failStream(dialect: JobStreamDialect, ws: WebSocket<JobSocket>, error: unknown): void {
  const { jobId } = ws.getUserData();
  console.error(`${dialect.name} stream for ${jobId} failed:`, error);
  endWith(ws, dialect.errorFrame(asBridgeError(error), jobId), 1011, 'internal error');
}

/** Resolves the socket's key, job and query; a problem becomes `state.failure`, answered in `start`. */
async function admit(ctx: ServerContext, dialect: JobStreamDialect, state: JobSocket): Promise<void> {
  try {
    const tenant = await requireTenantFor(ctx, state.credential);
    const job = await ctx.jobs.getForTenant(state.jobId, tenant);
    if (!job) throw notFound(`job ${state.jobId}`);
    state.job = job;
    state.after = dialect.acceptsAfter ? parseSeq(state.query.get('after'), 'after') : null;
    state.replaySpeed = parseReplay(state.query);
  } catch (error) {
    state.failure = asBridgeError(error);
  }
}

/** Closes the socket once its job has gone `idleS` seconds without an event. */
function watchIdle(ctx: ServerContext, ws: WebSocket<JobSocket>, idleS: number): void {
  const state = ws.getUserData();
  const opened = Date.now();
  const checkEveryMs = Math.min(idleS * 1000, 5_000);
  state.timers.push(
    setInterval(() => {
      const lastActivity = Math.max(opened, ctx.fanout.lastDeliveredAt(state.jobId) ?? 0);
      if (Date.now() - lastActivity >= idleS * 1000) endWith(ws, null, 1000, 'idle: no progress');
    }, checkEveryMs),
  );
}

async function stream(ctx: ServerContext, dialect: JobStreamDialect, ws: WebSocket<JobSocket>): Promise<void> {
  const state = ws.getUserData();
  const job = state.job!;
  const last = await ctx.events.latest(job.id);
  const lastSeq = last?.seq ?? 0;
  // Not the job row: it was read at upgrade and may predate the job's end, which would leave the socket
  // joined live after the terminal event and waiting forever.
  const finished = last !== undefined && isTerminal(last.type);

  let after: number;
  if (state.replaySpeed !== null) after = state.after ?? 0;
  else if (state.after !== null) after = state.after;
  else after = finished ? Math.max(0, lastSeq - 1) : lastSeq;

  if (dialect.greeting) {
    const latest = lastSeq > 0 ? await ctx.events.latest(job.id, lastSeq, dialect.greetingTypes) : undefined;
    if (!(await sendPaced(ws, dialect.greeting(job, latest)))) return;
  }

  const feed: Feed = {
    jobId: job.id,
    topic: topicOf(dialect.name, job.id),
    live: false,
    cancelled: false,
    sendHistory: (events) => sendEncoded(ws, events, dialect.encode),
    onHistoryTerminal() {
      if (dialect.closeAfterTerminal) endWith(ws, null, 1000, 'job finished');
    },
    fail: (error) => failStream(dialect, ws, error),
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
