import { asBridgeError } from '../../src/core/errors.js';
import { credentialOf } from '../../src/server/auth.js';
import { requireTenantFor, type ServerContext } from '../../src/server/context.js';
import { closeCodeFor, hardPayloadCap, parseReplay, refuseOversized } from '../../src/server/job-stream.js';
import { endWith, onClosed, onDrain, textOf } from '../../src/server/socket-io.js';
import { SpanKind, tracer } from '../../src/telemetry/tracing.js';
import { DIALECT_NAME, errorFrame } from './encode.js';
import { leaveAll, receive, type OptimizationSocket } from './session.js';

/**
 * `/ws/optimization`: one socket, many jobs. The key is checked once, on the upgrade; a bad key gets an
 * `error` and close 4001 (the doc's reconnecting client then retries, as it would against Mutagent).
 * Everything after that is per job and per message, and the socket stays open on a client's mistakes.
 */
async function admit(ctx: ServerContext, state: OptimizationSocket, query: URLSearchParams, credential: string | undefined): Promise<void> {
  try {
    state.tenantId = await requireTenantFor(ctx, credential, 'Invalid or missing API key');
    state.replaySpeed = parseReplay(query);
  } catch (error) {
    state.failure = asBridgeError(error);
  }
}

export function mountOptimizationSocket(ctx: ServerContext): void {
  const { maxWsPayloadBytes, maxWsBackpressureBytes } = ctx.config.limits;

  ctx.app.ws<OptimizationSocket>('/ws/optimization', {
    maxPayloadLength: hardPayloadCap(maxWsPayloadBytes),
    maxBackpressure: maxWsBackpressureBytes,
    // A subscriber past the limit would silently miss published events; closed, it resumes with afterEventId.
    closeOnBackpressureLimit: 1,
    idleTimeout: 120,
    sendPingsAutomatically: true,

    // Upgraded at once and admitted once open: this uWS build drops some sockets upgraded later from async
    // code (uWebSockets PR #1929). Frames that arrive meanwhile wait on `queue` behind the admission.
    upgrade: (res, req, uwsContext) => {
      const state: OptimizationSocket = {
        closed: false,
        drainWaiters: [],
        replaySpeed: null,
        subscriptions: new Map(),
        queue: Promise.resolve(),
        inFlight: 0,
      };
      const query = new URLSearchParams(req.getQuery() ?? '');
      const credential = credentialOf(query, req.getHeader('authorization'));
      // uWS copies the user data into the socket, so admission runs in `open`, on the socket's own copy.
      state.admission = { query, credential };
      res.upgrade(state, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), uwsContext);
    },

    open: (ws) => {
      const state = ws.getUserData();
      const { query, credential } = state.admission!;
      delete state.admission;
      state.queue = admit(ctx, state, query, credential).then(() => {
        if (state.failure) {
          endWith(ws, errorFrame(state.failure), closeCodeFor(state.failure), state.failure.message.slice(0, 120));
          return;
        }
        if (!state.closed) {
          state.span = tracer.startSpan('ws session', { kind: SpanKind.SERVER, attributes: { 'optbridge.dialect': DIALECT_NAME } });
        }
      });
    },

    message: (ws, message) => {
      if (refuseOversized(ws, message, maxWsPayloadBytes, errorFrame)) return;
      receive(ctx, ws, textOf(message));
    },

    drain: (ws) => onDrain(ws),

    close: (ws) => {
      const state = ws.getUserData();
      onClosed(state);
      leaveAll(ctx, ws);
      state.span?.end();
    },
  });
}
