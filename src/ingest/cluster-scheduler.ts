import { FINAL_JOB_STATUSES } from '../core/job.js';
import type { RedisLeases } from '../hub/leases.js';
import type { JobRepository } from '../store/job-repository.js';
import { instruments } from '../telemetry/metrics.js';
import { QUEUED_PROVIDER, type JobService } from './job-service.js';

export interface ClusterSchedulerDeps {
  jobService: JobService;
  jobs: JobRepository;
  leases: RedisLeases;
  /** Solver threads on this node: it claims queued built-in jobs only while one is free. */
  solverThreads: number;
  /** When Redis last came back (ms), or null while it is away: takeovers wait a lease TTL after that. */
  redisUpSince(): number | null;
  log(line: string): void;
}

/**
 * Each node's part in sharing the work: it takes over jobs whose owner's lease ran out, and takes built-in
 * jobs from the cluster's queue (Postgres, FOR UPDATE SKIP LOCKED) while it has a free solver thread. Runs
 * every quarter of the lease TTL, and at once when a job is queued or a thread comes free.
 */
export class ClusterScheduler {
  readonly #deps: ClusterSchedulerDeps;
  readonly #timer: NodeJS.Timeout;
  readonly #stopListening: () => void;
  #scanning: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(deps: ClusterSchedulerDeps) {
    this.#deps = deps;
    this.#timer = setInterval(() => this.kick(), Math.max(100, deps.leases.ttlMs / 4));
    this.#timer.unref();
    this.#stopListening = deps.jobService.onQueueChange(() => this.kick());
  }

  kick(): void {
    if (this.#closed) return;
    if (this.#scanning) {
      this.#again = true;
      return;
    }
    this.#scanning = this.#scan()
      .catch((error: Error) => this.#deps.log(`cluster scan failed: ${error.message}`))
      .finally(() => {
        this.#scanning = undefined;
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
      });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#stopListening();
    await this.#scanning;
  }

  #freeThreads(): number {
    return this.#deps.solverThreads - this.#deps.jobService.runningCount(QUEUED_PROVIDER);
  }

  async #scan(): Promise<void> {
    const upSince = this.#deps.redisUpSince();
    if (upSince === null) return;
    // Right after Redis (re)connects, live owners may not have re-asserted the leases Redis forgot yet.
    if (Date.now() - upSince >= this.#deps.leases.ttlMs) await this.#takeOverOrphans();
    while (!this.#closed && this.#freeThreads() > 0) {
      const claimed = await this.#deps.jobs.claimQueued(this.#deps.leases.nodeId, QUEUED_PROVIDER);
      if (!claimed) break;
      await this.#deps.leases.acquire(claimed.job.id);
      await this.#deps.jobService.adopt(claimed.job, claimed.epoch);
    }
    instruments.queueLength.record(await this.#deps.jobs.queuedCount(QUEUED_PROVIDER));
  }

  async #takeOverOrphans(): Promise<void> {
    const { jobService, jobs, leases } = this.#deps;
    const candidates = (await jobs.ownedUnfinished()).filter((job) => !jobService.isRunningHere(job.id));
    const holders = await leases.holders(candidates.map((job) => job.id));
    for (const [i, candidate] of candidates.entries()) {
      const holder = holders[i];
      if (this.#closed || (holder !== null && holder !== leases.nodeId)) continue;
      if (candidate.provider === QUEUED_PROVIDER && this.#freeThreads() <= 0) continue;
      if (!(await leases.acquire(candidate.id))) continue;
      const epoch = await jobs.claim(candidate.id, leases.nodeId);
      const job = await jobs.get(candidate.id);
      if (!job || FINAL_JOB_STATUSES.has(job.status) || !(await jobService.adopt(job, epoch))) {
        await leases.release(candidate.id);
        continue;
      }
      instruments.takeovers.add(1);
      this.#deps.log(`took over job ${job.id} from node ${candidate.ownerNode}`);
    }
  }
}
