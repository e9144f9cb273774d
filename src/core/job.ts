import type { JobError, JobResult } from './event.js';
import type { Problem, ProblemKind } from './problem.js';

export type JobStatus = 'queued' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';

export const FINAL_JOB_STATUSES: ReadonlySet<JobStatus> = new Set(['completed', 'failed', 'cancelled']);

export interface SolveParams {
  timeLimitS?: number;
  targetEnergy?: number;
  seed?: number;
  replicas?: number;
  /** Nerox `solver` hint: "gpu", "cpu", "auto". */
  device?: string;
}

export interface Job {
  id: string;
  tenantId: string;
  provider: string;
  kind: ProblemKind;
  status: JobStatus;
  problem: Problem;
  params: SolveParams;
  /** The id the upstream vendor gave this job; null for the built-in solver. */
  upstreamId: string | null;
  lastSeq: number;
  result: JobResult | null;
  error: JobError | null;
  device: string | null;
  gpuSeconds: number | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export function statusAfterEvent(current: JobStatus, eventType: string): JobStatus {
  switch (eventType) {
    case 'started':
    case 'progress':
    case 'evaluation':
    case 'iteration_started':
    case 'iteration_completed':
    case 'resumed':
      return current === 'queued' || current === 'paused' ? 'running' : current;
    case 'paused':
      return 'paused';
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
    default:
      return current;
  }
}
