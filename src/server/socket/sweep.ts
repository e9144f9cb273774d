import { instruments } from '../../telemetry/metrics.js';
import type { ServerContext } from '../context.js';
import { endWith } from '../socket-io.js';
import type { WebSocket } from '../uws.js';
import type { LifecycleState } from './lifecycle.js';

/**
 * A subscriber whose send buffer passes `limits.maxWsBackpressureBytes` is closed with this code and a reason
 * naming the limit, so it knows to resume (`?after=`, `afterEventId`) rather than take the end for a normal one.
 */
export const SLOW_CONSUMER_CLOSE = 4008;
/** How often send buffers are checked: a live topic publish does not wait for a slow reader, the buffer tells. */
const SWEEP_EVERY_MS = 250;
/** Keys are checked every fourth sweep: a revoked key's sockets close within a second (and the auth cache's second). */
const KEY_CHECK_EVERY = 4;

type Socket = WebSocket<LifecycleState>;

/**
 * One pass over every open socket of every dialect, four times a second: slow subscribers are closed with 4008,
 * and once a second every socket whose API key no longer grants anything (revoked or expired) with 4001, as a
 * refused key is at admission. Returns the function that stops it.
 */
export function sweepSockets(ctx: ServerContext): () => void {
  let sweeps = 0;
  let checkingKeys = false;
  const timer = setInterval(() => {
    const sockets = ctx.sockets as Set<Socket>;
    closeSlowConsumers(ctx, sockets);
    if (++sweeps % KEY_CHECK_EVERY !== 0 || checkingKeys || sockets.size === 0) return;
    checkingKeys = true;
    void closeRevoked(ctx, sockets).finally(() => (checkingKeys = false));
  }, SWEEP_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

function closeSlowConsumers(ctx: ServerContext, sockets: Set<Socket>): void {
  const limit = ctx.config.limits.maxWsBackpressureBytes;
  for (const ws of sockets) {
    if (ws.getBufferedAmount() <= limit) continue;
    const { dialect, started } = ws.getUserData();
    if (!started) continue;
    ctx.log(`${dialect} socket closed as a slow consumer: over ${limit} bytes unsent`);
    instruments.slowConsumerCloses.add(1, { dialect });
    endWith(ws, null, SLOW_CONSUMER_CLOSE, `slow consumer: over ${limit} bytes unsent; resume from your last seq`);
  }
}

/** One lookup per distinct key, each served from the authenticator's one-second cache: thousands of sockets on a few keys cost a few. */
async function closeRevoked(ctx: ServerContext, sockets: Set<Socket>): Promise<void> {
  const byKey = new Map<string, Socket[]>();
  for (const ws of sockets) {
    const { started, credential } = ws.getUserData();
    if (!started || credential === undefined) continue;
    const ofKey = byKey.get(credential);
    if (ofKey) ofKey.push(ws);
    else byKey.set(credential, [ws]);
  }
  for (const [key, ofKey] of byKey) {
    const grant = await ctx.auth.grantFor(key).catch(() => 'unknown' as const);
    if (grant !== undefined) continue;
    for (const ws of ofKey) endWith(ws, null, 4001, 'API key revoked or expired');
  }
}
