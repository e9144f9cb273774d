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
  onError?: (error: unknown, attempt: number) => void;
}

const MAX_RETRY_DELAY_MS = 5_000;

/**
 * Groups events from every job into batched transactions: one round trip per batch, never per event.
 * A failed flush is retried with the same batch (the store is idempotent on (job_id, seq)), so an
 * accepted event is only ever delayed, never dropped. `append` resolves once the event is committed.
 */
export class EventWriter {
  readonly #store: EventStore;
  readonly #options: EventWriterOptions;
  #queue: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
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
    while (this.#flushing || this.#queue.length > 0) {
      await (this.#flushing ?? this.#flushAll());
    }
  }

  #schedule(): void {
    if (this.#flushing || this.#timer) return;
    if (this.#queue.length >= this.#options.maxBatchEvents || this.#options.flushIntervalMs === 0) {
      this.#flushing = this.#flushAll();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#flushing) this.#flushing = this.#flushAll();
    }, this.#options.flushIntervalMs);
  }

  async #flushAll(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#options.maxBatchEvents);
        await this.#writeWithRetry(batch);
        for (const pending of batch) pending.resolve();
      }
    } finally {
      this.#flushing = undefined;
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
