/**
 * Cross-origin access, off by default (same origin only): only origins named in `corsOrigins`
 * (BRIDGE_CORS_ORIGINS), or every origin with `*`, get the headers a browser needs to call the API from
 * another page. Credentials travel as Bearer keys, never cookies, so no Allow-Credentials is sent.
 */
export interface Cors {
  /** The headers for a response to a request from `origin`; none when that origin is not allowed. */
  headersFor(origin: string): Record<string, string> | undefined;
  /** The answer to a preflight (OPTIONS) from `origin`, or undefined when it is not allowed. */
  preflightFor(origin: string): Record<string, string> | undefined;
}

const ALLOWED_HEADERS = 'authorization, content-type, x-bridge-provider';
const PREFLIGHT_MAX_AGE_S = 600;

export function corsPolicy(origins: readonly string[]): Cors {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  const allows = (origin: string) => origin !== '' && (any || allowed.has(origin));
  const headersFor = (origin: string) =>
    allows(origin) ? { 'access-control-allow-origin': any ? '*' : origin, vary: 'Origin', 'access-control-expose-headers': 'retry-after, allow' } : undefined;
  return {
    headersFor,
    preflightFor: (origin) => {
      const base = headersFor(origin);
      return base && {
        ...base,
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
      };
    },
  };
}
