/** Query parameters that carry credentials in the vendor docs (`?token=`) and in common APIs. */
const SECRET_PARAMS = ['token', 'api_key', 'apikey', 'key', 'access_token'];

export const REDACTED = '[redacted]';

/** The URL as it may appear in spans and messages: credential parameters keep their name, lose their value. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return REDACTED;
  }
  for (const name of SECRET_PARAMS) if (parsed.searchParams.has(name)) parsed.searchParams.set(name, REDACTED);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}

/**
 * `value` with every occurrence of a secret replaced, at any depth. The last line of defence for what leaves a
 * provider (events, error texts): a vendor that echoes the key back in an error message must not put it in the record.
 */
export function redactSecrets<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return secrets.reduce((text: string, secret) => (secret ? text.replaceAll(secret, REDACTED) : text), value) as T;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, secrets)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[redactSecrets(key, secrets)] = redactSecrets(item, secrets);
  return out as T;
}
