import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export class TenantRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async addKey(tenantId: string, key: string, label: string): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('tenants')
        .values({ id: tenantId, name: tenantId })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      await trx
        .insertInto('api_keys')
        .values({ key_hash: hashApiKey(key), tenant_id: tenantId, label })
        .onConflict((oc) => oc.column('key_hash').doUpdateSet({ tenant_id: tenantId, label }))
        .execute();
    });
  }

  async tenantForKey(key: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('api_keys')
      .select('tenant_id')
      .where('key_hash', '=', hashApiKey(key))
      .executeTakeFirst();
    return row?.tenant_id;
  }

  async keyCount(): Promise<number> {
    const row = await this.#db
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
