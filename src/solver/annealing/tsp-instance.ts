import { tspDistance, tspSize, type TspProblem } from '../../core/problem.js';

/** A TSP in the flat form the annealers use: row-major distances, plus the facts that pick the move code. */
export interface TspInstance {
  n: number;
  dist: Float64Array;
  symmetric: boolean;
  /** `k` nearest cities of each city, row-major n×k, nearest first. */
  neighbors: Int32Array;
  k: number;
  /** Mean distance from a city to its nearest neighbour: the unit the temperatures are measured in. */
  scale: number;
}

const NEIGHBORS = 10;

export function tspInstance(problem: TspProblem): TspInstance {
  const n = tspSize(problem);
  const distance = tspDistance(problem);
  const dist = new Float64Array(n * n);
  let symmetric = true;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) dist[i * n + j] = i === j ? 0 : distance(i, j);
  }
  for (let i = 0; i < n && symmetric; i++) {
    for (let j = i + 1; j < n; j++) {
      if (dist[i * n + j] !== dist[j * n + i]) {
        symmetric = false;
        break;
      }
    }
  }
  const k = Math.min(NEIGHBORS, Math.max(n - 1, 0));
  const neighbors = new Int32Array(n * k);
  const order: number[] = [];
  let nearestSum = 0;
  for (let i = 0; i < n; i++) {
    order.length = 0;
    for (let j = 0; j < n; j++) if (j !== i) order.push(j);
    const near = (j: number): number => Math.min(dist[i * n + j]!, dist[j * n + i]!);
    order.sort((a, b) => near(a) - near(b) || a - b);
    for (let m = 0; m < k; m++) neighbors[i * k + m] = order[m]!;
    if (k > 0) nearestSum += near(order[0]!);
  }
  const mean = n > 0 ? nearestSum / n : 0;
  return { n, dist, symmetric, neighbors, k, scale: mean > 0 ? mean : meanPositive(dist) };
}

/** Instances where many cities coincide have nearest distance 0; fall back to the mean edge. */
function meanPositive(dist: Float64Array): number {
  let sum = 0;
  let count = 0;
  for (const d of dist) {
    if (d > 0) {
      sum += d;
      count++;
    }
  }
  return count > 0 ? sum / count : 1;
}

export function tourCost(inst: TspInstance, tour: ArrayLike<number>): number {
  const { n, dist } = inst;
  let total = 0;
  for (let p = 0; p < n; p++) total += dist[tour[p]! * n + tour[(p + 1) % n]!]!;
  return n < 2 ? 0 : total;
}

/** The best tour by enumeration, for the sizes (n ≤ 4) where 2-opt and or-opt have nothing to move. */
export function enumerateTours(inst: TspInstance): { tour: number[]; cost: number } {
  const rest = Array.from({ length: Math.max(inst.n - 1, 0) }, (_, i) => i + 1);
  let best = { tour: inst.n > 0 ? [0, ...rest] : [], cost: 0 };
  best.cost = tourCost(inst, best.tour);
  for (const perm of permutations(rest)) {
    const tour = [0, ...perm];
    const cost = tourCost(inst, tour);
    if (cost < best.cost) best = { tour, cost };
  }
  return best;
}

function* permutations(items: number[]): Generator<number[]> {
  if (items.length <= 1) {
    yield items.slice();
    return;
  }
  for (let i = 0; i < items.length; i++) {
    const rest = items.filter((_, j) => j !== i);
    for (const tail of permutations(rest)) yield [items[i]!, ...tail];
  }
}
