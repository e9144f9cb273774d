/** Resolves an API key to its tenant; undefined for an unknown key. */
export type KeyResolver = (key: string) => Promise<string | undefined>;

const CACHE_LIMIT = 10_000;

/**
 * Caches key → tenant lookups: keys are checked on every request and socket, and they change rarely.
 * Unknown keys are not cached, so a key added to the database works on its next use.
 */
export class Authenticator {
  readonly #resolve: KeyResolver;
  readonly #cache = new Map<string, string>();

  constructor(resolve: KeyResolver) {
    this.#resolve = resolve;
  }

  async tenantFor(key: string | undefined): Promise<string | undefined> {
    if (!key) return undefined;
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const tenant = await this.#resolve(key);
    if (tenant) {
      if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
      this.#cache.set(key, tenant);
    }
    return tenant;
  }
}

/** `?token=` first (browsers cannot set headers on WebSocket), then `Authorization: Bearer`. */
export function credentialOf(query: URLSearchParams, authorization: string): string | undefined {
  const token = query.get('token');
  if (token) return token;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}
