import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database, KeyScope } from './schema.js';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** A new key's secret: long and random, so a sha256 of it is as good as a slow hash (README). */
export function newApiKey(): string {
  return `obk_${randomBytes(24).toString('base64url')}`;
}

/** A key as people manage it: everything but the secret and its hash. */
export interface ApiKeyInfo {
  id: string;
  tenant: string;
  name: string;
  scope: KeyScope;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** What a request's key grants, as the authenticator caches it. */
export interface KeyGrant {
  tenantId: string;
  keyId: string;
  scope: KeyScope;
  expiresAt: Date | null;
}

/** last_used_at is written at most this often per key: it is for people, and must not cost a write per request. */
const LAST_USED_RESOLUTION = '1 minute';

export class TenantRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** A key given as configuration (BRIDGE_API_KEYS, the first start's key): created or kept, never revoked here. */
  async addKey(tenantId: string, key: string, label: string): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.insertInto('tenants').values({ id: tenantId, name: tenantId }).onConflict((oc) => oc.column('id').doNothing()).execute();
      await trx
        .insertInto('api_keys')
        .values({ key_hash: hashApiKey(key), tenant_id: tenantId, label })
        .onConflict((oc) => oc.column('key_hash').doUpdateSet({ tenant_id: tenantId, label }))
        .execute();
    });
  }

  /** A new key for `tenantId` (created if new); the secret is returned here once and stored only as its hash. */
  async createKey(tenantId: string, options: { name: string; scope: KeyScope; expiresAt?: Date }): Promise<{ key: string; info: ApiKeyInfo }> {
    const key = newApiKey();
    const row = await this.#db.transaction().execute(async (trx) => {
      await trx.insertInto('tenants').values({ id: tenantId, name: tenantId }).onConflict((oc) => oc.column('id').doNothing()).execute();
      return trx
        .insertInto('api_keys')
        .values({ key_hash: hashApiKey(key), tenant_id: tenantId, label: options.name, scope: options.scope, expires_at: options.expiresAt ?? null })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    return { key, info: toInfo(row) };
  }

  async listKeys(tenantId?: string): Promise<ApiKeyInfo[]> {
    let query = this.#db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id');
    if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
    return (await query.execute()).map(toInfo);
  }

  /** Revokes by id; undefined when there is no such key. Already revoked keys keep their first revocation time. */
  async revokeKey(id: string): Promise<ApiKeyInfo | undefined> {
    const row = await this.#db
      .updateTable('api_keys')
      .set({ revoked_at: sql`coalesce(revoked_at, now())` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toInfo(row);
  }

  /** What the key grants now: undefined for an unknown, revoked or expired key. Notes the use, coarsely. */
  async grantFor(key: string): Promise<KeyGrant | undefined> {
    const keyHash = hashApiKey(key);
    const row = await this.#db
      .selectFrom('api_keys')
      .select(['tenant_id', 'id', 'scope', 'expires_at'])
      .where('key_hash', '=', keyHash)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
      .executeTakeFirst();
    if (!row) return undefined;
    void this.#db
      .updateTable('api_keys')
      .set({ last_used_at: sql`now()` })
      .where('key_hash', '=', keyHash)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - ${sql.lit(LAST_USED_RESOLUTION)}::interval`)]))
      .execute()
      .catch(() => {});
    return { tenantId: row.tenant_id, keyId: row.id, scope: row.scope, expiresAt: row.expires_at };
  }

  async keyCount(): Promise<number> {
    const row = await this.#db
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

function toInfo(row: {
  id: string;
  tenant_id: string;
  label: string;
  scope: KeyScope;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}): ApiKeyInfo {
  const iso = (at: Date | null) => (at === null ? null : new Date(at).toISOString());
  return {
    id: row.id,
    tenant: row.tenant_id,
    name: row.label,
    scope: row.scope,
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: iso(row.last_used_at),
    expiresAt: iso(row.expires_at),
    revokedAt: iso(row.revoked_at),
  };
}
