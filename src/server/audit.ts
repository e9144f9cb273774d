import type { Kysely } from 'kysely';
import type { Job } from '../core/job.js';
import { canonicalJson } from '../core/canonical.js';
import { hashOf, storedChain } from '../store/event-chain.js';
import type { Database } from '../store/schema.js';

export interface AuditReport {
  job_id: string;
  intact: boolean;
  events: number;
  head: { seq: number; hash: string } | null;
  broken_at: number | null;
  reason: string | null;
  expected_head?: { hash: string; found: boolean; seq: number | null };
}

/**
 * Recomputes the job's chain, `hash = sha256(previous hash ‖ canonical JSON of the event)` as the ingest
 * computed it, over the stored events up to the job row's last seq (read before the walk, in the same
 * transaction as its events, so a running job's newer events cannot keep the walk going). Reports the
 * first seq that is missing, whose stored hash the chain does not reproduce, or whose kept canonical bytes
 * (what the canonical export sends) are not the event's. `expectedHead`, a hash
 * kept from an earlier look, must appear in the chain: that catches events deleted from the end.
 */
export async function auditJob(db: Kysely<Database>, job: Job, expectedHead?: string): Promise<AuditReport> {
  let previous = '';
  let head: AuditReport['head'] = null;
  let foundAt: number | null = null;
  let broken: { seq: number; reason: string } | undefined;
  for await (const link of storedChain(db, job.id, job.lastSeq)) {
    const expectedSeq: number = (head?.seq ?? 0) + 1;
    if (link.seq !== expectedSeq) {
      broken = { seq: expectedSeq, reason: `event ${expectedSeq} is missing` };
      break;
    }
    const canonical = canonicalJson(link.event);
    const hash = hashOf(previous, canonical);
    if (hash !== link.hash || link.event.seq !== link.seq) {
      broken = { seq: link.seq, reason: `event ${link.seq} does not match its hash: the event or the hash was changed` };
      break;
    }
    // The canonical export sends the kept bytes, not the event: they must be the event's, or a changed line would pass.
    if (link.canonical !== null && link.canonical !== canonical) {
      broken = { seq: link.seq, reason: `event ${link.seq}'s stored canonical bytes differ from the event: they were changed` };
      break;
    }
    if (hash === expectedHead) foundAt = link.seq;
    previous = hash;
    head = { seq: link.seq, hash };
  }
  const verified = head?.seq ?? 0;
  if (!broken && verified < job.lastSeq) {
    broken = { seq: verified + 1, reason: `the job recorded ${job.lastSeq} events but the record ends at ${verified}` };
  }
  if (!broken && expectedHead !== undefined && foundAt === null) {
    broken = { seq: verified + 1, reason: `the record does not contain head ${expectedHead}: events were removed from its end or changed` };
  }
  return {
    job_id: job.id,
    intact: broken === undefined,
    events: verified,
    head,
    broken_at: broken?.seq ?? null,
    reason: broken?.reason ?? null,
    ...(expectedHead !== undefined && { expected_head: { hash: expectedHead, found: foundAt !== null, seq: foundAt } }),
  };
}
