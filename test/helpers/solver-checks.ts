import assert from 'node:assert/strict';
import { solveAnnealing } from '../../src/solver/index.js';
import type { AnnealingProblem, SolveOutcome, SolveProgress, SolveRequest, SolverProblem } from '../../src/solver/types.js';

export const DEVICES = ['cpu', 'gpu'] as const;
type Device = (typeof DEVICES)[number];
const allowNoGpu = process.env.OPTBRIDGE_ALLOW_NO_GPU === '1';

/** A request with a generous time limit, no cancellation and progress ignored, unless `overrides` say otherwise. */
export function annealRequest(problem: SolverProblem, device: string, seed: number, overrides: Partial<SolveRequest> = {}): SolveRequest {
  return {
    problem,
    params: { seed, device, timeLimitS: 60 },
    progressIntervalMs: 100,
    signal: new AbortController().signal,
    onProgress: () => {},
    ...overrides,
  };
}

export function assertDevice(outcome: SolveOutcome, device: Device): void {
  if (device === 'cpu') assert.equal(outcome.device, 'cpu');
  else if (!allowNoGpu) assert.match(outcome.device, /^webgpu:/, 'no WebGPU adapter (set OPTBRIDGE_ALLOW_NO_GPU=1 to accept the CPU)');
}

/** Solves with `optimum` as the target, and checks that it is reached and that the solution scores it. */
export async function assertReachesOptimum<P extends AnnealingProblem>(
  problem: P,
  device: Device,
  seed: number,
  optimum: number,
  score: (problem: P, solution: number[]) => number,
): Promise<void> {
  const outcome = await solveAnnealing(annealRequest(problem, device, seed, { params: { seed, device, targetEnergy: optimum, timeLimitS: 60 } }));
  assertDevice(outcome, device);
  assert.equal(outcome.stopReason, 'target_reached');
  assert.equal(outcome.objective, optimum);
  assert.equal(score(problem, outcome.solution), optimum);
}

/** Solves `request` twice and checks that a seeded run under a sweep budget repeats itself; returns both outcomes. */
export async function assertRepeats(request: SolveRequest, device: Device): Promise<[SolveOutcome, SolveOutcome]> {
  const a = await solveAnnealing(request);
  const b = await solveAnnealing(request);
  assertDevice(a, device);
  assert.equal(a.stopReason, 'converged');
  assert.deepEqual(a.solution, b.solution);
  assert.equal(a.iterations, b.iterations);
  return [a, b];
}

/**
 * A progress handler that logs 'progress' to `events`, after `inspect`, and aborts `controller` once
 * `count` have arrived, logging 'abort': a test then checks that no progress follows the abort.
 */
export function abortAfterProgress<P>(controller: AbortController, events: string[], count: number, inspect: (p: P) => void = () => {}): (p: P) => void {
  return (p) => {
    inspect(p);
    events.push('progress');
    if (events.length === count) {
      events.push('abort');
      controller.abort();
    }
  };
}

/** Solves with seed 2, aborting after `count` progress events, and checks that the run stopped there, as cancelled. */
export async function solveAbortedAfter(
  problem: AnnealingProblem,
  device: Device,
  count: number,
  inspect?: (p: SolveProgress) => void,
): Promise<SolveOutcome> {
  const controller = new AbortController();
  const events: string[] = [];
  const outcome = await solveAnnealing(
    annealRequest(problem, device, 2, {
      signal: controller.signal,
      params: { seed: 2, device, timeLimitS: 300 },
      onProgress: abortAfterProgress(controller, events, count, inspect),
    }),
  );
  events.push('outcome');
  assert.deepEqual(events, [...Array<string>(count).fill('progress'), 'abort', 'outcome']);
  assert.equal(outcome.stopReason, 'cancelled');
  return outcome;
}
