import { invalid } from '../core/errors.js';
import type { SolverProblem } from './types.js';

/** Rejects malformed problems with a message that names the offending entry. */
export function validateProblem(problem: SolverProblem): void {
  switch (problem.kind) {
    case 'tsp': {
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
