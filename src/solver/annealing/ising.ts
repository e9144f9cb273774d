import type { IsingProblem, QuboProblem } from '../../core/problem.js';

/**
 * Ising problems run as the equivalent QUBO, so every annealer, kernel and check of the binary models
 * serves spins too. With sᵢ = 2xᵢ − 1:
 *   Σ hᵢsᵢ + Σ Jᵢⱼsᵢsⱼ = Σ (2hᵢ − 2Σⱼ Jᵢⱼ)xᵢ + Σ 4Jᵢⱼxᵢxⱼ + (Σ Jᵢⱼ − Σ hᵢ),
 * the sum over j taking every coupling that touches i, and the constant is `offset`.
 */
export function isingAsQubo(problem: IsingProblem): { qubo: QuboProblem; offset: number } {
  const linear = problem.h.map((h) => 2 * h);
  let offset = -problem.h.reduce((sum, h) => sum + h, 0);
  const terms: [number, number, number][] = [];
  for (const [i, j, coupling] of problem.couplings) {
    linear[i]! -= 2 * coupling;
    linear[j]! -= 2 * coupling;
    offset += coupling;
    terms.push([i, j, 4 * coupling]);
  }
  linear.forEach((q, i) => {
    if (q !== 0) terms.push([i, i, q]);
  });
  return { qubo: { kind: 'qubo', n: problem.n, terms }, offset };
}

export function spinsOf(bits: readonly number[]): number[] {
  return bits.map((bit) => 2 * bit - 1);
}
