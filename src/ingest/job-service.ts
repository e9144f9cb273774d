import { storable } from '../core/canonical.js';
import { BridgeError, notFound } from '../core/errors.js';
import { newJobId } from '../core/ids.js';
import { TokenBuckets } from '../core/token-bucket.js';
import { FINAL_JOB_STATUSES, type Job, type SolveParams } from '../core/job.js';
import type { JobEvent } from '../core/event.js';
import type { Problem, ProblemKind } from '../core/problem.js';
import type { Provider, ProviderRun } from '../core/provider.js';
import type { Hub } from '../hub/hub.js';
import type { RedisLeases } from '../hub/leases.js';
import type { ClusterSignal } from '../hub/redis-hub.js';
import type { EventStore } from '../store/event-store.js';
import type { EventWriter } from '../store/event-writer.js';
import type { JobRepository } from '../store/job-repository.js';
import { context, inSpan, SpanKind, type Context } from '../telemetry/tracing.js';
import { instruments } from '../telemetry/metrics.js';
import { IngestSession } from './session.js';

export interface JobServiceDeps {
  jobs: JobRepository;
  store: EventStore;
  writer: EventWriter;
  hub: Hub;
  providers: ReadonlyMap<string, Provider>;
  /** Why a known but unconfigured provider cannot run, naming the settings to fill in. */
  unconfigured: ReadonlyMap<string, string>;
  routing: Readonly<Record<ProblemKind, string>>;
  quotas: { submissionsPerMinute: number; maxActiveBuiltinJobsPerTenant: number; maxEventsPerJob: number };
  /** This node's name on the jobs it owns. */
  nodeId: string;
  /** Set in cluster mode: ownership leases, and word to the other nodes. */
  cluster?: ClusterCoordination;
  log(line: string): void;
}

export interface ClusterCoordination {
  leases: RedisLeases;
  signal(signal: ClusterSignal): void;
  onSignal(listener: (signal: ClusterSignal) => void): () => void;
}

/** The provider whose jobs wait in the cluster's one queue for a free solver thread on any node. */
export const QUEUED_PROVIDER = 'builtin';

export interface SubmitRequest {
  tenantId: string;
  problem: Problem;
  params: SolveParams;
  /** Request field `provider` or header `X-Bridge-Provider`; routing rules otherwise. */
  provider?: string | undefined;
}

const RECORDED_PAGE = 256;

/** A job's recorded events from `lastSeq` back to the first, read a page at a time and only as far as the reader goes. */
async function* newestFirst(store: EventStore, jobId: string, lastSeq: number): AsyncGenerator<JobEvent> {
  for (let before = lastSeq; before > 0; before -= RECORDED_PAGE) {
    const from = Math.max(0, before - RECORDED_PAGE);
    const page = await store.read(jobId, from, before - from);
    yield* [...page].reverse();
  }
}

interface Running {
  session: IngestSession;
  run: ProviderRun;
  provider: string;
}

interface ResumePoint {
  lastHash: string | null;
  lastIteration: number;
  epoch: number;
}

/** Submits, cancels and resumes jobs; owns the one provider run per job on this node. */
export class JobService {
  readonly #deps: JobServiceDeps;
  readonly #running = new Map<string, Running>();
  readonly #submissions: TokenBuckets;
  readonly #queuedListeners = new Set<() => void>();
  readonly #stopListening: () => void = () => {};

  constructor(deps: JobServiceDeps) {
    this.#deps = deps;
    this.#submissions = new TokenBuckets(deps.quotas.submissionsPerMinute);
    const { cluster } = deps;
    if (cluster) {
      const stopSignals = cluster.onSignal((signal) => {
        if (signal.type === 'cancel') this.#running.get(signal.jobId)?.run.cancel();
        else this.#tellQueued();
      });
      const stopLeases = cluster.leases.onLost((jobId) => this.#relinquish(jobId, 'its lease is held by another node'));
      this.#stopListening = () => {
        stopSignals();
        stopLeases();
      };
    }
  }

  /** Told when a job joined the cluster's queue or a solver thread here came free: time to claim. */
  onQueueChange(listener: () => void): () => void {
    this.#queuedListeners.add(listener);
    return () => this.#queuedListeners.delete(listener);
  }

  #tellQueued(): void {
    for (const listener of this.#queuedListeners) listener();
  }

  /** A tenant's submission rate and its share of the built-in solver, checked before anything is created. */
  async #admit(tenantId: string, provider: Provider): Promise<void> {
    const taken = this.#submissions.take(tenantId, Date.now());
    if (!taken.ok) {
      const { submissionsPerMinute } = this.#deps.quotas;
      throw new BridgeError('rate_limited', `more than ${submissionsPerMinute} submissions a minute; retry in ${taken.retryAfterS} s`, { retryAfterS: taken.retryAfterS });
    }
    if (provider.name !== 'builtin') return;
    const limit = this.#deps.quotas.maxActiveBuiltinJobsPerTenant;
    if ((await this.#deps.jobs.countActive(tenantId, provider.name)) >= limit) {
      throw new BridgeError('quota_exceeded', `${limit} built-in jobs already running or queued for this tenant; wait for one to finish or cancel one`);
    }
  }

  providerFor(kind: ProblemKind, requested: string | undefined): Provider {
    const name = requested?.trim() || this.#deps.routing[kind];
    const provider = this.#deps.providers.get(name);
    if (provider) {
      if (!provider.kinds.has(kind)) {
        // The request's mistake, not an outage: a 503 would invite clients to retry it forever.
        throw new BridgeError('invalid_request', `provider "${name}" cannot run ${kind} problems`, { provider: name });
      }
      return provider;
    }
    const reason = this.#deps.unconfigured.get(name);
    if (reason) throw new BridgeError('provider_unavailable', reason, { provider: name });
    throw new BridgeError('invalid_request', `unknown provider "${name}"`, { provider: name });
  }

  async submit(request: SubmitRequest): Promise<Job> {
    const provider = this.providerFor(request.problem.kind, request.provider);
    await provider.validate?.(request.problem);
    await this.#admit(request.tenantId, provider);
    return inSpan(
      'job submit',
      { kind: SpanKind.INTERNAL, attributes: { 'optbridge.provider': provider.name, 'optbridge.kind': request.problem.kind } },
      async (span) => {
        const now = new Date().toISOString();
        const job: Job = {
          id: newJobId(),
          tenantId: request.tenantId,
          provider: provider.name,
          kind: request.problem.kind,
          status: 'queued',
          // As the store will hold them (no NUL or lone surrogates), so the run and its record agree.
          problem: storable(request.problem),
          params: storable(request.params),
          upstreamId: null,
          lastSeq: 0,
          result: null,
          error: null,
          device: null,
          gpuSeconds: null,
          createdAt: now,
          updatedAt: now,
          finishedAt: null,
        };
        span.setAttribute('optbridge.job_id', job.id);
        const { cluster } = this.#deps;
        if (cluster && provider.name === QUEUED_PROVIDER) {
          await this.#deps.jobs.create(job, null);
          cluster.signal({ type: 'queued' });
          this.#tellQueued();
          return job;
        }
        // A fresh id: nobody else can hold its lease, so this only records that this node runs it.
        await cluster?.leases.acquire(job.id);
        await this.#deps.jobs.create(job, this.#deps.nodeId);
        this.#start(job, provider, { lastHash: null, lastIteration: 0, epoch: 1 }, context.active());
        return job;
      },
    );
  }

  async cancel(job: Job): Promise<void> {
    if (FINAL_JOB_STATUSES.has(job.status)) return;
    const running = this.#running.get(job.id);
    if (running) {
      running.run.cancel();
      return;
    }
    const { cluster } = this.#deps;
    if (!cluster) throw notFound(`running session for job ${job.id}`);
    const epoch = await this.#deps.jobs.claimIfQueued(job.id, this.#deps.nodeId);
    if (epoch === undefined) {
      cluster.signal({ type: 'cancel', jobId: job.id });
      return;
    }
    const session = this.#session(job, { lastHash: null, lastIteration: 0, epoch }, context.active());
    session.emit({ type: 'cancelled', at: new Date().toISOString(), message: 'cancelled while waiting in the queue' });
    await session.settled;
  }

  isRunningHere(jobId: string): boolean {
    return this.#running.has(jobId);
  }

  /** Jobs of `provider` this node is running now. */
  runningCount(provider: string): number {
    let count = 0;
    for (const running of this.#running.values()) if (running.provider === provider) count++;
    return count;
  }

  /**
   * Runs a job this node has just claimed (`epoch` from JobRepository.claim), continuing its seq and hash
   * chain from the store: a restart, a takeover from a node that died, or a job taken from the queue.
   */
  async adopt(job: Job, epoch: number): Promise<boolean> {
    const provider = this.#deps.providers.get(job.provider);
    if (!provider || this.#running.has(job.id)) return false;
    // Every event carries the iteration the job had reached, so the last one tells where the count stands.
    const last = await this.#deps.store.lastEvent(job.id);
    const resumeFrom = { lastHash: last?.hash ?? null, lastIteration: last?.iteration ?? 0, epoch };
    this.#start({ ...job, lastSeq: last?.seq ?? 0 }, provider, resumeFrom, context.active());
    return true;
  }

  /** Single node: picks up every job a previous process left unfinished (a cluster takes them over instead). */
  async resumeUnfinished(): Promise<number> {
    let resumed = 0;
    for (const job of await this.#deps.jobs.unfinished()) {
      if (this.#running.has(job.id) || !this.#deps.providers.has(job.provider)) continue;
      if (await this.adopt(job, await this.#deps.jobs.claim(job.id, this.#deps.nodeId))) resumed++;
    }
    return resumed;
  }

  /** Stops every run on this node without marking jobs finished: a restart resumes them. */
  async shutdown(): Promise<void> {
    const running = [...this.#running.values()];
    for (const { session, run } of running) {
      session.detach();
      run.stop();
    }
    await Promise.allSettled(running.map(({ run }) => run.done));
    await Promise.allSettled(running.map(({ session }) => session.settled));
    this.#stopListening();
  }

  /** The job is another node's now (its lease or its epoch says so): stop here without writing anything more. */
  #relinquish(jobId: string, why: string): void {
    const running = this.#running.get(jobId);
    if (!running) return;
    this.#deps.log(`stopped job ${jobId} on node ${this.#deps.nodeId}: ${why}`);
    running.session.detach();
    running.run.stop();
  }

  #session(job: Job, resumeFrom: ResumePoint, traceContext: Context): IngestSession {
    return new IngestSession(job, {
      writer: this.#deps.writer,
      hub: this.#deps.hub,
      traceContext,
      ...resumeFrom,
      maxEvents: this.#deps.quotas.maxEventsPerJob,
      onLimit: () => this.#running.get(job.id)?.run.stop(),
      onFenced: () => {
        instruments.leaseLosses.add(1);
        this.#deps.cluster?.leases.forget(job.id);
        this.#relinquish(job.id, 'a write was refused: another node took the job over (fencing token)');
      },
    });
  }

  #start(job: Job, provider: Provider, resumeFrom: ResumePoint, traceContext: Context): void {
    const session = this.#session(job, resumeFrom, traceContext);
    const run = provider.start({
      job,
      sink: session,
      lastSeq: job.lastSeq,
      recordUpstreamId: (id) => this.#deps.jobs.setUpstreamId(job.id, id),
      recorded: () => newestFirst(this.#deps.store, job.id, job.lastSeq),
    });
    this.#running.set(job.id, { session, run, provider: provider.name });
    void run.done
      .catch((error: unknown) => {
        session.emit({
          type: 'failed',
          at: new Date().toISOString(),
          error: { code: 'provider_error', message: (error as Error).message ?? String(error) },
        });
      })
      .finally(async () => {
        await session.settled;
        this.#running.delete(job.id);
        await this.#deps.cluster?.leases.release(job.id).catch(() => {});
        if (provider.name === QUEUED_PROVIDER) this.#tellQueued();
      });
  }
}
