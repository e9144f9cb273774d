import type { EventDraft, JobEvent } from './event.js';
import type { Job } from './job.js';
import type { Problem, ProblemKind } from './problem.js';

/** Where a provider hands its decoded events; ingest gives them their seq. */
export interface EventSink {
  emit(draft: EventDraft): void;
}

export interface ProviderStart {
  job: Job;
  sink: EventSink;
  /** Last seq already recorded for this job: non-zero when a session resumes after a restart or takeover. */
  lastSeq: number;
  /** Stores the vendor's id for the job as soon as it exists, so a restarted bridge reattaches instead of creating it again. */
  recordUpstreamId(id: string): Promise<void>;
  /** The job's recorded events, newest first: where a resuming provider finds its place (e.g. the last upstream event id). */
  recorded(): AsyncIterable<JobEvent>;
}

/** One running upstream session (or built-in solver run) for one job. */
export interface ProviderRun {
  /** Asks the provider to stop; it still emits its terminal event through the sink. */
  cancel(): void;
  /** Ends the run on this node without finishing the job (shutdown, lost lease); it resumes elsewhere. */
  stop(): void;
  /** Settles once the provider will emit nothing more. */
  readonly done: Promise<void>;
}

export interface Provider {
  readonly name: string;
  /** Problem kinds this provider can run; routing refuses the others before a job is created. */
  readonly kinds: ReadonlySet<ProblemKind>;
  /**
   * Refuses a problem this provider would fail on, before a job exists (throws or rejects with
   * BridgeError). A check that costs real CPU resolves later, from off the event loop.
   */
  validate?(problem: Problem): void | Promise<void>;
  start(start: ProviderStart): ProviderRun;
}
