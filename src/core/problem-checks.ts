import { invalid } from './errors.js';
import type { IsingProblem, MaxCutProblem, QuboProblem, TspProblem } from './problem.js';

/** The problems the built-in annealers take, checked before any provider sees them. */
type SolverProblem = TspProblem | QuboProblem | MaxCutProblem | IsingProblem;

/**
 * Energies are kept in 32-bit floats on the GPU (about 3.4e38 at most) and summed incrementally: an
 * instance whose weights add up past this overflows there, so it is refused up front.
 */
export const MAX_TOTAL_WEIGHT = 1e30;

/** Rejects malformed problems with a message that names the offending entry. */
export function validateProblem(problem: SolverProblem): void {
  checkEntries(problem);
  const total = totalWeight(problem);
  if (!(total <= MAX_TOTAL_WEIGHT)) {
    throw invalid(`${problem.kind}: the weights' magnitudes add up to ${total.toPrecision(3)}; the solver works in 32-bit floats, so keep the total under ${MAX_TOTAL_WEIGHT}`);
  }
}

function totalWeight(problem: SolverProblem): number {
  const sumAbs = (values: number[]): number => values.reduce((sum, v) => sum + Math.abs(v), 0);
  switch (problem.kind) {
    case 'tsp': {
      if (problem.distances) return problem.distances.reduce((sum, row) => sum + row.reduce((longest, d) => Math.max(longest, Math.abs(d)), 0), 0);
      // A tour is at most n times the diagonal of the points' bounding box.
      const points = problem.coordinates ?? [];
      const span = (axis: 0 | 1): number => points.reduce((most, p) => Math.max(most, p[axis]), -Infinity) - points.reduce((least, p) => Math.min(least, p[axis]), Infinity);
      return points.length < 2 ? 0 : points.length * Math.hypot(span(0), span(1));
    }
    case 'qubo':
      return sumAbs(problem.terms.map((t) => t[2]));
    case 'ising':
      return sumAbs(problem.h) + sumAbs(problem.couplings.map((c) => c[2]));
    case 'maxcut':
      return sumAbs(problem.edges.map((e) => e[2]));
  }
}

function checkEntries(problem: SolverProblem): void {
  switch (problem.kind) {
    case 'tsp': {
      if (!problem.distances) {
        const points = problem.coordinates ?? [];
        if (points.length === 0) throw invalid('tsp: one of distances or coordinates is required');
        points.forEach((point, i) => {
          if (!Array.isArray(point) || point.length !== 2 || !point.every(Number.isFinite)) throw invalid(`tsp: coordinates[${i}] must be two finite numbers`);
        });
        return;
      }
      const n = problem.distances.length;
      if (n === 0) throw invalid('tsp: distances is empty');
      problem.distances.forEach((row, i) => {
        if (!Array.isArray(row) || row.length !== n) throw invalid(`tsp: distances[${i}] must have ${n} entries`);
        row.forEach((d, j) => {
          if (!Number.isFinite(d)) throw invalid(`tsp: distances[${i}][${j}] is not a finite number`);
        });
      });
      return;
    }
    case 'qubo':
      checkSize(problem.kind, problem.n);
      problem.terms.forEach(([i, j, q], t) => {
        checkIndex(`qubo: terms[${t}]`, i, problem.n);
        checkIndex(`qubo: terms[${t}]`, j, problem.n);
        if (i > j) throw invalid(`qubo: terms[${t}] has i > j; give the upper triangle (i <= j)`);
        if (!Number.isFinite(q)) throw invalid(`qubo: terms[${t}] has a non-finite coefficient`);
      });
      return;
    case 'ising':
      checkSize(problem.kind, problem.n);
      if (problem.h.length !== problem.n) throw invalid(`ising: h has ${problem.h.length} entries, expected n = ${problem.n}`);
      problem.h.forEach((h, i) => {
        if (!Number.isFinite(h)) throw invalid(`ising: h[${i}] is not a finite number`);
      });
      problem.couplings.forEach(([i, j, coupling], t) => {
        checkIndex(`ising: J[${t}]`, i, problem.n);
        checkIndex(`ising: J[${t}]`, j, problem.n);
        if (i >= j) throw invalid(`ising: J[${t}] must couple two different spins with i < j`);
        if (!Number.isFinite(coupling)) throw invalid(`ising: J[${t}] has a non-finite coupling`);
      });
      return;
    case 'maxcut':
      checkSize(problem.kind, problem.n);
      problem.edges.forEach(([i, j, w], e) => {
        checkIndex(`maxcut: edges[${e}]`, i, problem.n);
        checkIndex(`maxcut: edges[${e}]`, j, problem.n);
        if (i === j) throw invalid(`maxcut: edges[${e}] is a self-loop`);
        if (!Number.isFinite(w)) throw invalid(`maxcut: edges[${e}] has a non-finite weight`);
      });
      return;
  }
}

function checkSize(kind: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw invalid(`${kind}: n must be a positive integer, got ${n}`);
}

function checkIndex(where: string, index: number, n: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= n) {
    throw invalid(`${where}: vertex ${index} is outside 0..${n - 1}`);
  }
}
