import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { canonicalJson } from '../core/canonical.js';
import type { JobEvent } from '../core/event.js';
import { withRaw, type StoredEvent } from './event-store.js';
import type { Database } from './schema.js';

/** The per-job tamper-evident chain: sha256(previous hash ‖ the event's canonical bytes), hex. */
export function chainHash(previousHash: string, event: JobEvent): string {
  return hashOf(previousHash, canonicalJson(event));
}

export function hashOf(previousHash: string, canonical: string): string {
  return createHash('sha256').update(previousHash).update(canonical).digest('hex');
}

/** The event as the store takes it: chained, with the canonical bytes just hashed, which the store keeps as they are. */
export function chainLink(previousHash: string, event: JobEvent): StoredEvent {
  const canonical = canonicalJson(event);
  return { event, hash: hashOf(previousHash, canonical), canonical };
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
  /** The stored canonical bytes, null for events recorded before they were kept (migration 0005). */
  canonical: string | null;
}

export async function* storedChain(db: Kysely<Database>, jobId: string, lastSeq: number, pageSize = 500): AsyncGenerator<ChainLink> {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('events')
      .select(['seq', 'event', 'raw', 'hash', 'canonical'])
      .where('job_id', '=', jobId)
      .where('seq', '>', after)
      .where('seq', '<=', lastSeq)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    for (const row of rows) yield { seq: row.seq, event: withRaw(row.event as JobEvent, row.raw), hash: row.hash, canonical: row.canonical };
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.seq;
  }
}
