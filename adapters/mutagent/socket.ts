import type { ServerContext } from '../../src/server/context.js';
import { mountSocket } from '../../src/server/socket/lifecycle.js';
import { parseStreamQuery, REPLAY_QUERY } from '../../src/server/socket/stream-query.js';
import { MUTAGENT_MESSAGES } from './messages.js';
import { CLIENT_MESSAGES } from './schema.js';
import { DIALECT_NAME, errorFrame } from './encode.js';
import { leaveAll, receive, type OptimizationSocket } from './session.js';

/**
 * `/ws/optimization`: one socket, many jobs. The key is checked once, when the socket opens; a bad key gets
 * an `error` and close 4001 (the doc's reconnecting client then retries, as it would against Mutagent).
 * Everything after that is per job and per message, and the socket stays open on a client's mistakes.
 */
export function mountOptimizationSocket(ctx: ServerContext): void {
  mountSocket<OptimizationSocket>(ctx, ['/ws/optimization'], {
    dialect: DIALECT_NAME,
    unauthorizedMessage: 'Invalid or missing API key',
    docs: {
      summary: 'Subscribe to any number of jobs on one socket',
      description: 'A bad key gets an error and close 4001; every later mistake an error, and the socket stays open.',
      query: REPLAY_QUERY,
      send: MUTAGENT_MESSAGES,
      receive: CLIENT_MESSAGES,
    },
    initialState: (base) => Object.assign(base, { replaySpeed: null, subscriptions: new Map(), queue: Promise.resolve(), inFlight: 0 }),
    errorFrame: (error) => errorFrame(error),
    async admit(_ctx, state, query) {
      state.replaySpeed = parseStreamQuery(query, false).replaySpeed;
    },
    start() {},
    message: (ws, text) => receive(ctx, ws, text),
    close: (ws) => leaveAll(ctx, ws),
  });
}
