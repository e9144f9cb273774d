import { sql, type Kysely } from 'kysely';

/**
 * API keys become managed: an id to name them by (the hash is never shown), a scope (`read` for dashboards and
 * auditors, `write` to submit and cancel), an optional expiry, a revocation time, and when each was last used.
 * Keys created before this migration keep working, with the `write` scope they had in effect.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('api_keys')
    .addColumn('id', 'text', (c) => c.notNull().defaultTo(sql`'key_' || replace(gen_random_uuid()::text, '-', '')`))
    .addColumn('scope', 'text', (c) => c.notNull().defaultTo('write').check(sql`scope in ('read', 'write')`))
    .addColumn('expires_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('last_used_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('api_keys_id').unique().on('api_keys').column('id').execute();
  await db.schema.createIndex('api_keys_tenant').on('api_keys').column('tenant_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('api_keys_tenant').execute();
  await db.schema.dropIndex('api_keys_id').execute();
  await db.schema.alterTable('api_keys').dropColumn('last_used_at').dropColumn('revoked_at').dropColumn('expires_at').dropColumn('scope').dropColumn('id').execute();
}
