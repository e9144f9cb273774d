import { sql, type Kysely } from 'kysely';
import { sortKeysDeep } from '../core/canonical.js';
import type { JobEvent } from '../core/event.js';
import type { JobStatus } from '../core/job.js';
import type { Database } from './schema.js';

export interface StoredEvent {
  event: JobEvent;
  hash: string;
}

/** A job row's running state after a batch, written in the same transaction as the batch's events. */
export interface JobStateUpdate {
  id: string;
  status: JobStatus;
  lastSeq: number;
  lastHash: string;
  result?: unknown;
  error?: unknown;
  device?: string | null;
  gpuSeconds?: number | null;
  finishedAt?: string | null;
}

export interface StoreBatch {
  events: StoredEvent[];
  jobs: JobStateUpdate[];
}

const ROWS_PER_INSERT = 1000;

export class EventStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Idempotent on (job_id, seq): a batch retried after a lost commit acknowledgement writes nothing twice. */
  async append(batch: StoreBatch): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      for (let i = 0; i < batch.events.length; i += ROWS_PER_INSERT) {
        await insertEvents(trx, batch.events.slice(i, i + ROWS_PER_INSERT));
      }
      const now = new Date().toISOString();
      // A fixed lock order keeps concurrent batches that touch the same jobs from deadlocking.
      for (const job of [...batch.jobs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
        await trx
          .updateTable('jobs')
          .set({
            status: job.status,
            last_seq: job.lastSeq,
            last_hash: job.lastHash,
            updated_at: now,
            ...(job.result !== undefined && { result: JSON.stringify(job.result) }),
            ...(job.error !== undefined && { error: JSON.stringify(job.error) }),
            ...(job.device !== undefined && { device: job.device }),
            ...(job.gpuSeconds !== undefined && { gpu_seconds: job.gpuSeconds }),
            ...(job.finishedAt !== undefined && { finished_at: job.finishedAt }),
          })
          .where('id', '=', job.id)
          .where('last_seq', '<=', job.lastSeq)
          .execute();
      }
    });
  }

  /**
   * Up to `limit` events after `afterSeq`, in seq order, stopping at the first missing seq. Seqs are
   * gap-free by construction and one writer lane commits a job's batches in order, so a hole can only be
   * a batch still committing (for instance from a previous owner of the job during a takeover): readers
   * get the settled prefix and pick up the rest once it is committed, never skipping past it.
   */
  async read(jobId: string, afterSeq: number, limit: number): Promise<JobEvent[]> {
    const rows = await this.#db
      .selectFrom('events')
      .select(['seq', 'event', 'raw'])
      .where('job_id', '=', jobId)
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    const events: JobEvent[] = [];
    for (const [i, row] of rows.entries()) {
      if (row.seq !== afterSeq + 1 + i) break;
      events.push(withRaw(row.event as JobEvent, row.raw));
    }
    return events;
  }

  /** Pages through `read` with the last seq seen (a keyset cursor: constant memory, whatever the job's length). */
  async *stream(jobId: string, afterSeq: number, pageSize = 500): AsyncGenerator<JobEvent> {
    let after = afterSeq;
    for (;;) {
      const page = await this.read(jobId, after, pageSize);
      yield* page;
      if (page.length < pageSize) return;
      after = page[page.length - 1]!.seq;
    }
  }

  /** The newest event at or before `atMostSeq`, of one of `types` when given (JAOT's "latest progress"). */
  async latest(jobId: string, atMostSeq?: number, types?: readonly string[]): Promise<JobEvent | undefined> {
    let query = this.#db.selectFrom('events').select(['event', 'raw']).where('job_id', '=', jobId);
    if (atMostSeq !== undefined) query = query.where('seq', '<=', atMostSeq);
    if (types) query = query.where('type', 'in', [...types]);
    const row = await query.orderBy('seq', 'desc').limit(1).executeTakeFirst();
    return row && withRaw(row.event as JobEvent, row.raw);
  }

  async lastEvent(jobId: string): Promise<{ seq: number; hash: string; at: string } | undefined> {
    const row = await this.#db
      .selectFrom('events')
      .select(['seq', 'hash', 'at'])
      .where('job_id', '=', jobId)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && { seq: row.seq, hash: row.hash, at: row.at.toISOString() };
  }
}

/**
 * One statement per chunk with seven array parameters, unnested server-side: Postgres parses a few
 * large arrays far faster than thousands of individual bind parameters (see test/bench/store.ts).
 */
async function insertEvents(db: Kysely<Database>, events: StoredEvent[]): Promise<void> {
  const jobIds: string[] = [];
  const seqs: number[] = [];
  const types: string[] = [];
  const ats: string[] = [];
  const bodies: string[] = [];
  const raws: (string | null)[] = [];
  const hashes: string[] = [];
  for (const { event, hash } of events) {
    const { source, ...canonical } = event;
    jobIds.push(event.jobId);
    seqs.push(event.seq);
    types.push(event.type);
    ats.push(event.at);
    bodies.push(JSON.stringify(source ? { ...canonical, source: { provider: source.provider } } : canonical));
    raws.push(source?.raw === undefined ? null : JSON.stringify(source.raw));
    hashes.push(hash);
  }
  await sql`
    insert into events (job_id, seq, type, at, event, raw, hash)
    select * from unnest(
      ${jobIds}::text[], ${seqs}::int[], ${types}::text[], ${ats}::timestamptz[],
      ${bodies}::jsonb[], ${raws}::jsonb[], ${hashes}::text[]
    )
    on conflict (job_id, seq) do nothing`.execute(db);
}

function withRaw(event: JobEvent, raw: unknown): JobEvent {
  if (!event.source || raw === null || raw === undefined) return sortKeysDeep(event);
  return sortKeysDeep({ ...event, source: { ...event.source, raw } });
}
