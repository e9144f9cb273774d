import WebSocket from 'ws';
import { parseLenient, vendorMessage } from './errors.js';

export interface SocketOptions {
  url: string;
  headers: Record<string, string>;
  handshakeTimeoutMs: number;
  /** How often to prove the connection alive; two periods without hearing anything end it. */
  keepaliveMs: number;
  /** The doc's keepalive message; without one, WebSocket ping frames, which every server answers. */
  ping: string | undefined;
  /** Called synchronously on open, before any frame of the connection is delivered. */
  onOpen(socket: UpstreamSocket): void;
  onText(text: string): void;
}

/** How a connection ended: a close code, or the HTTP answer that refused the upgrade. */
export interface SocketEnd {
  opened: boolean;
  /** Anything at all arrived (a frame, a ping, a pong): the vendor was there. */
  heard: boolean;
  code: number;
  reason: string;
  refusal?: { status: number; message: string };
}

/** How a connection ended, in the words of gap and failure messages. */
export function endReason(end: SocketEnd): string {
  if (end.refusal) return `HTTP ${end.refusal.status} ${end.refusal.message}`;
  return end.reason ? `${end.code} ${end.reason}` : String(end.code);
}

/** A refusal's body is read for the vendor's message, not kept whole. */
const MAX_REFUSAL_BYTES = 64 * 1024;
/** A peer that ignores our close frame is cut after this; `ws` itself would wait 30 s. */
const CLOSE_GRACE_MS = 2000;

/**
 * One WebSocket connection to a vendor, never reopened: reconnecting is the caller's decision, so a job never
 * has two sockets. Keepalive and liveness live here; decoding does not.
 */
export class UpstreamSocket {
  readonly opened: Promise<boolean>;
  readonly ended: Promise<SocketEnd>;
  readonly #ws: WebSocket;
  readonly #options: SocketOptions;
  #open = false;
  #heard = false;
  #lastHeard = Date.now();
  #keepalive: NodeJS.Timeout | undefined;
  #refusal: SocketEnd['refusal'];
  #error = '';

  constructor(options: SocketOptions) {
    this.#options = options;
    const ws = new WebSocket(options.url, { headers: options.headers, handshakeTimeout: options.handshakeTimeoutMs });
    this.#ws = ws;
    this.ended = new Promise((resolve) => {
      ws.once('close', (code, reason) => {
        clearInterval(this.#keepalive);
        resolve({ opened: this.#open, heard: this.#heard, code, reason: reason.toString() || this.#error, ...(this.#refusal && { refusal: this.#refusal }) });
      });
    });
    this.opened = new Promise((resolve) => {
      ws.once('open', () => {
        this.#open = true;
        this.#keepalive = setInterval(() => this.#tick(), options.keepaliveMs);
        options.onOpen(this);
        resolve(true);
      });
      void this.ended.then(() => resolve(false));
    });
    ws.on('message', (data) => {
      this.#hear();
      try {
        options.onText(data.toString());
      } catch (error) {
        // A frame the bridge cannot process must cost this connection at most, never the process.
        this.#error = `a ${data.toString().length}-character frame could not be processed: ${(error as Error).message}`;
        ws.terminate();
      }
    });
    ws.on('ping', () => this.#hear());
    ws.on('pong', () => this.#hear());
    ws.on('error', (error) => (this.#error = error.message));
    ws.on('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_REFUSAL_BYTES) chunks.push(chunk);
      });
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        const message = vendorMessage(parseLenient(Buffer.concat(chunks).toString('utf8')));
        this.#refusal = { status, message: message ?? (response.statusMessage || `HTTP ${status}`) };
        this.#error = `HTTP ${status}`;
        ws.terminate();
      });
      response.on('error', () => ws.terminate());
    });
  }

  send(text: string): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(text);
  }

  /** A polite close; a peer that does not answer it is cut after a short grace. */
  close(): void {
    if (this.#ws.readyState !== WebSocket.OPEN) {
      this.#ws.terminate();
      return;
    }
    this.#ws.close(1000);
    setTimeout(() => this.#ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  #hear(): void {
    this.#heard = true;
    this.#lastHeard = Date.now();
  }

  #tick(): void {
    if (Date.now() - this.#lastHeard > 2 * this.#options.keepaliveMs) {
      this.#error = 'keepalive timeout: the vendor went silent';
      this.#ws.terminate();
    } else if (this.#options.ping === undefined) {
      this.#ws.ping();
    } else {
      this.send(this.#options.ping);
    }
  }
}
