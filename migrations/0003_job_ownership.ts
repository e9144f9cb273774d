import { type Kysely } from 'kysely';

/**
 * A job's owner and the owner's epoch, the fencing token of every write: each takeover (a restart, another
 * cluster node after the lease ran out) raises the epoch, and a batch whose epoch is not the job's current one
 * is refused in its own transaction, so an owner that paused past its lease can never write again.
 * `owner_node` is null while a built-in job waits in the cluster's queue for a free solver thread.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('jobs')
    .addColumn('owner_node', 'text')
    .addColumn('owner_epoch', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('jobs_unfinished').on('jobs').columns(['status', 'provider']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('jobs_unfinished').execute();
  await db.schema.alterTable('jobs').dropColumn('owner_epoch').dropColumn('owner_node').execute();
}
