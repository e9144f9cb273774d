import { isRecord } from '../../core/json.js';

/**
 * Why talking to a vendor failed, in words a client may read (secrets already removed). `code` becomes the
 * failed event's `error.code`; `retryable` separates an outage (wait and retry) from a refusal (give up now).
 */
export class UpstreamError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly status: number | undefined;

  constructor(code: string, message: string, options: { retryable?: boolean; status?: number } = {}) {
    super(message);
    this.name = 'UpstreamError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.status = options.status;
  }
}

/** Statuses worth retrying: the vendor is overloaded or briefly away, not refusing the request. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * The vendor's own error text from an error body. The four vendors use `{error: {message}}` (Nerox),
 * `{detail}` (JAOT, MatCraft; FastAPI validation errors make it a list) and `{error}` (Mutagent).
 */
export function vendorMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() || undefined;
  if (!isRecord(body)) return undefined;
  const { error, detail, message } = body;
  if (isRecord(error) && typeof error.message === 'string') return error.message;
  for (const text of [error, detail, message]) if (typeof text === 'string' && text !== '') return text;
  if (Array.isArray(detail)) {
    const parts = detail.map((d) => (isRecord(d) && typeof d.msg === 'string' ? d.msg : JSON.stringify(d)));
    return parts.join('; ');
  }
  return undefined;
}

/** "250 ms", "30 s", "5 min": durations in messages a person reads. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** JSON when it parses, the text itself otherwise: error bodies are not always JSON. */
export function parseLenient(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A network-level failure in a few words: `fetch failed` alone does not say what went wrong. */
export function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return (error as Error).message ?? String(error);
}
