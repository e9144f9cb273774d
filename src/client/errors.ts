/** HTTP statuses back to the bridge's error codes, for dialects whose error bodies carry only a message (JAOT). */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  429: 'too_many_connections',
  500: 'internal',
  503: 'provider_unavailable',
};

/**
 * The one error the SDK throws: the bridge's `code` and `message` as it sent them, or `unreachable` when
 * no answer came, `protocol` when one came that the SDK cannot read, and a job's own error for `result()`.
 */
export class BridgeClientError extends Error {
  readonly code: string;
  /** HTTP status, or WebSocket close code, when the bridge answered with one. */
  readonly status: number | undefined;

  constructor(code: string, message: string, status?: number) {
    super(message);
    this.name = 'BridgeClientError';
    this.code = code;
    this.status = status;
  }

  /** Reads any dialect's error body: `{error: {code, message}}`, `{error: "…"}` or `{detail: "…"}`. */
  static fromBody(status: number, body: unknown): BridgeClientError {
    const fallback = CODE_BY_STATUS[status] ?? 'internal';
    if (typeof body === 'object' && body !== null) {
      const { error, detail } = body as { error?: unknown; detail?: unknown };
      if (typeof error === 'object' && error !== null) {
        const { code, message } = error as { code?: unknown; message?: unknown };
        return new BridgeClientError(typeof code === 'string' ? code : fallback, String(message ?? `HTTP ${status}`), status);
      }
      if (typeof error === 'string') return new BridgeClientError(fallback, error, status);
      if (typeof detail === 'string') return new BridgeClientError(fallback, detail, status);
    }
    return new BridgeClientError(fallback, `the bridge answered HTTP ${status}`, status);
  }
}
