/** Options every `/v1/optimize/*` problem takes, named as in the Nerox SDK (camelCase here, snake_case on the wire). */
export interface SolveOptions {
  timeLimitS?: number;
  targetEnergy?: number;
  seed?: number;
  replicas?: number;
  solver?: 'gpu' | 'cpu' | 'auto';
  /** Which provider runs it (default: the bridge's routing). */
  provider?: string;
}

export type TspInput = SolveOptions & ({ distanceMatrix: number[][] } | { coordinates: [number, number][] });

/** Dense `Q` (xᵀQx) or sparse `terms` [[i, j, q]] with `n`. */
export type QuboInput = SolveOptions & ({ Q: number[][] } | { terms: [number, number, number][]; n?: number });

/** Edges [[i, j, w]] or G-set text (first line `n m`, then `i j w` lines, 1-based). */
export type MaxCutInput = SolveOptions & ({ edges: [number, number, number][]; n?: number } | { gset: string });

/** Fields `h` and couplings `J` [[i, j, Jᵢⱼ]]: minimise Σhᵢsᵢ + ΣJᵢⱼsᵢsⱼ over sᵢ = ±1. */
export type IsingInput = SolveOptions & { h?: number[]; J?: [number, number, number][]; n?: number };

const OPTION_NAMES: Record<keyof SolveOptions, string> = {
  timeLimitS: 'time_limit_s',
  targetEnergy: 'target_energy',
  seed: 'seed',
  replicas: 'replicas',
  solver: 'solver',
  provider: 'provider',
};

const FIELD_NAMES: Record<string, string> = { distanceMatrix: 'distance_matrix' };

/** The request body the Nerox routes read. */
export function neroxBody(input: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    body[OPTION_NAMES[name as keyof SolveOptions] ?? FIELD_NAMES[name] ?? name] = value;
  }
  return body;
}
