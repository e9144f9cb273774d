import type { EventStore, JobStateUpdate, StoredEvent } from './event-store.js';
import { context, inSpan, trace, type Context, type Link } from '../telemetry/tracing.js';

interface Pending {
  stored: StoredEvent;
  job: JobStateUpdate;
  traceContext: Context;
  resolve: () => void;
}

/** A batch spans many jobs: the flush joins the first event's trace and links the others. */
const MAX_LINKS = 32;

export interface EventWriterOptions {
  flushIntervalMs: number;
  maxBatchEvents: number;
  /** Batches committing at once; more than one needs a pooled connection (pg), PGlite serialises them. */
  concurrency: number;
  onError?: (error: unknown, attempt: number) => void;
}

const MAX_RETRY_DELAY_MS = 5_000;

/**
 * Groups events from every job into batched transactions: one round trip per batch, never per event.
 * Up to `concurrency` batches are in flight at once (Postgres commits them in parallel), but `append`
 * promises resolve strictly in the order events were appended, so publishing stays in seq order.
 * A failed flush is retried with the same batch (the store is idempotent on (job_id, seq)), so an
 * accepted event is only ever delayed, never dropped.
 */
export class EventWriter {
  readonly #store: EventStore;
  readonly #options: EventWriterOptions;
  #queue: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #inFlight = 0;
  #acknowledged: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(store: EventStore, options: EventWriterOptions) {
    this.#store = store;
    this.#options = options;
  }

  append(stored: StoredEvent, job: JobStateUpdate, traceContext: Context = context.active()): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('event writer is closed'));
    return new Promise((resolve) => {
      this.#queue.push({ stored, job, traceContext, resolve });
      this.#schedule();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#startFlushes();
    while (this.#inFlight > 0 || this.#queue.length > 0) {
      await this.#acknowledged;
      this.#startFlushes();
    }
    await this.#acknowledged;
  }

  /**
   * A full batch goes at once; a partial one waits for the flush interval, or for the batch in flight
   * to finish, so events arriving meanwhile join it instead of costing a transaction each.
   */
  #schedule(): void {
    if (this.#queue.length === 0) return;
    if (this.#queue.length >= this.#options.maxBatchEvents || this.#closed) {
      this.#startFlushes();
      return;
    }
    if (this.#inFlight > 0 || this.#timer) return;
    if (this.#options.flushIntervalMs === 0) {
      this.#startFlushes();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#startFlushes();
    }, this.#options.flushIntervalMs);
  }

  #startFlushes(): void {
    while (this.#queue.length > 0 && this.#inFlight < this.#options.concurrency) {
      const batch = this.#queue.splice(0, this.#options.maxBatchEvents);
      this.#inFlight++;
      const written = this.#writeWithRetry(batch);
      this.#acknowledged = Promise.all([this.#acknowledged, written]).then(() => {
        for (const pending of batch) pending.resolve();
      });
      void written.finally(() => {
        this.#inFlight--;
        this.#schedule();
      });
    }
  }

  async #writeWithRetry(batch: Pending[]): Promise<void> {
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
        await inSpan('store flush', spanOptions, () => this.#store.append(storeBatch));
        return;
      } catch (error) {
        this.#options.onError?.(error, attempt);
        await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RETRY_DELAY_MS, 50 * 2 ** attempt)));
      }
    }
  }
}
