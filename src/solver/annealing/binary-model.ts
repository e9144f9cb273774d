import type { MaxCutProblem, QuboProblem } from '../../core/problem.js';

/**
 * QUBO and Max-Cut in one form over x ∈ {0,1}ⁿ: E(x) = Σᵢ hᵢxᵢ + Σ_{i<j} Jᵢⱼxᵢxⱼ, the couplings stored as
 * a symmetric CSR adjacency so a flip updates its neighbours' local fields fᵢ = hᵢ + Σⱼ Jᵢⱼxⱼ.
 * Max-Cut: -cut = Σ_{ij} w(2xᵢxⱼ - xᵢ - xⱼ), so hᵢ = -Σⱼ wᵢⱼ and Jᵢⱼ = 2wᵢⱼ.
 */
export interface BinaryModel {
  n: number;
  h: Float64Array;
  rowStart: Int32Array;
  cols: Int32Array;
  weights: Float64Array;
  /** Typical size of a flip's energy change: the unit the temperature ladder is measured in. */
  scale: number;
}

export function binaryModel(problem: QuboProblem | MaxCutProblem): BinaryModel {
  const { n } = problem;
  const h = new Float64Array(n);
  const pairs: [number, number, number][] = [];
  if (problem.kind === 'qubo') {
    for (const [i, j, q] of problem.terms) {
      if (i === j) h[i]! += q;
      else pairs.push([i, j, q]);
    }
  } else {
    for (const [i, j, w] of problem.edges) {
      h[i]! -= w;
      h[j]! -= w;
      pairs.push([i, j, 2 * w]);
    }
  }
  const merged = new Map<number, number>();
  for (const [i, j, w] of pairs) {
    const key = Math.min(i, j) * n + Math.max(i, j);
    merged.set(key, (merged.get(key) ?? 0) + w);
  }
  const degree = new Int32Array(n);
  for (const [key, w] of merged) {
    if (w === 0) continue;
    degree[Math.floor(key / n)]!++;
    degree[key % n]!++;
  }
  const rowStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) rowStart[i + 1] = rowStart[i]! + degree[i]!;
  const fill = rowStart.slice(0, n);
  const cols = new Int32Array(rowStart[n]!);
  const weights = new Float64Array(rowStart[n]!);
  const sortedKeys = [...merged.keys()].sort((a, b) => a - b);
  for (const key of sortedKeys) {
    const w = merged.get(key)!;
    if (w === 0) continue;
    const i = Math.floor(key / n);
    const j = key % n;
    cols[fill[i]!] = j;
    weights[fill[i]!++] = w;
    cols[fill[j]!] = i;
    weights[fill[j]!++] = w;
  }
  return { n, h, rowStart, cols, weights, scale: flipScale(n, h, rowStart, weights) };
}

/** Mean standard deviation of a local field under uniformly random x (|hᵢ| for an uncoupled variable). */
function flipScale(n: number, h: Float64Array, rowStart: Int32Array, weights: Float64Array): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let e = rowStart[i]!; e < rowStart[i + 1]!; e++) sq += weights[e]! * weights[e]!;
    total += sq > 0 ? Math.sqrt(sq) / 2 : Math.abs(h[i]!);
  }
  return n > 0 && total > 0 ? total / n : 1;
}

/** Whether every energy change is a whole number: all fields and couplings are integers. */
export function isIntegral(model: BinaryModel): boolean {
  return model.h.every(Number.isInteger) && model.weights.every(Number.isInteger);
}

export function modelEnergy(model: BinaryModel, x: ArrayLike<number>): number {
  let energy = 0;
  for (let i = 0; i < model.n; i++) {
    if (x[i] !== 1) continue;
    energy += model.h[i]!;
    for (let e = model.rowStart[i]!; e < model.rowStart[i + 1]!; e++) {
      const j = model.cols[e]!;
      if (j > i && x[j] === 1) energy += model.weights[e]!;
    }
  }
  return energy;
}

export function localFields(model: BinaryModel, x: ArrayLike<number>, out: Float64Array): void {
  for (let i = 0; i < model.n; i++) {
    let f = model.h[i]!;
    for (let e = model.rowStart[i]!; e < model.rowStart[i + 1]!; e++) {
      if (x[model.cols[e]!] === 1) f += model.weights[e]!;
    }
    out[i] = f;
  }
}
