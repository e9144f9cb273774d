/**
 * The canonical event every provider's messages are decoded into and every dialect encodes from.
 * Field names follow DESIGN.md; anything a provider sends with no field here is kept in `source.raw`.
 */
export const JOB_EVENT_TYPES = [
  'status',
  'started',
  'progress',
  'evaluation',
  'iteration_started',
  'iteration_completed',
  'paused',
  'resumed',
  'completed',
  'failed',
  'cancelled',
  'gap',
  'warning',
] as const;

export type JobEventType = (typeof JOB_EVENT_TYPES)[number];

export const TERMINAL_EVENT_TYPES: ReadonlySet<JobEventType> = new Set(['completed', 'failed', 'cancelled']);

export type Solution = number[] | Record<string, number>;

export interface JobResult {
  /** Solver verdict where the provider gives one: optimal, infeasible, converged, time_limit, target_reached… */
  status?: string;
  objective?: number;
  solution?: Solution;
  runtimeS?: number;
  gpuSeconds?: number;
  device?: string;
  /** Provider-specific terminal payload fields with no canonical name (MatCraft totals, Mutagent ids…). */
  data?: Record<string, unknown>;
}

export interface JobError {
  code: string;
  message: string;
  data?: Record<string, unknown>;
}

export interface EventSource {
  provider: string;
  raw?: unknown;
}

/** What a provider emits: a canonical event that has not been given its place in the job's sequence yet. */
export interface EventDraft {
  type: JobEventType;
  at: string;
  iteration?: number;
  totalIterations?: number;
  progress?: number;
  objective?: number;
  bestObjective?: number;
  bestSolution?: Solution;
  temperature?: number;
  gap?: number;
  metrics?: Record<string, number>;
  stage?: string;
  message?: string;
  result?: JobResult;
  error?: JobError;
  source?: EventSource;
  /**
   * Identity of the upstream message, used to drop the duplicates a vendor resends after a resume.
   * Not part of the stored canonical event.
   */
  dedupKey?: string;
}

export interface JobEvent extends Omit<EventDraft, 'dedupKey'> {
  jobId: string;
  /** Per-job, gap-free, starting at 1. */
  seq: number;
}

/**
 * The bridge's lifecycle stage for an event that names none of its own: the job's status once the event
 * happened. A `status` event without a stage is a job waiting to run.
 */
const LIFECYCLE_STAGES: Record<JobEventType, string> = {
  status: 'queued',
  started: 'running',
  progress: 'running',
  evaluation: 'running',
  iteration_started: 'running',
  iteration_completed: 'running',
  paused: 'paused',
  resumed: 'running',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  gap: 'running',
  warning: 'running',
};

export function stageOf(event: { type: JobEventType; stage?: string }): string {
  return event.stage ?? LIFECYCLE_STAGES[event.type];
}

export function isTerminal(type: JobEventType): boolean {
  return TERMINAL_EVENT_TYPES.has(type);
}

/** The range Postgres timestamptz and ISO 8601's four-digit years share. */
const EARLIEST_TIME_MS = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST_TIME_MS = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * `at` in the one form the store and every encoder take, UTC ISO 8601 with milliseconds; `now` when it is
 * not a time in range. Date.parse accepts strings Postgres refuses ("2026-02-30", "1"), and one refused
 * timestamp would fail its whole batch on every retry.
 */
export function canonicalTime(at: unknown, now: Date): string {
  const ms = typeof at === 'string' ? Date.parse(at) : Number.NaN;
  return ms >= EARLIEST_TIME_MS && ms <= LATEST_TIME_MS ? new Date(ms).toISOString() : now.toISOString();
}
