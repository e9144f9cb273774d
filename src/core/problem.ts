/** Problems as the bridge understands them, whichever dialect submitted them. */
export type ProblemKind = 'tsp' | 'qubo' | 'ising' | 'maxcut' | 'lp' | 'campaign' | 'prompt';

export interface TspProblem {
  kind: 'tsp';
  /** Row-major n×n matrix; symmetric or not, diagonal ignored. */
  distances: number[][];
  coordinates?: [number, number][];
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
