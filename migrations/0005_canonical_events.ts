import { type Kysely } from 'kysely';

/**
 * Each event's canonical JSON (keys sorted, raw upstream message included: the bytes its hash covers), kept as
 * text beside the jsonb columns so a canonical export streams it as stored instead of parsing, sorting and
 * serialising every event again. Events recorded before this migration keep null here: reading them falls back
 * to rebuilding the bytes from `event` and `raw`, which yields the same bytes, so no backfill is needed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('events').addColumn('canonical', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('events').dropColumn('canonical').execute();
}
