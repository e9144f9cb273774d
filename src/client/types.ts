import type { JobError, JobEvent, JobResult } from '../core/event.js';
import type { Job } from '../core/job.js';

export type { JobError, JobEvent, JobEventType, JobResult, Solution } from '../core/event.js';
export type { JobStatus } from '../core/job.js';

/** A job as `GET /bridge/v1/jobs/{id}` returns it (the list leaves out `problem`). */
export type JobInfo = Omit<Job, 'tenantId'>;
export type JobSummary = Omit<JobInfo, 'problem'>;

export interface JobPage {
  jobs: JobSummary[];
  /** Pass as `before` for the next page; null on the last one. */
  nextBefore: string | null;
}

/** `GET /bridge/v1/jobs/{id}/audit`: the hash chain recomputed from the stored events. */
export type { AuditReport } from '../server/audit.js';

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
