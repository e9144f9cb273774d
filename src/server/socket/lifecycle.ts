import { accessLine } from '../access-log.js';
import { asBridgeError, BridgeError } from '../../core/errors.js';
import { instruments } from '../../telemetry/metrics.js';
import { SpanKind, tracer, type Span } from '../../telemetry/tracing.js';
import { credentialOf } from '../auth.js';
import { requireTenantFor, type ServerContext } from '../context.js';
import { decodeParam } from '../http.js';
import { registryOf, type SocketDocs } from '../route-registry.js';
import { endWith, onClosed, onDrain, textOf, type SocketState } from '../socket-io.js';
import type { WebSocket, WebSocketBehavior } from '../uws.js';

/** What every bridge socket carries from its upgrade on, whatever its dialect. */
export interface LifecycleState extends SocketState {
  /** The handler's dialect, for the sweep's logs and metrics. */
  readonly dialect: string;
  /** The route's `:id`, when its pattern has one. */
  readonly param: string;
  /** Handed to admission, then dropped: an open socket keeps only what it needs. */
  query?: URLSearchParams;
  credential?: string;
  tenantId?: string;
  /** Set once admitted and started; a socket refused or closed during admission never is. */
  started: boolean;
  /** Gives back the socket's place under its key's socket limit, once it closes. */
  releaseCount?: () => void;
  timers: NodeJS.Timeout[];
  span?: Span;
  /** Settles once the socket is admitted or refused. */
  admission?: Promise<void>;
}

/**
 * A dialect's socket: only its own messages and state. The lifecycle (upgrade, key check, admission,
 * the refusal frame and close code, per-key limits, oversized frames, drain, pings, close and the session
 * span) is the same for every dialect and lives here, the way a Hono runtime adapter supplies only
 * `send` and `close` to one WebSocket helper.
 */
export interface SocketHandler<S extends LifecycleState> {
  /** The dialect's name, for spans. */
  readonly dialect: string;
  /** The dialect-specific part of a new socket's state. */
  initialState(base: LifecycleState): S;
  /** The dialect's words for a missing or wrong key. */
  readonly unauthorizedMessage?: string;
  /** The dialect's error frame; `state` tells which job the socket is about. */
  errorFrame(error: BridgeError, state: S): string;
  /** Checks what the URL asks for beyond the key (the job, the query); throws BridgeError to refuse. */
  admit?(ctx: ServerContext, state: S, query: URLSearchParams): Promise<void>;
  start(ws: WebSocket<S>): void;
  /** Answers one client frame; a BridgeError thrown here is sent as the error frame and the socket stays open. */
  message(ws: WebSocket<S>, text: string): void;
  /** The socket is gone (only called for sockets that started). */
  close(ws: WebSocket<S>): void;
  /** Seconds between server ping frames (MatCraft's 30 s); without it uWS pings on its own idle timer. */
  readonly pingIntervalS?: number;
  /** Simultaneous sockets per API key, counted across every pattern of the handler (MatCraft: 10). */
  readonly maxSocketsPerKey?: number;
  /** The socket's messages and query, for the AsyncAPI document. */
  readonly docs: SocketDocs;
}

/** Room above the limit for what one sweep interval can bring (`sweep.ts`); past it uWS drops the socket at once (1006). */
const BACKPRESSURE_HEADROOM_BYTES = 8 * 1024 * 1024;

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

/** Sends the error frame and closes with the error's code; the reason is what a close frame can hold. */
export function refuse<S extends LifecycleState>(ws: WebSocket<S>, frame: string, error: BridgeError): void {
  endWith(ws, frame, closeCodeFor(error), error.message.slice(0, 120));
}

/**
 * uWS drops a frame over `maxPayloadLength` with a bare 1006. Frames up to this larger cap still reach
 * JavaScript, where the configured limit gets a proper error message and close code 1009.
 */
function hardPayloadCap(limit: number): number {
  return Math.max(limit * 16, 1 << 20);
}

/** Mounts one socket route (several patterns may share one handler and one per-key count). */
export function mountSocket<S extends LifecycleState>(ctx: ServerContext, patterns: readonly string[], handler: SocketHandler<S>): void {
  const { maxWsPayloadBytes, maxWsBackpressureBytes } = ctx.config.limits;

  /** Key, then the handler's checks, then the key's socket limit: a refusal is the dialect's frame and code. */
  const admit = async (ws: WebSocket<S>): Promise<void> => {
    const state = ws.getUserData();
    const query = state.query!;
    delete state.query;
    try {
      state.tenantId = await requireTenantFor(ctx, state.credential, handler.unauthorizedMessage);
      await handler.admit?.(ctx, state, query);
    } catch (error) {
      refuse(ws, handler.errorFrame(asBridgeError(error), state), asBridgeError(error));
      return;
    }
    if (state.closed) return;
    const limit = handler.maxSocketsPerKey;
    if (limit !== undefined && state.credential) {
      const release = await ctx.socketCounts.take(handler.dialect, state.credential, limit);
      if (state.closed) return release?.();
      if (!release) {
        const refusal = new BridgeError('too_many_connections', `this API key already has ${limit} open WebSocket connections (limit ${limit})`);
        return refuse(ws, handler.errorFrame(refusal, state), refusal);
      }
      state.releaseCount = release;
    }
    state.started = true;
    instruments.clientsConnected.add(1, { dialect: handler.dialect, node: ctx.config.cluster.nodeId });
    state.span = tracer.startSpan('ws session', { kind: SpanKind.SERVER, attributes: { 'optbridge.dialect': handler.dialect, ...(state.param && { 'optbridge.job_id': state.param }) } });
    if (handler.pingIntervalS) state.timers.push(setInterval(() => !state.closed && ws.ping(), handler.pingIntervalS * 1000));
    handler.start(ws);
  };

  const deliver = (ws: WebSocket<S>, text: string): void => {
    const state = ws.getUserData();
    if (state.closed || !state.started) return;
    try {
      handler.message(ws, text);
    } catch (error) {
      ws.send(handler.errorFrame(asBridgeError(error), state));
    }
  };

  const behavior: WebSocketBehavior<S> = {
    maxPayloadLength: hardPayloadCap(maxWsPayloadBytes),
    // The sweep closes a slow subscriber with a reason first; uWS drops one that outruns even the
    // headroom, as a subscriber past its limit would otherwise silently miss published events.
    maxBackpressure: maxWsBackpressureBytes + BACKPRESSURE_HEADROOM_BYTES,
    closeOnBackpressureLimit: 1,
    idleTimeout: handler.pingIntervalS ? 0 : 120,
    sendPingsAutomatically: !handler.pingIntervalS,

    /**
     * Upgrades at once and admits once open: the installed uWS sometimes closes a socket upgraded later,
     * from async code inside res.cork, right after `open` (uWebSockets PR #1929). uWS copies the user data
     * into the socket, so everything after the upgrade works on the socket's own copy.
     */
    upgrade: (res, req, uwsContext) => {
      const query = new URLSearchParams(req.getQuery() ?? '');
      if (ctx.config.accessLog) ctx.log(accessLine('GET', req.getUrl(), query, 101, 0));
      const credential = credentialOf(query, req.getHeader('authorization'));
      const base: LifecycleState = {
        dialect: handler.dialect,
        closed: false,
        drainWaiters: [],
        param: decodeParam(req.getParameter(0) ?? ''),
        query,
        started: false,
        timers: [],
        ...(credential !== undefined && { credential }),
      };
      res.upgrade(handler.initialState(base), req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), uwsContext);
    },

    open: (ws) => {
      const state = ws.getUserData();
      ctx.sockets.add(ws);
      state.admission = admit(ws)
        .catch((error: unknown) => {
          ctx.log(`${handler.dialect} socket admission failed: ${(error as Error).stack ?? String(error)}`);
          refuse(ws, handler.errorFrame(asBridgeError(error), state), asBridgeError(error));
        })
        .finally(() => delete state.admission);
    },

    message: (ws, message) => {
      const state = ws.getUserData();
      // `message` is valid only now; what the answer needs is copied out first.
      const size = message.byteLength;
      const text = size > maxWsPayloadBytes ? null : textOf(message);
      const answer = (): void => {
        if (text !== null) return deliver(ws, text);
        const error = new BridgeError('payload_too_large', `message of ${size} bytes exceeds the ${maxWsPayloadBytes}-byte limit`);
        endWith(ws, handler.errorFrame(error, state), 1009, 'message too big');
      };
      // Frames that arrive during admission wait for it, in order, instead of being answered as refused.
      if (state.started) answer();
      else void state.admission?.then(answer);
    },

    drain: (ws) => onDrain(ws),

    close: (ws) => {
      const state = ws.getUserData();
      ctx.sockets.delete(ws);
      onClosed(state);
      for (const timer of state.timers) clearInterval(timer);
      state.releaseCount?.();
      if (!state.started) return;
      instruments.clientsConnected.add(-1, { dialect: handler.dialect, node: ctx.config.cluster.nodeId });
      handler.close(ws);
      state.span?.end();
    },
  };
  for (const pattern of patterns) {
    ctx.app.ws<S>(pattern, behavior);
    registryOf(ctx.app).describe('ws', pattern, { socket: { ...handler.docs, dialect: handler.dialect } });
  }
}
