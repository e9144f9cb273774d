import { SingleFlight } from '../core/single-flight.js';
import type { KeyGrant } from '../store/tenant-repository.js';

/** Resolves an API key to what it grants now; undefined for an unknown, revoked or expired key. */
export type KeyResolver = (key: string) => Promise<KeyGrant | undefined>;

/**
 * How long a lookup is trusted. Keys are checked on every request and socket, so they are cached, but a revoked
 * key must stop working within a second, on every node: a second-old answer is re-read from the database.
 */
const CACHE_TTL_MS = 1_000;

/**
 * Caches key → grant lookups for at most a second, and shares a lookup in flight between the sockets that wait on
 * it; unknown keys are not cached, so a new key works at once.
 */
export class Authenticator {
  readonly #resolve: KeyResolver;
  readonly #lookups = new SingleFlight<KeyGrant | undefined>({ keepMs: CACHE_TTL_MS, keepIf: (grant) => grant !== undefined });

  constructor(resolve: KeyResolver) {
    this.#resolve = resolve;
  }

  async grantFor(key: string | undefined): Promise<KeyGrant | undefined> {
    if (!key) return undefined;
    const grant = await this.#lookups.run(key, () => this.#resolve(key));
    return grant && live(grant, Date.now());
  }

  async tenantFor(key: string | undefined): Promise<string | undefined> {
    return (await this.grantFor(key))?.tenantId;
  }
}

/** A cached grant past its expiry is no grant, even before the cache entry runs out. */
function live(grant: KeyGrant, now: number): KeyGrant | undefined {
  return grant.expiresAt === null || grant.expiresAt.getTime() > now ? grant : undefined;
}

/** `?token=` first (browsers cannot set headers on WebSocket), then `Authorization: Bearer`. */
export function credentialOf(query: URLSearchParams, authorization: string): string | undefined {
  const token = query.get('token');
  if (token) return token;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}
