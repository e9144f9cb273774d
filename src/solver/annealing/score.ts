import { tspDistance, tspSize, type IsingProblem, type MaxCutProblem, type QuboProblem, type TspProblem } from '../../core/problem.js';
import type { SolverProblem } from '../types.js';

/** Thrown when a solution is malformed or its energy disagrees with what the solver claimed. */
export class SolutionCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SolutionCheckError';
  }
}

export function problemSize(problem: SolverProblem): number {
  return problem.kind === 'tsp' ? tspSize(problem) : problem.n;
}

export function tourLength(problem: TspProblem, tour: readonly number[]): number {
  const distance = tspDistance(problem);
  let total = 0;
  for (let k = 0; k < tour.length; k++) {
    total += distance(tour[k]!, tour[(k + 1) % tour.length]!);
  }
  return tour.length < 2 ? 0 : total;
}

export function quboEnergy(problem: QuboProblem, x: readonly number[]): number {
  let total = 0;
  for (const [i, j, q] of problem.terms) {
    if (x[i] === 1 && x[j] === 1) total += q;
  }
  return total;
}

export function isingEnergy(problem: IsingProblem, spins: readonly number[]): number {
  let total = 0;
  problem.h.forEach((h, i) => (total += h * spins[i]!));
  for (const [i, j, coupling] of problem.couplings) total += coupling * spins[i]! * spins[j]!;
  return total;
}

/** Minus the cut weight, so that every annealing objective is minimised. */
export function cutEnergy(problem: MaxCutProblem, side: readonly number[]): number {
  let cut = 0;
  for (const [i, j, w] of problem.edges) {
    if (side[i] !== side[j]) cut += w;
  }
  return -cut;
}

/** Scores a solution on the CPU after checking its shape; throws SolutionCheckError when it is malformed. */
export function scoreSolution(problem: SolverProblem, solution: readonly number[]): number {
  const n = problemSize(problem);
  if (solution.length !== n) {
    throw new SolutionCheckError(`solution has ${solution.length} entries, the problem has ${n}`);
  }
  if (problem.kind === 'tsp') {
    const seen = new Uint8Array(n);
    for (const city of solution) {
      if (!Number.isInteger(city) || city < 0 || city >= n || seen[city] === 1) {
        throw new SolutionCheckError(`tour is not a permutation of 0..${n - 1} (at city ${city})`);
      }
      seen[city] = 1;
    }
    return tourLength(problem, solution);
  }
  if (problem.kind === 'ising') {
    for (const spin of solution) {
      if (spin !== -1 && spin !== 1) throw new SolutionCheckError(`solution entry ${spin} is not -1 or +1`);
    }
    return isingEnergy(problem, solution);
  }
  for (const bit of solution) {
    if (bit !== 0 && bit !== 1) throw new SolutionCheckError(`solution entry ${bit} is not 0 or 1`);
  }
  return problem.kind === 'qubo' ? quboEnergy(problem, solution) : cutEnergy(problem, solution);
}

/**
 * Energies are sums of many terms kept incrementally, in f64 on the CPU and f32 on the GPU, so allow
 * that much rounding and nothing more.
 */
export function energiesAgree(a: number, b: number, relative = 1e-6): boolean {
  return Math.abs(a - b) <= relative * Math.max(1, Math.abs(a), Math.abs(b));
}

export const F32_TOLERANCE = 1e-4;

export function checkClaimedEnergy(
  problem: SolverProblem,
  solution: readonly number[],
  claimed: number,
  device = 'cpu',
): number {
  const scored = scoreSolution(problem, solution);
  if (!energiesAgree(scored, claimed, device === 'cpu' ? undefined : F32_TOLERANCE)) {
    throw new SolutionCheckError(
      `${problem.kind} solver on ${device} claimed energy ${claimed} but the CPU re-scores its solution at ${scored}`,
    );
  }
  return scored;
}
