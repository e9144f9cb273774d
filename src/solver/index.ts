import type { Worker } from 'node:worker_threads';
import { invalid } from '../core/errors.js';
import type { EngineResult } from './engine.js';
import { freshSeed } from './random.js';
import { checkClaimedEnergy } from './score.js';
import type { SolveOutcome, SolveRequest } from './types.js';
import { validateProblem } from './validate.js';
import { acquireWorker, discardWorker, releaseWorker } from './worker-pool.js';
import type { FromWorker, WorkerJob } from './worker-protocol.js';

export type { SolveOutcome, SolveProgress, SolveRequest } from './types.js';

const DEFAULT_TIME_LIMIT_S = 10;

/**
 * Runs a TSP, QUBO or Max-Cut annealer in a worker thread and resolves with its best solution,
 * re-scored on this thread. Determinism: with the same problem, seed, replica count and device, every
 * epoch of the run is identical, so runs stopped by `sweepLimit` or `targetEnergy` give the same
 * result; runs stopped by the clock or a cancel stop at a machine-dependent point of that same trajectory.
 */
export async function solveAnnealing(req: SolveRequest): Promise<SolveOutcome> {
  validateProblem(req.problem);
  const { params } = req;
  const timeLimitS = params.timeLimitS ?? DEFAULT_TIME_LIMIT_S;
  if (!(timeLimitS > 0)) throw invalid(`timeLimitS must be positive, got ${timeLimitS}`);
  if (params.replicas !== undefined && !(Number.isInteger(params.replicas) && params.replicas >= 1)) {
    throw invalid(`replicas must be a positive integer, got ${params.replicas}`);
  }
  const job: WorkerJob = {
    problem: req.problem,
    seed: params.seed ?? freshSeed(),
    replicas: params.replicas,
    device: params.device === 'cpu' ? 'cpu' : 'gpu',
    limits: {
      timeLimitS,
      targetEnergy: params.targetEnergy,
      sweepLimit: req.sweepLimit,
      progressIntervalMs: req.progressIntervalMs,
    },
    cancel: new Int32Array(new SharedArrayBuffer(4)),
  };
  const started = performance.now();
  const result = await runInWorker(job, req);
  const objective = checkClaimedEnergy(req.problem, result.solution, result.energy);
  return {
    objective,
    solution: result.solution,
    runtimeS: (performance.now() - started) / 1000,
    gpuSeconds: result.gpuSeconds,
    device: result.device,
    iterations: result.iterations,
    stopReason: result.stopReason,
  };
}

function runInWorker(job: WorkerJob, req: SolveRequest): Promise<EngineResult> {
  return new Promise<EngineResult>((resolve, reject) => {
    const worker = acquireWorker();
    let device = job.device === 'cpu' ? 'cpu' : 'unknown';
    let last: EngineResult | null = null;
    let settled = false;
    let overdue: NodeJS.Timeout | undefined;

    const finish = (outcome: () => void, keepWorker: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(overdue);
      req.signal.removeEventListener('abort', onAbort);
      if (keepWorker) releaseWorker(worker);
      else discardWorker(worker);
      outcome();
    };

    // A worker stuck inside one long GPU submission still has to honour the cancel: after one more
    // interval it is dropped and the last reported best becomes the answer.
    const onAbort = (): void => {
      Atomics.store(job.cancel, 0, 1);
      overdue = setTimeout(() => {
        if (last !== null) {
          const result: EngineResult = { ...last, stopReason: 'cancelled' };
          finish(() => resolve(result), false);
        } else {
          finish(() => reject(new Error('solver did not stop after cancel')), false);
        }
      }, Math.max(req.progressIntervalMs, 50));
    };

    worker.on('message', (message: FromWorker) => {
      if (settled) return;
      switch (message.type) {
        case 'started':
          device = message.device;
          break;
        case 'progress': {
          const { progress } = message;
          let bestEnergy: number;
          try {
            bestEnergy = checkClaimedEnergy(req.problem, progress.bestSolution, progress.bestEnergy);
          } catch (error) {
            finish(() => reject(error), false);
            return;
          }
          last = {
            solution: progress.bestSolution,
            energy: bestEnergy,
            iterations: progress.iteration,
            stopReason: 'cancelled',
            gpuSeconds: 0,
            device,
          };
          if (!req.signal.aborted) req.onProgress({ ...progress, bestEnergy });
          break;
        }
        case 'done':
          finish(() => resolve(message.result), true);
          break;
        case 'error': {
          const error = new Error(`solver failed: ${message.message}`);
          finish(() => reject(error), false);
          break;
        }
      }
    });
    worker.on('error', (error) => finish(() => reject(error), false));
    worker.on('exit', (code) => finish(() => reject(new Error(`solver worker exited with code ${code}`)), false));

    if (req.signal.aborted) onAbort();
    else req.signal.addEventListener('abort', onAbort, { once: true });
    worker.postMessage({ type: 'solve', job });
  });
}
