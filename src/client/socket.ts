import { BridgeClientError } from './errors.js';

/** The part of a WebSocket the SDK uses: the browser's global, or the `ws` package's in Node 20, which has none. */
interface SocketLike {
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

type SocketConstructor = new (url: string) => SocketLike;

let socketConstructor: Promise<SocketConstructor> | undefined;

/** `ws` is imported only where the platform has no WebSocket, so a browser bundle never pulls it in. */
function webSocketClass(): Promise<SocketConstructor> {
  socketConstructor ??= (async () => {
    const global = (globalThis as { WebSocket?: SocketConstructor }).WebSocket;
    if (global) return global;
    const { WebSocket } = await import('ws');
    return WebSocket as unknown as SocketConstructor;
  })();
  return socketConstructor;
}

export type SocketItem = { kind: 'message'; text: string } | { kind: 'close'; code: number; reason: string };

/** One WebSocket read as a queue: every text frame in order, then exactly one `close`. */
export class SocketReader {
  readonly #items: SocketItem[] = [];
  readonly #waiting: ((item: SocketItem) => void)[] = [];
  #socket: SocketLike | undefined;
  #open = false;
  #closed = false;

  /**
   * Resolves once the socket is open, or closed without opening (the close is then the first item). An
   * aborted `signal` closes it (with 1000, so a reader sees an ordinary close and stops).
   */
  static async open(url: string, signal?: AbortSignal): Promise<SocketReader> {
    const reader = new SocketReader();
    if (signal?.aborted) {
      reader.#push({ kind: 'close', code: 1000, reason: 'aborted' });
      return reader;
    }
    const Socket = await webSocketClass();
    let socket: SocketLike;
    try {
      socket = new Socket(url);
    } catch (error) {
      throw new BridgeClientError('invalid_request', `cannot open ${url.replace(/token=[^&]*/, 'token=…')}: ${(error as Error).message}`);
    }
    reader.#socket = socket;
    signal?.addEventListener('abort', () => reader.close(), { once: true });
    await new Promise<void>((resolve) => {
      socket.onopen = () => {
        reader.#open = true;
        resolve();
      };
      socket.onmessage = (event) => reader.#push({ kind: 'message', text: typeof event.data === 'string' ? event.data : String(event.data) });
      socket.onclose = (event) => {
        reader.#push({ kind: 'close', code: event.code, reason: event.reason });
        resolve();
      };
      // An error is always followed by close, which carries the code that matters.
      socket.onerror = () => {};
    });
    return reader;
  }

  /** A socket that closed before opening has its close queued already, so the frame is dropped. */
  send(text: string): void {
    if (this.#open && !this.#closed) this.#socket?.send(text);
  }

  /** Resolves the next frame, or the close once every frame before it was taken. */
  next(): Promise<SocketItem> {
    const item = this.#items.shift();
    if (item) return Promise.resolve(item);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket?.close(1000);
  }

  #push(item: SocketItem): void {
    if (item.kind === 'close') this.#closed = true;
    const waiter = this.#waiting.shift();
    if (waiter) waiter(item);
    else this.#items.push(item);
  }
}
