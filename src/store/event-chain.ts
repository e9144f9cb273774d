import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { canonicalJson } from '../core/canonical.js';
import type { JobEvent } from '../core/event.js';
import { withRaw } from './event-store.js';
import type { Database } from './schema.js';

/** The per-job tamper-evident chain: sha256(previous hash ‖ the event's canonical bytes), hex. */
export function chainHash(previousHash: string, event: JobEvent): string {
  return createHash('sha256').update(previousHash).update(canonicalJson(event)).digest('hex');
}

/**
 * A job's stored events with their hashes, in seq order up to `lastSeq`, one page at a time (a keyset
 * cursor on seq: constant memory whatever the job's length). Unlike `EventStore.read` it does not stop at
 * a missing seq: an audit has to see the hole.
 */
export interface ChainLink {
  /** The row's seq, which an audit checks against the seq inside the event. */
  seq: number;
  event: JobEvent;
  hash: string;
}

export async function* storedChain(db: Kysely<Database>, jobId: string, lastSeq: number, pageSize = 500): AsyncGenerator<ChainLink> {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('events')
      .select(['seq', 'event', 'raw', 'hash'])
      .where('job_id', '=', jobId)
      .where('seq', '>', after)
      .where('seq', '<=', lastSeq)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    for (const row of rows) yield { seq: row.seq, event: withRaw(row.event as JobEvent, row.raw), hash: row.hash };
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.seq;
  }
}
