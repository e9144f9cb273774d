import type { EventStore, JobStateUpdate, StoredEvent } from './event-store.js';
import { context, inSpan, trace, type Context, type Link } from '../telemetry/tracing.js';
import { instruments, since } from '../telemetry/metrics.js';

interface Pending {
  stored: StoredEvent;
  job: JobStateUpdate;
  traceContext: Context;
  resolve: (outcome: AppendOutcome) => void;
}

/** `fenced`: the job's epoch is no longer the writer's (another node owns the job now); nothing was stored. */
export type AppendOutcome = 'stored' | 'fenced';

/** A batch spans many jobs: the flush joins the first event's trace and links the others. */
const MAX_LINKS = 32;

export interface EventWriterOptions {
  flushIntervalMs: number;
  maxBatchEvents: number;
  /** Lanes committing in parallel; more than one needs a pooled connection (pg), PGlite serialises them. */
  concurrency: number;
  onError?: (error: unknown, attempt: number) => void;
}

const MAX_RETRY_DELAY_MS = 5_000;

/** Events of the jobs that hash to one lane; a lane has at most one batch in flight. */
interface Lane {
  queue: Pending[];
  timer: NodeJS.Timeout | undefined;
  flushing: Promise<void> | undefined;
}

function laneOf(jobId: string, lanes: number): number {
  let h = 0;
  for (let i = 0; i < jobId.length; i++) h = (h * 31 + jobId.charCodeAt(i)) | 0;
  return Math.abs(h) % lanes;
}

/**
 * Groups events into batched transactions: one round trip per batch, never per event. Jobs are spread
 * over `concurrency` lanes; each lane commits its batches one after another, so a job's stored seqs never
 * have a hole (not even after a crash) and its `append` promises resolve in seq order, while different
 * lanes commit in parallel. A failed flush is retried with the same batch (the store is idempotent on
 * (job_id, seq)), so an accepted event is only ever delayed, never dropped.
 */
export class EventWriter {
  readonly #store: EventStore;
  readonly #options: EventWriterOptions;
  readonly #lanes: Lane[];
  #closed = false;

  constructor(store: EventStore, options: EventWriterOptions) {
    this.#store = store;
    this.#options = options;
    this.#lanes = Array.from({ length: options.concurrency }, () => ({ queue: [], timer: undefined, flushing: undefined }));
  }

  append(stored: StoredEvent, job: JobStateUpdate, traceContext: Context = context.active()): Promise<AppendOutcome> {
    if (this.#closed) return Promise.reject(new Error('event writer is closed'));
    const lane = this.#lanes[laneOf(job.id, this.#lanes.length)]!;
    return new Promise((resolve) => {
      lane.queue.push({ stored, job, traceContext, resolve });
      this.#schedule(lane);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const lane of this.#lanes) this.#schedule(lane);
    while (this.#lanes.some((lane) => lane.flushing || lane.queue.length > 0)) {
      await Promise.all(this.#lanes.map((lane) => lane.flushing));
    }
  }

  /**
   * A full batch goes at once; a partial one waits for the flush interval, or for the lane's batch in
   * flight to finish, so events arriving meanwhile join it instead of costing a transaction each.
   */
  #schedule(lane: Lane): void {
    if (lane.flushing || lane.queue.length === 0) return;
    if (lane.queue.length >= this.#options.maxBatchEvents || this.#closed || this.#options.flushIntervalMs === 0) {
      clearTimeout(lane.timer);
      lane.timer = undefined;
      lane.flushing = this.#flush(lane);
      return;
    }
    lane.timer ??= setTimeout(() => {
      lane.timer = undefined;
      if (!lane.flushing) lane.flushing = this.#flush(lane);
    }, this.#options.flushIntervalMs);
  }

  async #flush(lane: Lane): Promise<void> {
    const batch = lane.queue.splice(0, this.#options.maxBatchEvents);
    const fenced = await this.#writeWithRetry(batch);
    for (const pending of batch) pending.resolve(fenced.has(pending.job.id) ? 'fenced' : 'stored');
    lane.flushing = undefined;
    this.#schedule(lane);
  }

  async #writeWithRetry(batch: Pending[]): Promise<ReadonlySet<string>> {
    const jobs = new Map<string, JobStateUpdate>();
    for (const { job } of batch) jobs.set(job.id, { ...jobs.get(job.id), ...job });
    const storeBatch = { events: batch.map((p) => p.stored), jobs: [...jobs.values()] };
    const links: Link[] = [];
    for (const { traceContext } of batch.slice(1, MAX_LINKS + 1)) {
      const spanContext = trace.getSpanContext(traceContext);
      if (spanContext) links.push({ context: spanContext });
    }
    const spanOptions = {
      attributes: { 'db.system.name': 'postgresql', 'db.operation.name': 'INSERT', 'optbridge.batch.events': batch.length },
      parent: batch[0]!.traceContext,
      links,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const started = performance.now();
        const fenced = await inSpan('store flush', spanOptions, () => this.#store.append(storeBatch, { retry: attempt > 1 }));
        instruments.storeCommit.record(since(started));
        return fenced;
      } catch (error) {
        this.#options.onError?.(error, attempt);
        await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RETRY_DELAY_MS, 50 * 2 ** attempt)));
      }
    }
  }
}
