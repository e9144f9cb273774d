import { storable } from '../core/canonical.js';
import { canonicalTime, isTerminal, type EventDraft, type JobEvent } from '../core/event.js';
import { statusAfterEvent, type Job, type JobStatus } from '../core/job.js';
import type { EventSink } from '../core/provider.js';
import type { Hub } from '../hub/hub.js';
import type { JobStateUpdate } from '../store/event-store.js';
import { chainLink } from '../store/event-chain.js';
import type { AppendOutcome, EventWriter } from '../store/event-writer.js';
import { instruments, since } from '../telemetry/metrics.js';
import { tracer, trace, SpanKind, type Context } from '../telemetry/tracing.js';

const DEDUP_MEMORY = 4096;

/**
 * The one place a job's events get their seq: drops duplicates, extends the hash chain, hands the event
 * to the batched writer and publishes it to the hub once it is committed. Lives on the job's owner node.
 */
export class IngestSession implements EventSink {
  readonly job: Job;
  readonly #writer: EventWriter;
  readonly #hub: Hub;
  readonly #traceContext: Context;
  readonly #seenKeys = new Set<string>();
  #seq: number;
  #hash: string;
  #iteration: number;
  #status: JobStatus;
  #finished = false;
  #refused = false;
  #lastPublish: Promise<void> = Promise.resolve();

  readonly #maxEvents: number;
  readonly #onLimit: () => void;
  readonly #epoch: number;
  readonly #onFenced: () => void;

  constructor(
    job: Job,
    deps: {
      writer: EventWriter;
      hub: Hub;
      traceContext: Context;
      lastHash: string | null;
      lastIteration: number;
      /** Events one job may store; the last one is the failure that says so. */
      maxEvents: number;
      /** Told when the job must stop running: it hit `maxEvents`, or the store refused one of its events for good. */
      onLimit: () => void;
      /** The owner's epoch, the fencing token every write of this session carries. */
      epoch: number;
      /** Told once when a write was refused because another node took the job over: the run must stop. */
      onFenced: () => void;
    },
  ) {
    this.#maxEvents = deps.maxEvents;
    this.#onLimit = deps.onLimit;
    this.#epoch = deps.epoch;
    this.#onFenced = deps.onFenced;
    this.job = job;
    this.#writer = deps.writer;
    this.#hub = deps.hub;
    this.#traceContext = deps.traceContext;
    this.#seq = job.lastSeq;
    this.#hash = deps.lastHash ?? '';
    this.#iteration = deps.lastIteration;
    this.#status = job.status;
  }

  /** Settles when everything emitted so far is committed and published. */
  get settled(): Promise<void> {
    return this.#lastPublish;
  }

  /** Drops whatever the provider still emits: the job continues in another session. */
  detach(): void {
    this.#finished = true;
  }

  emit(draft: EventDraft): void {
    if (this.#finished) return;
    if (draft.dedupKey !== undefined) {
      if (this.#seenKeys.has(draft.dedupKey)) return;
      this.#remember(draft.dedupKey);
    }
    // A runaway upstream must not fill the disk: the job's last storable event is its failure.
    const limited = this.#seq + 1 >= this.#maxEvents && !isTerminal(draft.type);
    const { dedupKey: _dedupKey, ...fields }: EventDraft = limited
      ? {
          type: 'failed',
          at: new Date().toISOString(),
          error: { code: 'event_limit', message: `the job reached the limit of ${this.#maxEvents} stored events (limits.maxEventsPerJob) and was stopped` },
        }
      : draft;
    // Every event says how far the job had got, so a lifecycle event reads in context (Mutagent's clients
    // show `iteration` on each one); 0 before the first iteration.
    const event: JobEvent = storable({
      jobId: this.job.id,
      seq: this.#seq + 1,
      ...fields,
      iteration: fields.iteration ?? this.#iteration,
      at: canonicalTime(fields.at, new Date()),
    });
    if (typeof event.iteration === 'number') this.#iteration = event.iteration;
    const stored = chainLink(this.#hash, event);
    this.#hash = stored.hash;
    this.#seq = event.seq;
    this.#status = statusAfterEvent(this.#status, event.type);
    const terminal = isTerminal(event.type);
    if (terminal) this.#finished = true;

    const span = tracer.startSpan(
      'ingest event',
      {
        kind: SpanKind.CONSUMER,
        attributes: { 'optbridge.job_id': this.job.id, 'optbridge.seq': event.seq, 'optbridge.event_type': event.type },
      },
      this.#traceContext,
    );
    const publishContext = trace.setSpan(this.#traceContext, span);
    instruments.eventsIngested.add(1, { provider: this.job.provider });
    const sequenced = performance.now();
    const written = this.#writer.append(stored, this.#stateUpdate(event, terminal), publishContext);
    if (limited) this.#onLimit();
    this.#lastPublish = written.then((outcome) => {
      if (outcome !== 'stored') {
        this.#settleRefused(outcome, publishContext);
        span.end();
        return;
      }
      const committed = performance.now();
      instruments.pipelineStage.record(since(sequenced), { stage: 'commit' });
      this.#publishIn(publishContext, event);
      instruments.pipelineStage.record(since(committed), { stage: 'publish' });
      instruments.ingestToPublish.record(since(sequenced));
      instruments.eventsPublished.add(1);
      span.end();
    });
  }

  /** Fenced off (another node owns the job) or refused by the store (its replacement ends the job): stop here. */
  #settleRefused(outcome: Exclude<AppendOutcome, 'stored'>, ctx: Context): void {
    if (outcome === 'dropped' || this.#refused) return;
    this.#refused = this.#finished = true;
    if (outcome === 'fenced') return this.#onFenced();
    for (const event of outcome.replacedBy) this.#publishIn(ctx, event);
    this.#onLimit();
  }

  #publishIn(ctx: Context, event: JobEvent): void {
    const span = tracer.startSpan('hub publish', { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'optbridge', 'messaging.destination.name': event.jobId } }, ctx);
    this.#hub.publish(event);
    span.end();
  }

  #stateUpdate(event: JobEvent, terminal: boolean): JobStateUpdate {
    const update: JobStateUpdate = { id: this.job.id, status: this.#status, lastSeq: event.seq, lastHash: this.#hash, epoch: this.#epoch };
    if (!terminal) return update;
    update.finishedAt = event.at;
    if (event.result) {
      update.result = event.result;
      if (event.result.device !== undefined) update.device = event.result.device;
      if (event.result.gpuSeconds !== undefined) update.gpuSeconds = event.result.gpuSeconds;
    }
    if (event.error) update.error = event.error;
    return update;
  }

  #remember(key: string): void {
    this.#seenKeys.add(key);
    if (this.#seenKeys.size > DEDUP_MEMORY) {
      const oldest = this.#seenKeys.values().next().value;
      if (oldest !== undefined) this.#seenKeys.delete(oldest);
    }
  }
}
