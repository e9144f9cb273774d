import { BridgeClientError } from './errors.js';
import { jobEvents, type StreamOptions } from './event-stream.js';
import type { Transport } from './transport.js';
import type { JobEvent, JobInfo, JobResult, Outcome } from './types.js';

const FINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

/** A submitted job: its events as they happen, its cancel, its result. */
export class Job {
  readonly id: string;
  /** The status the bridge gave when this handle was made (on submit: usually `queued`). */
  readonly status: string;
  readonly #transport: Transport;

  constructor(transport: Transport, id: string, status: string) {
    this.#transport = transport;
    this.id = id;
    this.status = status;
  }

  /** Every event after `after` (default: from the start), once each, in order, until the terminal one. */
  stream(options: StreamOptions = {}): AsyncGenerator<JobEvent> {
    return jobEvents(this.#transport, this.id, options);
  }

  info(): Promise<JobInfo> {
    return this.#transport.json<JobInfo>('GET', `/bridge/v1/jobs/${encodeURIComponent(this.id)}`);
  }

  async cancel(): Promise<void> {
    await this.#transport.fetch('POST', `/v1/jobs/${encodeURIComponent(this.id)}/cancel`);
  }

  /** How the job ended, waiting for it when it is still running. */
  async outcome(): Promise<Outcome> {
    const info = await this.info();
    if (FINAL_STATUSES.has(info.status)) {
      return { status: info.status as Outcome['status'], result: info.result, error: info.error, event: null };
    }
    // Everything up to lastSeq is already recorded and not terminal, so the terminal event comes after it.
    for await (const event of this.stream({ after: info.lastSeq })) {
      if (event.type === 'completed' || event.type === 'failed' || event.type === 'cancelled') {
        return { status: event.type, result: event.result ?? null, error: event.error ?? null, event };
      }
    }
    throw new BridgeClientError('protocol', `the stream of job ${this.id} ended without a terminal event`);
  }

  /** The result of a completed job; a failed or cancelled one throws its error. */
  async result(): Promise<JobResult> {
    const outcome = await this.outcome();
    if (outcome.status === 'completed') return outcome.result ?? {};
    if (outcome.status === 'failed') {
      throw new BridgeClientError(outcome.error?.code ?? 'failed', outcome.error?.message ?? `job ${this.id} failed`);
    }
    throw new BridgeClientError('cancelled', `job ${this.id} was cancelled`);
  }
}
