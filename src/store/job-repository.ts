import { JOB_ID_PATTERN } from '../core/ids.js';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Job, JobStatus } from '../core/job.js';
import type { Database, JobsTable } from './schema.js';

export class JobRepository {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** `owner`: the node that runs the job from the start, with the first epoch; null leaves it in the queue. */
  async create(job: Job, owner: string | null = null): Promise<void> {
    await this.#db
      .insertInto('jobs')
      .values({
        id: job.id,
        tenant_id: job.tenantId,
        provider: job.provider,
        kind: job.kind,
        status: job.status,
        problem: JSON.stringify(job.problem),
        params: JSON.stringify(job.params),
        upstream_id: job.upstreamId,
        last_seq: job.lastSeq,
        last_hash: null,
        result: null,
        error: null,
        device: job.device,
        gpu_seconds: job.gpuSeconds,
        created_at: job.createdAt,
        updated_at: job.updatedAt,
        finished_at: job.finishedAt,
        owner_node: owner,
        owner_epoch: owner === null ? 0 : 1,
      })
      .execute();
  }

  /**
   * Makes `node` the job's owner under a new epoch and returns it: from this commit on, writes carrying an
   * older epoch are refused. It waits for a batch of the previous owner that is committing (that batch holds
   * the row), so what the new owner then reads as the last stored seq stays the last.
   */
  async claim(id: string, node: string): Promise<number> {
    const row = await this.#db
      .updateTable('jobs')
      .set((eb) => ({ owner_node: node, owner_epoch: eb('owner_epoch', '+', 1) }))
      .where('id', '=', id)
      .returning('owner_epoch')
      .executeTakeFirstOrThrow();
    return row.owner_epoch;
  }

  /**
   * Takes the next built-in job from the cluster's queue for `node`: the tenant running the fewest built-in
   * jobs first, then the oldest job, so one tenant's long queue delays another's first job by at most one
   * job. SKIP LOCKED lets every node claim at once without two taking the same job.
   */
  async claimQueued(node: string, provider: string): Promise<{ job: Job; epoch: number } | undefined> {
    const { rows } = await sql<Selectable<JobsTable>>`
      update jobs set owner_node = ${node}, owner_epoch = owner_epoch + 1
      where id = (
        select j.id from jobs j
        left join (
          select tenant_id, count(*) as running from jobs
          where provider = ${provider} and status in ('queued', 'running') and owner_node is not null
          group by tenant_id
        ) r on r.tenant_id = j.tenant_id
        where j.provider = ${provider} and j.status = 'queued' and j.owner_node is null
        order by coalesce(r.running, 0), j.created_at, j.id
        limit 1
        for update of j skip locked
      )
      returning *`.execute(this.#db);
    const row = rows[0];
    return row && { job: toJob(row), epoch: row.owner_epoch };
  }

  /** Claims a job still waiting in the queue (to cancel it); undefined once a node has taken it. */
  async claimIfQueued(id: string, node: string): Promise<number | undefined> {
    const row = await this.#db
      .updateTable('jobs')
      .set((eb) => ({ owner_node: node, owner_epoch: eb('owner_epoch', '+', 1) }))
      .where('id', '=', id)
      .where('owner_node', 'is', null)
      .where('status', '=', 'queued')
      .returning('owner_epoch')
      .executeTakeFirst();
    return row?.owner_epoch;
  }

  /** Unfinished jobs some node has taken, for the takeover scan: the ones whose lease has run out are orphans. */
  async ownedUnfinished(): Promise<{ id: string; provider: string; ownerNode: string }[]> {
    const rows = await this.#db
      .selectFrom('jobs')
      .select(['id', 'provider', 'owner_node'])
      .where('status', 'in', ['queued', 'running', 'paused'])
      .where('owner_node', 'is not', null)
      .execute();
    return rows.map((row) => ({ id: row.id, provider: row.provider, ownerNode: row.owner_node! }));
  }

  async queuedCount(provider: string): Promise<number> {
    const row = await this.#db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('provider', '=', provider)
      .where('status', '=', 'queued')
      .where('owner_node', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** The stored last seq of each job that exists. */
  async lastSeqs(ids: readonly string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.#db.selectFrom('jobs').select(['id', 'last_seq']).where('id', 'in', [...ids]).execute();
    return new Map(rows.map((row) => [row.id, row.last_seq]));
  }

  async get(id: string): Promise<Job | undefined> {
    const row = await this.#db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toJob(row);
  }

  /** Another tenant's job reads as missing, so callers answer "not found" and never leak that it exists. */
  async getForTenant(id: string, tenantId: string): Promise<Job | undefined> {
    // Not an id the bridge could have made (NUL, stray bytes, megabytes): not found, without asking the database.
    if (!JOB_ID_PATTERN.test(id)) return undefined;
    const row = await this.#db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return row && toJob(row);
  }

  /** The job without its problem (up to 8 MB), for what only needs to know it exists and how it stands: a socket. */
  async summaryForTenant(id: string, tenantId: string): Promise<JobSummary | undefined> {
    if (!JOB_ID_PATTERN.test(id)) return undefined;
    const row = await this.#db.selectFrom('jobs').select(SUMMARY_COLUMNS).where('id', '=', id).where('tenant_id', '=', tenantId).executeTakeFirst();
    return row && toSummary(row);
  }

  /** Jobs of the tenant at `provider` that are queued or running (paused ones hold no solver thread). */
  async countActive(tenantId: string, provider: string): Promise<number> {
    const row = await this.#db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('provider', '=', provider)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Newest first, without their problems: a page of jobs must not load a page of (up to 8 MB) problem bodies.
   * Each comes with its best objective: the result's, or else the last one its events reported (one
   * backward index step per job on the events' primary key, since that event is near the end).
   */
  async list(tenantId: string, options: { limit: number; before?: string; filter?: JobFilter }): Promise<JobListing[]> {
    const filter = options.filter ?? {};
    let query = this.#db
      .selectFrom('jobs')
      .select([...SUMMARY_COLUMNS, sql<number | null>`(${BEST_OBJECTIVE})`.as('best_objective')])
      .where('tenant_id', '=', tenantId);
    if (options.before) query = query.where('id', '<', options.before);
    if (filter.provider) query = query.where('provider', '=', filter.provider);
    if (filter.kind) query = query.where('kind', '=', filter.kind);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.createdFrom) query = query.where('created_at', '>=', new Date(filter.createdFrom));
    if (filter.createdTo) query = query.where('created_at', '<', new Date(filter.createdTo));
    if (filter.idContains) query = query.where(sql<boolean>`strpos(id, ${filter.idContains}) > 0`);
    const rows = await query.orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map(({ best_objective, ...row }) => ({ ...toSummary(row), bestObjective: best_objective === null ? null : Number(best_objective) }));
  }

  async setUpstreamId(id: string, upstreamId: string): Promise<void> {
    await this.#db.updateTable('jobs').set({ upstream_id: upstreamId }).where('id', '=', id).execute();
  }

  /** A job that never got its first event can still fail or be cancelled; the event path covers the rest. */
  async setStatus(id: string, status: JobStatus): Promise<void> {
    await this.#db
      .updateTable('jobs')
      .set({ status, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .execute();
  }

  async unfinished(): Promise<Job[]> {
    const rows = await this.#db
      .selectFrom('jobs')
      .selectAll()
      .where('status', 'in', ['queued', 'running', 'paused'])
      .execute();
    return rows.map(toJob);
  }
}

export type JobSummary = Omit<Job, 'problem'>;

/** A row of the jobs list: the summary and the best objective the job reached so far (null: none reported). */
export type JobListing = JobSummary & { bestObjective: number | null };

/** What `GET /bridge/v1/jobs` narrows a page by; `createdFrom` inclusive, `createdTo` exclusive (ISO 8601). */
export interface JobFilter {
  provider?: string;
  kind?: string;
  status?: JobStatus;
  createdFrom?: string;
  createdTo?: string;
  /** Part of the job id, as a person pastes or remembers it. */
  idContains?: string;
}

const BEST_OBJECTIVE = sql`case when jsonb_typeof(jobs.result->'objective') = 'number' then (jobs.result->>'objective')::float8 else (
  select (e.event->>'bestObjective')::float8 from events e
  where e.job_id = jobs.id and jsonb_typeof(e.event->'bestObjective') = 'number' order by e.seq desc limit 1
) end`;

/** The columns a `Job` is made of; ownership is the cluster's business, read by its own queries. */
type JobRow = Omit<Selectable<JobsTable>, 'owner_node' | 'owner_epoch'>;

function toSummary(row: Omit<JobRow, 'problem'>): JobSummary {
  const { problem: _none, ...job } = toJob({ ...row, problem: null });
  return job;
}

const SUMMARY_COLUMNS = [
  'id', 'tenant_id', 'provider', 'kind', 'status', 'params', 'upstream_id', 'last_seq', 'last_hash',
  'result', 'error', 'device', 'gpu_seconds', 'created_at', 'updated_at', 'finished_at',
] as const satisfies readonly Exclude<keyof JobRow, 'problem'>[];

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    provider: row.provider,
    kind: row.kind as Job['kind'],
    status: row.status as JobStatus,
    problem: row.problem as Job['problem'],
    params: row.params as Job['params'],
    upstreamId: row.upstream_id,
    lastSeq: row.last_seq,
    result: row.result as Job['result'],
    error: row.error as Job['error'],
    device: row.device,
    gpuSeconds: row.gpu_seconds,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
  };
}
