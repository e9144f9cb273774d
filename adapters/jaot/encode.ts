import type { JobError, JobEvent, JobEventType, JobResult } from '../../src/core/event.js';
import type { Job, JobStatus } from '../../src/core/job.js';
import { compact, leftovers, splitKnown } from '../../src/core/json.js';
import type { JaotCancelled, JaotCompleted, JaotFailed, JaotProgress, JaotResult, JaotStatus } from './messages.js';

type Key = keyof JobEvent;

/** Canonical events a JAOT client gets as `progress`; the `status` greeting carries the latest of them. */
export const PROGRESS_TYPES: readonly JobEventType[] = ['progress', 'iteration_completed', 'evaluation'];

const PROGRESS_KEYS: ReadonlySet<Key> = new Set<Key>(['jobId', 'type', 'at', 'iteration', 'progress', 'bestObjective', 'gap', 'message']);
const COMPLETED_KEYS: ReadonlySet<Key> = new Set<Key>(['jobId', 'type', 'result']);
const FAILED_KEYS: ReadonlySet<Key> = new Set<Key>(['jobId', 'type', 'error']);
const CANCELLED_KEYS: ReadonlySet<Key> = new Set<Key>(['jobId', 'type']);
const STATUS_KEYS: ReadonlySet<Key> = new Set<Key>(['jobId', 'type', 'stage']);
/** Upstream JAOT's own accounting, which reaches the bridge in the result's data. */
const CREDIT_FIELDS = ['credits_used', 'credits_remaining'];

/** JAOT calls a job that has not started `pending`. */
export function executionStatus(status: JobStatus): string {
  return status === 'queued' ? 'pending' : status;
}

/** Completion 0..1: the provider's own estimate, else iteration over a known iteration budget (MatCraft). */
export function progressOf(event: JobEvent): number | undefined {
  if (event.progress !== undefined) return event.progress;
  if (event.iteration !== undefined && event.totalIterations) return Math.min(1, event.iteration / event.totalIterations);
  return undefined;
}

/**
 * JAOT's `result`. Work the bridge runs itself costs no JAOT credits, so `credits_used` is 0 and
 * `credits_remaining` null (there is no balance to report) unless an upstream JAOT job reported its own.
 */
export function jaotResult(result: JobResult | null | undefined): { result: JaotResult; rest: Record<string, unknown> | undefined } {
  const { status, objective, solution, runtimeS, data, ...others }: JobResult = result ?? {};
  const credits = splitKnown(data, CREDIT_FIELDS);
  const rest = compact({ ...others, data: credits.rest });
  return {
    result: {
      status: status ?? null,
      objective_value: objective ?? null,
      solution: solution ?? null,
      solve_time_seconds: runtimeS ?? null,
      credits_used: credits.known.credits_used ?? 0,
      credits_remaining: credits.known.credits_remaining ?? null,
    },
    rest: Object.keys(rest).length > 0 ? rest : undefined,
  };
}

function progressMessage(event: JobEvent): JaotProgress {
  const extra = leftovers(event, PROGRESS_KEYS);
  if (event.type !== 'progress') extra.type = event.type;
  return compact<JaotProgress>({
    type: 'progress',
    execution_id: event.jobId,
    status: 'running',
    progress: progressOf(event),
    message: event.message,
    iteration: event.iteration,
    // JAOT's objective_value is the best found so far; the current objective travels under x_bridge.
    objective_value: event.bestObjective,
    gap: event.gap,
    timestamp: event.at,
    x_bridge: extra,
  });
}

function completedMessage(event: JobEvent): JaotCompleted {
  const { result, rest } = jaotResult(event.result);
  const extra = leftovers(event, COMPLETED_KEYS);
  if (rest) extra.result = rest;
  return { type: 'completed', execution_id: event.jobId, status: 'completed', result, x_bridge: extra };
}

function failedMessage(event: JobEvent): JaotFailed {
  const { message, ...rest }: Partial<JobError> = event.error ?? {};
  const extra = leftovers(event, FAILED_KEYS);
  if (Object.keys(rest).length > 0) extra.error = rest;
  return { type: 'failed', execution_id: event.jobId, status: 'failed', error: message ?? rest.code ?? 'unknown error', x_bridge: extra };
}

function cancelledMessage(event: JobEvent): JaotCancelled {
  // The doc's cancelled message has `result: null`; a provider's partial result travels under x_bridge.
  return { type: 'cancelled', execution_id: event.jobId, status: 'cancelled', result: null, x_bridge: leftovers(event, CANCELLED_KEYS) };
}

function statusMessage(event: JobEvent): JaotStatus {
  return {
    type: 'status',
    execution_id: event.jobId,
    status: jaotStage(event.stage),
    progress_data: null,
    x_bridge: leftovers(event, STATUS_KEYS),
  };
}

/** A provider's stage in JAOT's words: a job that waits is `pending`. */
function jaotStage(stage: string | undefined): string {
  return stage === undefined || stage === 'queued' ? 'pending' : stage;
}

/**
 * JAOT documents status, progress, completed, failed and cancelled, and its clients get only those.
 * Progress-like events of other providers and lifecycle events become `progress`.
 */
export function encodeJaot(event: JobEvent): string {
  switch (event.type) {
    // Lifecycle events JAOT has no type for go out as the nearest documented message, a `progress` with
    // `x_bridge.type`: the doc's clients print `status` as the initial status, so mid-stream it would mislead.
    case 'progress':
    case 'iteration_completed':
    case 'evaluation':
    case 'started':
    case 'paused':
    case 'resumed':
    case 'iteration_started':
    case 'gap':
    case 'warning':
      return JSON.stringify(progressMessage(event));
    case 'completed':
      return JSON.stringify(completedMessage(event));
    case 'failed':
      return JSON.stringify(failedMessage(event));
    case 'cancelled':
      return JSON.stringify(cancelledMessage(event));
    case 'status':
      return JSON.stringify(statusMessage(event));
  }
}

/** The message a new socket gets first: the execution's state and its latest progress, if any yet. */
export function statusGreeting(job: Pick<Job, 'id' | 'status'>, latest: JobEvent | undefined): string {
  const greeting: JaotStatus = {
    type: 'status',
    execution_id: job.id,
    status: executionStatus(job.status),
    progress_data: latest ? progressMessage(latest) : null,
  };
  return JSON.stringify(greeting);
}
