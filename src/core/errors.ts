/**
 * The one error type handlers throw. Dialects decide how it looks on the wire; the HTTP status
 * is the meaning, `code` the stable machine name, `message` what a person reads.
 */
export type ErrorCode =
  | 'invalid_request'
  | 'invalid_json'
  | 'payload_too_large'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'too_many_connections'
  | 'rate_limited'
  | 'quota_exceeded'
  | 'provider_unavailable'
  | 'internal';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  invalid_request: 400,
  invalid_json: 400,
  payload_too_large: 413,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  too_many_connections: 429,
  rate_limited: 429,
  quota_exceeded: 429,
  provider_unavailable: 503,
  internal: 500,
};

export class BridgeError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'BridgeError';
    this.code = code;
    this.status = STATUS_BY_CODE[code];
    this.details = details;
  }
}

export function invalid(message: string, details?: Record<string, unknown>): BridgeError {
  return new BridgeError('invalid_request', message, details);
}

export function notFound(what: string): BridgeError {
  return new BridgeError('not_found', `${what} not found`);
}

export function asBridgeError(error: unknown): BridgeError {
  if (error instanceof BridgeError) return error;
  return new BridgeError('internal', 'internal error');
}
