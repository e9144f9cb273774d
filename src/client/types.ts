import type { JobError, JobEvent, JobResult } from '../core/event.js';
import type { Job, JobStatus } from '../core/job.js';

export type { JobError, JobEvent, JobEventType, JobResult, Solution } from '../core/event.js';
export type { JobStatus } from '../core/job.js';

/** A job as `GET /bridge/v1/jobs/{id}` returns it (the list leaves out `problem`). */
export type JobInfo = Omit<Job, 'tenantId'>;
export type JobSummary = Omit<JobInfo, 'problem'>;
/** A row of `GET /bridge/v1/jobs`: the summary and the best objective reached so far (null: none reported yet). */
export type JobListing = JobSummary & { bestObjective: number | null };

/** What `jobs.list` narrows the page by; all optional, all applied together. */
export interface JobListOptions {
  limit?: number;
  /** `nextBefore` of the previous page. */
  before?: string;
  provider?: string;
  kind?: string;
  status?: JobStatus;
  /** Created at or after this ISO 8601 date or time. */
  from?: string;
  /** Created before this ISO 8601 date or time. */
  to?: string;
  /** Part of the job id. */
  q?: string;
}

export interface JobPage {
  jobs: JobListing[];
  /** Pass as `before` for the next page; null on the last one. */
  nextBefore: string | null;
}

/** `GET /bridge/v1/jobs/{id}/audit`: the hash chain recomputed from the stored events. */
export type { AuditReport } from '../server/audit.js';
/** `GET /bridge/v1/jobs/{id}/series`: min/max per bucket of seq over a window, and the window's gap markers. */
export type { Extremes, GapMarker, SeriesBucket, SeriesReport } from '../server/series-routes.js';

export interface SeriesOptions {
  /** How many buckets at most (default 500, at most 10 000): about the chart's width in pixels. */
  points?: number;
  /** First seq of the window (default 1). */
  from?: number;
  /** Last seq of the window (default: the job's last). */
  to?: number;
}

/** One page of stored events, with their raw upstream messages; `nextAfter` is null on the last page. */
export interface EventPage {
  events: JobEvent[];
  nextAfter: number | null;
}

export type Dialect = 'nerox' | 'jaot' | 'matcraft' | 'mutagent';
export const DIALECTS: readonly Dialect[] = ['nerox', 'jaot', 'matcraft', 'mutagent'];

export type ExportFormat = 'ndjson' | 'csv';

/** What the terminal event says, for `Job.result()` and the CLI's exit status. */
export interface Outcome {
  status: 'completed' | 'failed' | 'cancelled';
  result: JobResult | null;
  error: JobError | null;
  event: JobEvent | null;
}
