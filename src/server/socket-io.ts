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

/** Bytes of messages put into one cork: a few socket writes per page, never one per message. */
const CORK_BYTES = 64 * 1024;

/**
 * Sends many messages (a page of history) a cork at a time, waiting for `drain` between corks when the
 * buffer is high, so a page costs a few writes and at most one wait, and a slow reader still bounds what
 * the server buffers for it. Null entries (nothing to say in this dialect) are skipped.
 */
export async function sendAllPaced<S extends SocketState>(ws: WebSocket<S>, messages: readonly (string | null)[]): Promise<boolean> {
  const state = ws.getUserData();
  let next = 0;
  while (next < messages.length) {
    if (state.closed) return false;
    ws.cork(() => {
      for (let bytes = 0; next < messages.length && bytes < CORK_BYTES; next++) {
        const message = messages[next];
        if (message === null || message === undefined) continue;
        ws.send(message);
        bytes += message.length;
      }
    });
    if (ws.getBufferedAmount() > HIGH_WATER_BYTES) {
      await new Promise<void>((resolve) => state.drainWaiters.push(resolve));
    }
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
