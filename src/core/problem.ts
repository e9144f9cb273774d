/** Problems as the bridge understands them, whichever dialect submitted them. */
export type ProblemKind = 'tsp' | 'qubo' | 'ising' | 'maxcut' | 'lp' | 'campaign' | 'prompt';

/**
 * A TSP given as a distance matrix or as points in the plane (at least one of them). Points are kept as
 * they are: their n×n Euclidean matrix would make a 2 000-city job's record 70 MB instead of 80 KB.
 */
export interface TspProblem {
  kind: 'tsp';
  /** Row-major n×n matrix; symmetric or not, diagonal ignored. */
  distances?: number[][];
  coordinates?: [number, number][];
}

/** The whole matrix, for a vendor that takes only one (Nerox's SDK sends `distance_matrix`). */
export function tspMatrix(problem: TspProblem): number[][] {
  if (problem.distances) return problem.distances;
  const distance = tspDistance(problem);
  const n = tspSize(problem);
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0 : distance(i, j))));
}

export function tspSize(problem: TspProblem): number {
  return problem.distances?.length ?? problem.coordinates?.length ?? 0;
}

/** The distance from city i to city j: the matrix's entry, else the Euclidean distance between the points. */
export function tspDistance(problem: TspProblem): (i: number, j: number) => number {
  const { distances, coordinates } = problem;
  if (distances) return (i, j) => distances[i]![j]!;
  const points = coordinates ?? [];
  return (i, j) => Math.hypot(points[i]![0] - points[j]![0], points[i]![1] - points[j]![1]);
}

export interface QuboProblem {
  kind: 'qubo';
  n: number;
  /** Upper-triangular entries (i <= j) of Q; minimise xᵀQx over x ∈ {0,1}ⁿ. */
  terms: [number, number, number][];
}

export interface IsingProblem {
  kind: 'ising';
  n: number;
  /** The field on each spin, n entries. */
  h: number[];
  /** Couplings (i, j, Jᵢⱼ) with i < j; minimise Σ hᵢsᵢ + Σ Jᵢⱼsᵢsⱼ over s ∈ {-1, +1}ⁿ. */
  couplings: [number, number, number][];
}

export interface MaxCutProblem {
  kind: 'maxcut';
  n: number;
  /** Undirected weighted edges (i, j, w) with 0-based vertices. */
  edges: [number, number, number][];
}

export interface LinearProblem {
  kind: 'lp';
  /** The JAOT problem exactly as submitted; the LP/MIP provider parses it. */
  model: Record<string, unknown>;
}

export interface CampaignProblem {
  kind: 'campaign';
  spec: Record<string, unknown>;
}

export interface PromptProblem {
  kind: 'prompt';
  spec: Record<string, unknown>;
}

export type Problem = TspProblem | QuboProblem | IsingProblem | MaxCutProblem | LinearProblem | CampaignProblem | PromptProblem;
