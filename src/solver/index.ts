import { invalid } from '../core/errors.js';
import type { IsingProblem } from '../core/problem.js';
import type { EngineResult } from './annealing/engine.js';
import { isingAsQubo, spinsOf } from './annealing/ising.js';
import { freshSeed } from './annealing/random.js';
import { checkClaimedEnergy } from './annealing/score.js';
import type { AnnealingProblem, SolveOutcome, SolveProgress, SolveRequest } from './types.js';
import { validateProblem } from '../core/problem-checks.js';
import { runWorkerJob } from './workers/worker-job.js';
import type { AnnealJob } from './workers/worker-protocol.js';

export type { AnnealingProblem, SolveOutcome, SolveProgress, SolveRequest, SolverProblem, StopReason } from './types.js';
export { checkLinearModel, type LinearOptions, type LinearOutcome, type LinearProgress, solveLinear } from './lp/linear-solve.js';
export { ModelError } from './lp/linear-expression.js';
export { CancelledBeforeStart, SOLVER_THREADS } from './workers/worker-job.js';
export type { QueueHooks } from './types.js';

const DEFAULT_TIME_LIMIT_S = 10;

/**
 * Runs a TSP, QUBO, Ising or Max-Cut annealer in a worker thread and resolves with its best solution,
 * re-scored on this thread. Determinism: with the same problem, seed, replica count and device, every
 * epoch of the run is identical, so runs stopped by `sweepLimit` or `targetEnergy` give the same
 * result; runs stopped by the clock or a cancel stop at a machine-dependent point of that same trajectory.
 */
export async function solveAnnealing(req: SolveRequest): Promise<SolveOutcome> {
  validateProblem(req.problem);
  const { problem } = req;
  return problem.kind === 'ising' ? solveIsing(req, problem) : solveOnEngine({ ...req, problem });
}

/** Solves the equivalent QUBO and hands back spins and Ising energies, each re-scored from the spins. */
async function solveIsing(req: SolveRequest, problem: IsingProblem): Promise<SolveOutcome> {
  const { qubo, offset } = isingAsQubo(problem);
  const asSpins = (bits: number[], quboEnergy: number): { spins: number[]; energy: number } => {
    const spins = spinsOf(bits);
    return { spins, energy: checkClaimedEnergy(problem, spins, quboEnergy + offset) };
  };
  const { targetEnergy } = req.params;
  const outcome = await solveOnEngine({
    ...req,
    problem: qubo,
    params: { ...req.params, targetEnergy: targetEnergy === undefined ? undefined : targetEnergy - offset },
    onProgress: (progress) => {
      const best = asSpins(progress.bestSolution, progress.bestEnergy);
      req.onProgress({ ...progress, energy: progress.energy + offset, bestEnergy: best.energy, bestSolution: best.spins });
    },
  });
  const best = asSpins(outcome.solution, outcome.objective);
  return { ...outcome, objective: best.energy, solution: best.spins };
}

async function solveOnEngine(req: SolveRequest & { problem: AnnealingProblem }): Promise<SolveOutcome> {
  const { params } = req;
  const timeLimitS = params.timeLimitS ?? DEFAULT_TIME_LIMIT_S;
  if (!(timeLimitS > 0)) throw invalid(`timeLimitS must be positive, got ${timeLimitS}`);
  if (params.replicas !== undefined && !(Number.isInteger(params.replicas) && params.replicas >= 1)) {
    throw invalid(`replicas must be a positive integer, got ${params.replicas}`);
  }
  const job: AnnealJob = {
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
  let last: SolveProgress | null = null;
  const result = await runWorkerJob<SolveProgress, EngineResult>(
    { type: 'anneal', job },
    {
      signal: req.signal,
      cancel: job.cancel,
      progressIntervalMs: req.progressIntervalMs,
      ...req.queue,
      onProgress: (progress, device) => {
        const bestEnergy = checkClaimedEnergy(req.problem, progress.bestSolution, progress.bestEnergy, device);
        last = { ...progress, bestEnergy };
        req.onProgress(last);
      },
      onOverdue: (device) =>
        last === null
          ? null
          : {
              solution: last.bestSolution,
              energy: last.bestEnergy,
              iterations: last.iteration,
              attempts: 0,
              localSearchSteps: 0,
              stopReason: 'cancelled',
              gpuSeconds: 0,
              device,
            },
    },
  );
  const objective = checkClaimedEnergy(req.problem, result.solution, result.energy, result.device);
  return {
    objective,
    solution: result.solution,
    runtimeS: (performance.now() - started) / 1000,
    gpuSeconds: result.gpuSeconds,
    device: result.device,
    iterations: result.iterations,
    moveAttempts: result.attempts,
    localSearchSteps: result.localSearchSteps,
    stopReason: result.stopReason,
  };
}
