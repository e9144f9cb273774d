import { createRequire } from 'node:module';
import type * as Uws from 'uWebSockets.js';

export type { HttpRequest, HttpResponse, TemplatedApp, WebSocket, WebSocketBehavior, us_listen_socket } from 'uWebSockets.js';

/**
 * The uWebSockets.js package we install falls back, with only a console warning, to a JavaScript shim
 * over `ws` when its native binary cannot load. The shim is an order of magnitude slower and lacks
 * C++ topic fan-out, so the bridge refuses to run on it.
 */
export class NativeUwsUnavailable extends Error {
  constructor(detail: string) {
    super(`uWebSockets.js native binary is not loaded (${detail}); refusing to start on the slow ws fallback`);
    this.name = 'NativeUwsUnavailable';
  }
}

export function isNativeUws(uws: typeof Uws): boolean {
  return typeof uws.App === 'function' && Function.prototype.toString.call(uws.App).includes('[native code]');
}

export type NativeUws = typeof Uws;

export function loadNativeUws(): NativeUws {
  if (process.env.UWS_USE_FALLBACK) {
    throw new NativeUwsUnavailable('UWS_USE_FALLBACK is set');
  }
  const require = createRequire(import.meta.url);
  const uws = require('uWebSockets.js') as typeof Uws;
  if (!isNativeUws(uws)) {
    throw new NativeUwsUnavailable(`no binary for ${process.platform}-${process.arch} ABI ${process.versions.modules}`);
  }
  return uws;
}
