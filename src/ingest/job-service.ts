import { storable } from '../core/canonical.js';
import { BridgeError, notFound } from '../core/errors.js';
import { newJobId } from '../core/ids.js';
import { TokenBuckets } from '../core/token-bucket.js';
import { FINAL_JOB_STATUSES, type Job, type SolveParams } from '../core/job.js';
import type { JobEvent } from '../core/event.js';
import type { Problem, ProblemKind } from '../core/problem.js';
import type { Provider, ProviderRun } from '../core/provider.js';
import type { Hub } from '../hub/hub.js';
import type { EventStore } from '../store/event-store.js';
import type { EventWriter } from '../store/event-writer.js';
import type { JobRepository } from '../store/job-repository.js';
import { context, inSpan, SpanKind, type Context } from '../telemetry/tracing.js';
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
}

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
}

/** Submits, cancels and resumes jobs; owns the one provider run per job on this node. */
export class JobService {
  readonly #deps: JobServiceDeps;
  readonly #running = new Map<string, Running>();
  readonly #submissions: TokenBuckets;

  constructor(deps: JobServiceDeps) {
    this.#deps = deps;
    this.#submissions = new TokenBuckets(deps.quotas.submissionsPerMinute);
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
    provider.validate?.(request.problem);
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
        await this.#deps.jobs.create(job);
        this.#start(job, provider, { lastHash: null, lastIteration: 0 }, context.active());
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
    throw notFound(`running session for job ${job.id}`);
  }

  isRunningHere(jobId: string): boolean {
    return this.#running.has(jobId);
  }

  /** Picks up jobs a previous process left unfinished, continuing their seq and hash chain. */
  async resumeUnfinished(): Promise<number> {
    let resumed = 0;
    for (const job of await this.#deps.jobs.unfinished()) {
      if (this.#running.has(job.id)) continue;
      const provider = this.#deps.providers.get(job.provider);
      if (!provider) continue;
      const [last, latest] = await Promise.all([this.#deps.store.lastEvent(job.id), this.#deps.store.latest(job.id)]);
      const resumeFrom = { lastHash: last?.hash ?? null, lastIteration: latest?.iteration ?? 0 };
      this.#start({ ...job, lastSeq: last?.seq ?? 0 }, provider, resumeFrom, context.active());
      resumed++;
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
  }

  #start(job: Job, provider: Provider, resumeFrom: { lastHash: string | null; lastIteration: number }, traceContext: Context): void {
    const session = new IngestSession(job, {
      writer: this.#deps.writer,
      hub: this.#deps.hub,
      traceContext,
      ...resumeFrom,
      maxEvents: this.#deps.quotas.maxEventsPerJob,
      onLimit: () => this.#running.get(job.id)?.run.stop(),
    });
    const run = provider.start({
      job,
      sink: session,
      lastSeq: job.lastSeq,
      recordUpstreamId: (id) => this.#deps.jobs.setUpstreamId(job.id, id),
      recorded: () => newestFirst(this.#deps.store, job.id, job.lastSeq),
    });
    this.#running.set(job.id, { session, run });
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
      });
  }
}
