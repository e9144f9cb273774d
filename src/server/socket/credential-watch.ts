import type { ServerContext } from '../context.js';
import type { LifecycleState } from './lifecycle.js';
import { endWith } from '../socket-io.js';
import type { WebSocket } from '../uws.js';

/** How often open sockets' keys are checked again: a revoked key's sockets close within this (and the auth cache's second). */
const CHECK_EVERY_MS = 1_000;

/**
 * Closes every open socket whose API key no longer grants anything (revoked or expired) with 4001, as a
 * refused key is closed at admission. One lookup per distinct key per round, each served from the
 * authenticator's one-second cache, so thousands of sockets on a few keys cost a few lookups.
 */
export function watchCredentials(ctx: ServerContext): () => void {
  let checking = false;
  const timer = setInterval(() => {
    if (checking || ctx.sockets.size === 0) return;
    checking = true;
    void checkOnce(ctx).finally(() => (checking = false));
  }, CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}

async function checkOnce(ctx: ServerContext): Promise<void> {
  const byKey = new Map<string, WebSocket<LifecycleState>[]>();
  for (const ws of ctx.sockets as Set<WebSocket<LifecycleState>>) {
    const { started, credential } = ws.getUserData();
    if (!started || credential === undefined) continue;
    const sockets = byKey.get(credential);
    if (sockets) sockets.push(ws);
    else byKey.set(credential, [ws]);
  }
  for (const [key, sockets] of byKey) {
    const grant = await ctx.auth.grantFor(key).catch(() => 'unknown' as const);
    if (grant !== undefined) continue;
    for (const ws of sockets) endWith(ws, null, 4001, 'API key revoked or expired');
  }
}
