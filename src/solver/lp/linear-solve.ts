import { ModelError } from './linear-expression.js';
import type { QueueHooks } from '../types.js';
import { runWorkerCheck, runWorkerJob } from '../workers/worker-job.js';
import type { LinearJob, LinearOutcome, LinearProgress } from '../workers/worker-protocol.js';

export type { LinearOutcome, LinearProgress } from '../workers/worker-protocol.js';

export interface LinearOptions {
  timeLimitS?: number;
  signal?: AbortSignal;
  progressIntervalMs?: number;
  onProgress?(progress: LinearProgress): void;
  /** Told when the solve waits for a solver thread and when it starts. */
  queue?: QueueHooks;
}

const DEFAULT_TIME_LIMIT_S = 60;

/**
 * Solves a JAOT LP/MIP model with HiGHS in a worker thread. The worker checks and parses the model
 * too (src/solver/lp/linear-job.ts): a malformed one throws ModelError naming the field, token and column.
 */
export async function solveLinear(raw: Record<string, unknown>, options: LinearOptions = {}): Promise<LinearOutcome> {
  const timeLimitS = options.timeLimitS ?? DEFAULT_TIME_LIMIT_S;
  if (!(timeLimitS > 0)) throw new ModelError('timeLimitS', `must be positive, got ${timeLimitS}`);
  const progressIntervalMs = options.progressIntervalMs ?? 500;
  const job: LinearJob = { model: raw, timeLimitS, progressIntervalMs, cancel: new Int32Array(new SharedArrayBuffer(4)) };
  return runWorkerJob<LinearProgress, LinearOutcome>(
    { type: 'linear', job },
    {
      signal: options.signal ?? new AbortController().signal,
      cancel: job.cancel,
      progressIntervalMs,
      ...options.queue,
      onProgress: (p) => options.onProgress?.(p),
      onOverdue: () => ({ status: 'cancelled', objective: null, solution: {}, gap: null, runtimeS: 0 }),
    },
  );
}

/**
 * Checks and parses a JAOT model on a worker thread, without waiting for a solver thread; throws
 * ModelError as solveLinear would.
 */
export async function checkLinearModel(raw: Record<string, unknown>): Promise<void> {
  await runWorkerCheck<null>({ type: 'check-linear', model: raw });
}
