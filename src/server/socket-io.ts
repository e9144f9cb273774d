import type { WebSocket } from './uws.js';

/** State every bridge socket carries, whatever its dialect. */
export interface SocketState {
  closed: boolean;
  /** Resolvers waiting for uWS's drain callback. */
  drainWaiters: (() => void)[];
}

/** Buffered bytes above which catch-up and replay wait for `drain` instead of queueing more. */
const HIGH_WATER_BYTES = 256 * 1024;

/**
 * Sends one message from async code (catch-up, replay) and waits for `drain` when the socket's buffer is
 * high, so a slow reader slows its own replay instead of growing the server's memory.
 */
export async function sendPaced<S extends SocketState>(ws: WebSocket<S>, message: string): Promise<boolean> {
  const state = ws.getUserData();
  if (state.closed) return false;
  ws.cork(() => ws.send(message));
  if (ws.getBufferedAmount() > HIGH_WATER_BYTES) {
    await new Promise<void>((resolve) => state.drainWaiters.push(resolve));
  }
  return !state.closed;
}

export function onDrain<S extends SocketState>(ws: WebSocket<S>): void {
  const state = ws.getUserData();
  if (ws.getBufferedAmount() > HIGH_WATER_BYTES) return;
  const waiters = state.drainWaiters.splice(0);
  for (const resolve of waiters) resolve();
}

export function onClosed(state: SocketState): void {
  state.closed = true;
  const waiters = state.drainWaiters.splice(0);
  for (const resolve of waiters) resolve();
}

/**
 * Sends and closes, unless the client is already gone. `end` stays outside the cork: called while corked,
 * uWS sees the close frame as buffered, leaves the TCP shutdown to a drain that never comes, and ignores
 * the client's close frame meanwhile, so the client's closing handshake hangs until its own timeout.
 */
export function endWith<S extends SocketState>(ws: WebSocket<S>, message: string | null, code: number, reason: string): void {
  const state = ws.getUserData();
  if (state.closed) return;
  if (message !== null) ws.cork(() => ws.send(message));
  ws.end(code, reason);
}

export function textOf(message: ArrayBuffer): string {
  return Buffer.from(message).toString('utf8');
}
