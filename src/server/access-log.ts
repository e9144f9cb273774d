/** Query parameters that carry a credential: a log line shows that one was given, never its value. */
const CREDENTIAL_PARAMS = ['token', 'api_key', 'apikey', 'key'];

/** One access-log line: method, path and query (credentials redacted), status and time taken. */
export function accessLine(method: string, path: string, query: URLSearchParams, status: number, ms: number): string {
  const shown = new URLSearchParams(query);
  for (const name of CREDENTIAL_PARAMS) if (shown.has(name)) shown.set(name, 'REDACTED');
  const search = shown.toString();
  return `access ${method} ${path}${search ? `?${search}` : ''} ${status} ${ms.toFixed(1)}ms`;
}
