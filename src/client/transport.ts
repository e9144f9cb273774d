import { BridgeClientError } from './errors.js';

export interface ClientOptions {
  /** The bridge's base URL, e.g. `http://localhost:8080`. */
  url: string;
  /** An API key of the tenant whose jobs this client sees. */
  key: string;
}

type Query = Record<string, string | number | undefined>;

/** HTTP and WebSocket addresses of one bridge, and requests to it with the client's key. */
export class Transport {
  readonly #base: URL;
  readonly #key: string;

  constructor(options: ClientOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new BridgeClientError('invalid_request', `not a URL: "${options.url}"`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new BridgeClientError('invalid_request', `the bridge URL must be http: or https:, got "${options.url}"`);
    }
    if (!options.key) throw new BridgeClientError('invalid_request', 'an API key is required');
    this.#base = base;
    this.#key = options.key;
  }

  url(path: string, query: Query = {}): URL {
    const url = new URL(path.replace(/^\//, ''), this.#base.href.endsWith('/') ? this.#base : `${this.#base.href}/`);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value));
    return url;
  }

  /** Browsers cannot set headers on a WebSocket, so every stream takes the key as `?token=`. */
  socketUrl(path: string, query: Query = {}): string {
    const url = this.url(path, { ...query, token: this.#key });
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return url.href;
  }

  async fetch(method: 'GET' | 'POST', path: string, options: { query?: Query; body?: unknown } = {}): Promise<Response> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = { authorization: `Bearer ${this.#key}` };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new BridgeClientError('unreachable', `cannot reach the bridge at ${this.#base.origin}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
    if (!response.ok) throw BridgeClientError.fromBody(response.status, await readJson(response).catch(() => undefined));
    return response;
  }

  async json<T>(method: 'GET' | 'POST', path: string, options: { query?: Query; body?: unknown } = {}): Promise<T> {
    return (await readJson(await this.fetch(method, path, options))) as T;
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    throw new BridgeClientError('protocol', `the bridge answered HTTP ${response.status} with a body that is not JSON`, response.status);
  }
}

/** A response body as text chunks, read with a reader (not every browser can async-iterate a ReadableStream). */
export async function* textChunks(response: Response): AsyncGenerator<string> {
  if (!response.body) return;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      if (text) yield text;
    }
    finished = true;
    const rest = decoder.decode();
    if (rest) yield rest;
  } finally {
    // A reader that stopped early cancels the download instead of leaving the response open.
    if (!finished) await reader.cancel().catch(() => {});
  }
}
