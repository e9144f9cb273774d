import { availableParallelism } from 'node:os';
import { Slots } from '../../core/slots.js';
import { ModelError } from '../lp/linear-expression.js';
import type { CancelFlag, FromWorker, ToWorker } from './worker-protocol.js';
import type { QueueHooks } from '../types.js';
import { acquireWorker, discardWorker, releaseWorker } from './worker-pool.js';

/**
 * Solver jobs running at once: one per core keeps each job's thread busy, and a burst of submissions
 * queues here instead of starting a thread (and its memory) per job. The queue is fair between tenants.
 */
export const SOLVER_THREADS = Math.max(1, availableParallelism());
const running = new Slots(SOLVER_THREADS);
/**
 * Model checks at submit have slots of their own: a refusal must not wait behind queued solves, and a
 * burst of large submissions still starts no more threads (nor copies of their models) than this at once.
 */
const checking = new Slots(SOLVER_THREADS);

/** The job was cancelled while it waited for a solver thread: it never ran. */
export class CancelledBeforeStart extends Error {
  constructor() {
    super('cancelled before a solver thread was free');
    this.name = 'CancelledBeforeStart';
  }
}

export interface WorkerJobHooks<Progress, Result> extends QueueHooks {
  signal: AbortSignal;
  cancel: CancelFlag;
  progressIntervalMs: number;
  /** Called with each progress message; a throw fails the job. */
  onProgress(progress: Progress, device: string): void;
  /**
   * The answer to give when the worker has not stopped one interval after a cancel (stuck in one
   * long native call); null fails the job instead.
   */
  onOverdue(device: string): Result | null;
}

/**
 * The least time a worker gets to answer a cancel before its job settles without it. A worker normally stops
 * at its next epoch boundary, well within a progress interval; on a loaded machine an epoch (and its local
 * search) can take longer than a short interval, and that is no reason to fail the job.
 */
const OVERDUE_GRACE_MS = 1000;

/** Runs one job on a worker thread once one of the `running` slots is free; see `runOnWorker`. */
export async function runWorkerJob<Progress, Result>(message: ToWorker, hooks: WorkerJobHooks<Progress, Result>): Promise<Result> {
  if (!running.available) hooks.onQueued?.();
  let release: () => void;
  try {
    release = await running.acquire(hooks.signal, hooks.owner);
  } catch {
    throw new CancelledBeforeStart();
  }
  try {
    hooks.onStarted?.();
    return await runOnWorker(message, hooks);
  } finally {
    release();
  }
}

/**
 * Runs a check that ends on its own (no progress, no cancel) on a pooled worker thread, beside the
 * solver jobs rather than in their queue; a ModelError thrown there is thrown here.
 */
export async function runWorkerCheck<Result>(message: ToWorker): Promise<Result> {
  const signal = new AbortController().signal;
  const release = await checking.acquire(signal);
  try {
    return await runOnWorker<never, Result>(message, {
      signal,
      cancel: new Int32Array(new SharedArrayBuffer(4)),
      progressIntervalMs: 0,
      onProgress: () => {},
      onOverdue: () => null,
    });
  } finally {
    release();
  }
}

/**
 * Runs one job on a pooled worker thread and settles with its result. A cancel sets the shared flag
 * the worker polls; if the worker has not answered one interval later (inside one long native call),
 * the job settles with the fallback anyway and the worker rejoins the pool when it finishes. Workers
 * are never terminated mid-job: Dawn aborts the whole process when its thread is torn down under it.
 */
function runOnWorker<Progress, Result>(message: ToWorker, hooks: WorkerJobHooks<Progress, Result>): Promise<Result> {
  return new Promise<Result>((resolve, reject) => {
    const worker = acquireWorker(message.type === 'anneal' && message.job.device === 'gpu');
    let device = 'unknown';
    let settled = false;
    let overdue: NodeJS.Timeout | undefined;

    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(overdue);
      hooks.signal.removeEventListener('abort', onAbort);
      outcome();
    };

    const onAbort = (): void => {
      Atomics.store(hooks.cancel, 0, 1);
      overdue = setTimeout(() => {
        const fallback = hooks.onOverdue(device);
        if (fallback !== null) settle(() => resolve(fallback));
        else settle(() => reject(new Error('solver did not stop after cancel')));
      }, Math.max(hooks.progressIntervalMs, OVERDUE_GRACE_MS));
    };

    worker.on('message', (msg: FromWorker<Progress, Result>) => {
      switch (msg.type) {
        case 'started':
          device = msg.device;
          break;
        case 'progress':
          if (settled || hooks.signal.aborted) break;
          try {
            hooks.onProgress(msg.progress, device);
          } catch (error) {
            Atomics.store(hooks.cancel, 0, 1);
            settle(() => reject(error));
          }
          break;
        case 'done':
          releaseWorker(worker);
          settle(() => resolve(msg.result));
          break;
        case 'model_error':
          releaseWorker(worker);
          settle(() => reject(ModelError.rebuilt(msg.error)));
          break;
        case 'error': {
          discardWorker(worker);
          const error = new Error(`solver failed: ${msg.message}`);
          settle(() => reject(error));
          break;
        }
      }
    });
    worker.on('error', (error) => {
      discardWorker(worker);
      settle(() => reject(error));
    });
    worker.on('exit', (code) => settle(() => reject(new Error(`solver worker exited with code ${code}`))));

    if (hooks.signal.aborted) onAbort();
    else hooks.signal.addEventListener('abort', onAbort, { once: true });
    worker.postMessage(message);
  });
}
