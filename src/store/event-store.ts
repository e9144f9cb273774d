import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql, type CompiledQuery, type Kysely, type RawBuilder } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { canonicalJson, sortKeysDeep } from '../core/canonical.js';
import { SingleFlight } from '../core/single-flight.js';
import type { JobEvent } from '../core/event.js';
import type { JobStatus } from '../core/job.js';
import { readCanonicalPage, readEventPage, type CanonicalPage } from './event-page.js';
import type { Database } from './schema.js';

export interface StoredEvent {
  event: JobEvent;
  hash: string;
  /** `canonicalJson(event)`, when the caller has it already (it hashed it: `chainLink`); else the store computes it. */
  canonical?: string;
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
  /**
   * The writer's fencing token: the batch's events of this job are stored only while it is still the job's
   * `owner_epoch`. Left out only by tools that write a finished record directly (imports, benches).
   */
  epoch?: number;
}

export interface StoreBatch {
  events: StoredEvent[];
  jobs: JobStateUpdate[];
}

const ROWS_PER_INSERT = 1000;
/** In the order of `EventRow`'s fields, which COPY and `unnestedRows` write. */
const EVENT_COLUMNS = 'job_id, seq, type, at, event, raw, hash, canonical';
/**
 * Batches up to this size are written in one statement; larger first attempts use COPY, whose rows cost less
 * (an array parameter escapes every quote of every event, COPY's text format almost nothing).
 */
const ONE_STATEMENT_MAX_EVENTS = 100;
const ONE_STATEMENT_MAX_BYTES = 64 * 1024;

/** Postgres's unique_violation: the rows of a retried batch are already there. */
const UNIQUE_VIOLATION = '23505';

export class EventStore {
  readonly #db: Kysely<Database>;
  readonly #copyPool: pg.Pool | undefined;
  readonly #pages = new SingleFlight<readonly JobEvent[]>();
  readonly #canonicalPages = new SingleFlight<CanonicalPage>();
  readonly #latest = new SingleFlight<JobEvent | undefined>();
  #queries = 0;

  /** `copyPool` (Postgres only) enables COPY, which Kysely does not speak; PGlite always inserts. */
  constructor(db: Kysely<Database>, copyPool?: pg.Pool) {
    this.#db = db;
    this.#copyPool = copyPool;
  }

  /**
   * Writes a batch and its jobs' new state in one transaction, and resolves with the jobs whose writer was
   * fenced off (another node took them over): their events are left out and nothing of theirs changes. The
   * job rows are updated first, so each stays locked until the commit and a takeover waits for it.
   *
   * A first attempt on Postgres streams the events with COPY (about 2.5× the rows per second of a multi-row
   * insert, see test/bench/store.ts); COPY cannot skip existing rows, so a retry — whose earlier attempt may
   * have committed after all — uses the insert that is idempotent on (job_id, seq), and so does a first
   * attempt that meets existing rows.
   */
  async append(batch: StoreBatch, options: { retry: boolean } = { retry: true }): Promise<ReadonlySet<string>> {
    const fencedOf = (updated: readonly { id: string }[]): Set<string> => fencedJobs(batch.jobs, updated);
    const rows = batch.events.map(toRow);
    const small = rows.length <= ONE_STATEMENT_MAX_EVENTS && bytesOf(rows) <= ONE_STATEMENT_MAX_BYTES;
    if (this.#copyPool && !options.retry && !small) {
      try {
        return await this.#appendWithCopy(this.#copyPool, rows, this.#jobUpdates(batch.jobs), fencedOf);
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      }
    }
    if (rows.length <= ROWS_PER_INSERT) return fencedOf(await this.#appendInOneStatement(batch.jobs, rows));
    const jobUpdates = this.#jobUpdates(batch.jobs);
    return this.#db.transaction().execute((trx) => this.#appendIn(trx, rows, jobUpdates, fencedOf));
  }

  /**
   * The jobs' update and the events' insert in one statement, so one round trip: at a high fan-out the event
   * loop is busy sending for tens of ms at a time and every answer from the database waits for it, which the
   * transaction's five round trips (begin, update, COPY's two, commit) paid five times per batch. The job rows
   * are still updated first and locked in id order (so concurrent batches cannot deadlock); the events of a job
   * whose update found another epoch are left out. Idempotent on (job_id, seq), so it serves retries as well.
   */
  async #appendInOneStatement(jobUpdates: readonly JobStateUpdate[], rows: EventRow[]): Promise<{ id: string }[]> {
    const jobs = [...jobUpdates].sort(byJobId);
    const fenceable = jobs.filter((job) => job.epoch !== undefined).map((job) => job.id);
    const { rows: updated } = await sql<{ id: string }>`
      with job_input as (
        select * from unnest(
          ${jobs.map((job) => job.id)}::text[], ${jobs.map((job) => job.status)}::text[], ${jobs.map((job) => job.lastSeq)}::int[],
          ${jobs.map((job) => job.lastHash)}::text[], ${jobs.map((job) => job.epoch ?? null)}::int[], ${jobs.map(optionalColumns)}::jsonb[]
        ) as j(id, status, last_seq, last_hash, epoch, optional)
      ),
      locked as (select jobs.id from jobs join job_input using (id) order by jobs.id for update of jobs),
      updated as (
        update jobs set
          status = j.status, last_seq = j.last_seq, last_hash = j.last_hash, updated_at = ${new Date().toISOString()},
          result = case when j.optional ? 'result' then j.optional->'result' else jobs.result end,
          error = case when j.optional ? 'error' then j.optional->'error' else jobs.error end,
          device = case when j.optional ? 'device' then j.optional->>'device' else jobs.device end,
          gpu_seconds = case when j.optional ? 'gpuSeconds' then (j.optional->>'gpuSeconds')::float8 else jobs.gpu_seconds end,
          finished_at = case when j.optional ? 'finishedAt' then (j.optional->>'finishedAt')::timestamptz else jobs.finished_at end
        from job_input j
        where jobs.id = j.id and jobs.id in (select id from locked) and jobs.last_seq <= j.last_seq
          and (j.epoch is null or jobs.owner_epoch = j.epoch)
        returning jobs.id
      ),
      stored as (
        insert into events (${sql.raw(EVENT_COLUMNS)})
        ${unnestedRows(rows)}
        where e.job_id in (select id from updated) or not (e.job_id = any(${fenceable}::text[]))
        on conflict (job_id, seq) do nothing
      )
      select id from updated`.execute(this.#db);
    return updated;
  }

  /**
   * Sets aside an event the database refused for good: its bytes go to quarantined_events and the
   * `replacement` batch (a marker at its seq, then the job's failure) is written instead, in one transaction.
   */
  async quarantine(refused: { jobId: string; seq: number; bytes: Buffer; error: string }, replacement: StoreBatch): Promise<ReadonlySet<string>> {
    const jobUpdates = this.#jobUpdates(replacement.jobs);
    const fencedOf = (updated: readonly { id: string }[]): Set<string> => fencedJobs(replacement.jobs, updated);
    return this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('quarantined_events')
        .values({ job_id: refused.jobId, seq: refused.seq, bytes: refused.bytes, error: refused.error })
        .onConflict((oc) => oc.columns(['job_id', 'seq']).doNothing())
        .execute();
      return this.#appendIn(trx, replacement.events.map(toRow), jobUpdates, fencedOf);
    });
  }

  async #appendIn(
    trx: Kysely<Database>,
    rows: EventRow[],
    jobUpdates: CompiledQuery[],
    fencedOf: (updated: readonly { id: string }[]) => Set<string>,
  ): Promise<Set<string>> {
    const updated: { id: string }[] = [];
    for (const update of jobUpdates) updated.push(...(await trx.executeQuery<{ id: string }>(update)).rows);
    const fenced = fencedOf(updated);
    const stored = fenced.size === 0 ? rows : rows.filter((row) => !fenced.has(row.jobId));
    for (let i = 0; i < stored.length; i += ROWS_PER_INSERT) {
      await insertEvents(trx, stored.slice(i, i + ROWS_PER_INSERT));
    }
    return fenced;
  }

  async #appendWithCopy(
    pool: pg.Pool,
    rows: EventRow[],
    jobUpdates: CompiledQuery[],
    fencedOf: (updated: readonly { id: string }[]) => Set<string>,
  ): Promise<Set<string>> {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const updated: { id: string }[] = [];
      for (const update of jobUpdates) updated.push(...(await client.query<{ id: string }>(update.sql, update.parameters as unknown[])).rows);
      const fenced = fencedOf(updated);
      const stored = fenced.size === 0 ? rows : rows.filter((row) => !fenced.has(row.jobId));
      if (stored.length > 0) {
        const copy = client.query(copyFrom(`copy events (${EVENT_COLUMNS}) from stdin`));
        await pipeline(Readable.from([copyRows(stored)]), copy);
      }
      await client.query('commit');
      return fenced;
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** In a fixed order of job ids, so concurrent batches that touch the same jobs cannot deadlock. */
  #jobUpdates(jobs: JobStateUpdate[]): CompiledQuery[] {
    const now = new Date().toISOString();
    return [...jobs]
      .sort(byJobId)
      .map((job) => {
        let update = this.#db
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
          .where('last_seq', '<=', job.lastSeq);
        if (job.epoch !== undefined) update = update.where('owner_epoch', '=', job.epoch);
        return update.returning('id').compile();
      });
  }

  /**
   * Up to `limit` events after `afterSeq`, in seq order, stopping at the first missing seq. Seqs are
   * gap-free by construction and one writer lane commits a job's batches in order, so a hole can only be
   * a batch still committing (for instance from a previous owner of the job during a takeover): readers
   * get the settled prefix and pick up the rest once it is committed, never skipping past it.
   *
   * Readers asking for the same page while it is being read share that one query and its events (a storm of
   * catch-ups from one position costs one read): the events are shared, so nobody may change them.
   * `withRaw: false` leaves out `source.raw`, which no dialect encoder sends, and so costs half the bytes.
   */
  read(jobId: string, afterSeq: number, limit: number, options: { withRaw?: boolean } = {}): Promise<readonly JobEvent[]> {
    const withRaw = options.withRaw ?? true;
    return this.#pages.run(`${jobId}\0${afterSeq}\0${limit}\0${withRaw}`, () => {
      this.#queries++;
      return readEventPage(this.#db, jobId, afterSeq, limit, withRaw);
    });
  }

  /**
   * The canonical lines (each ending in a newline) of the events `read` would return with their raw messages:
   * the bytes their hashes cover, as the canonical export sends them. Shared while in flight, like `read`.
   */
  readCanonical(jobId: string, afterSeq: number, limit: number): Promise<CanonicalPage> {
    return this.#canonicalPages.run(`${jobId}\0${afterSeq}\0${limit}`, () => {
      this.#queries++;
      return readCanonicalPage(this.#db, jobId, afterSeq, limit);
    });
  }

  /** Store queries `read`, `readCanonical` and `latest` have made, shared ones counted once. */
  get queries(): number {
    return this.#queries;
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

  /**
   * The newest event at or before `atMostSeq`, of one of `types` when given (JAOT's "latest progress"). Every
   * socket opening on a job asks this first, so callers asking the same at once share the query, as with `read`.
   */
  latest(jobId: string, atMostSeq?: number, types?: readonly string[]): Promise<JobEvent | undefined> {
    return this.#latest.run(`${jobId}\0${atMostSeq ?? ''}\0${types?.join(',') ?? ''}`, async () => {
      this.#queries++;
      let query = this.#db.selectFrom('events').select(['event', 'raw']).where('job_id', '=', jobId);
      if (atMostSeq !== undefined) query = query.where('seq', '<=', atMostSeq);
      if (types) query = query.where('type', 'in', [...types]);
      const row = await query.orderBy('seq', 'desc').limit(1).executeTakeFirst();
      return row && withRaw(row.event as JobEvent, row.raw);
    });
  }

  /** The job's last stored event: where a new owner continues its seq, hash chain and iteration count. */
  async lastEvent(jobId: string): Promise<{ seq: number; hash: string; at: string; iteration: number } | undefined> {
    const row = await this.#db
      .selectFrom('events')
      .select(['seq', 'hash', 'at', sql<number | null>`(event->>'iteration')::float8`.as('iteration')])
      .where('job_id', '=', jobId)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && { seq: row.seq, hash: row.hash, at: row.at.toISOString(), iteration: row.iteration ?? 0 };
  }

}

/** The jobs whose update found another epoch than the writer's: the update returned no row for them. */
function fencedJobs(jobs: readonly JobStateUpdate[], updated: readonly { id: string }[]): Set<string> {
  const current = new Set(updated.map((row) => row.id));
  return new Set(jobs.filter((job) => job.epoch !== undefined && !current.has(job.id)).map((job) => job.id));
}

interface EventRow {
  jobId: string;
  seq: number;
  type: string;
  at: string;
  body: string;
  raw: string | null;
  hash: string;
  canonical: string;
}

/** The stored form: the canonical event without its raw upstream message, which has a column of its own. */
function toRow({ event, hash, canonical }: StoredEvent): EventRow {
  const { source, ...body } = event;
  return {
    jobId: event.jobId,
    seq: event.seq,
    type: event.type,
    at: event.at,
    body: JSON.stringify(source ? { ...body, source: { provider: source.provider } } : body),
    raw: source?.raw === undefined ? null : JSON.stringify(source.raw),
    hash,
    canonical: canonical ?? canonicalJson(event),
  };
}

/** COPY's text format: tab-separated, `\N` for null, backslash escapes for what would end a field or row. */
function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

function copyRows(rows: EventRow[]): string {
  let text = '';
  for (const row of rows) {
    text += `${[row.jobId, row.seq, row.type, row.at, row.body, row.raw, row.hash, row.canonical].map(copyField).join('\t')}\n`;
  }
  return text;
}

/**
 * The events as the rows of a select (`e`), from eight array parameters unnested server-side: Postgres parses a
 * few large arrays far faster than thousands of individual bind parameters (see test/bench/store.ts).
 */
function unnestedRows(rows: EventRow[]): RawBuilder<unknown> {
  return sql`
    select * from unnest(
      ${rows.map((r) => r.jobId)}::text[], ${rows.map((r) => r.seq)}::int[], ${rows.map((r) => r.type)}::text[],
      ${rows.map((r) => r.at)}::timestamptz[], ${rows.map((r) => r.body)}::jsonb[], ${rows.map((r) => r.raw)}::jsonb[],
      ${rows.map((r) => r.hash)}::text[], ${rows.map((r) => r.canonical)}::text[]
    ) as e(job_id, seq, type, at, event, raw, hash, canonical)`;
}

async function insertEvents(db: Kysely<Database>, rows: EventRow[]): Promise<void> {
  await sql`insert into events (${sql.raw(EVENT_COLUMNS)}) ${unnestedRows(rows)} on conflict (job_id, seq) do nothing`.execute(db);
}

/** The job columns a batch sets only when its update carries them (a null among them is written as null). */
function optionalColumns(job: JobStateUpdate): string {
  const { result, error, device, gpuSeconds, finishedAt } = job;
  // JSON.stringify leaves out the undefined ones: those columns keep what they hold.
  return JSON.stringify({ result, error, device, gpuSeconds, finishedAt });
}

function bytesOf(rows: readonly EventRow[]): number {
  let bytes = 0;
  for (const row of rows) bytes += row.body.length + (row.raw?.length ?? 0) + row.canonical.length;
  return bytes;
}

function byJobId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function withRaw(event: JobEvent, raw: unknown): JobEvent {
  if (!event.source || raw === null || raw === undefined) return sortKeysDeep(event);
  return sortKeysDeep({ ...event, source: { ...event.source, raw } });
}
