import { invalid } from '../../src/core/errors.js';
import type { SolveParams } from '../../src/core/job.js';
import type { IsingProblem, MaxCutProblem, QuboProblem, TspProblem } from '../../src/core/problem.js';
import { isRecord, takeProvider } from '../../src/core/json.js';
import { FormatError, parseGset } from '../../src/core/problem-formats.js';
import { validateProblem } from '../../src/core/problem-checks.js';

/** Messages on `/v1/jobs/{id}/stream`, as nerox.txt documents them. */
export interface NeroxProgress {
  type: 'progress';
  iteration?: number;
  energy?: number;
  best_energy?: number;
  best_solution?: number[] | Record<string, number>;
  temperature?: number;
  timestamp: string;
  x_bridge: Record<string, unknown>;
}

export interface NeroxCompleted {
  type: 'completed';
  result: {
    objective?: number;
    solution?: number[] | Record<string, number>;
    runtime_s?: number;
    gpu_seconds?: number;
  };
  x_bridge: Record<string, unknown>;
}

export interface NeroxError {
  type: 'error';
  error: { code: string; message: string };
}

export interface NeroxRequest<P> {
  problem: P;
  params: SolveParams;
  provider: string | undefined;
}

const SOLVERS = new Set(['gpu', 'cpu', 'auto']);

function finite(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${name} must be a finite number`);
  return value;
}

function distanceMatrix(value: unknown, maxCities: number): number[][] {
  if (!Array.isArray(value) || value.length === 0) throw invalid('distance_matrix must be a non-empty array of rows');
  const n = value.length;
  if (n > maxCities) throw invalid(`distance_matrix has ${n} cities; the limit is ${maxCities}`);
  return value.map((row, i) => {
    if (!Array.isArray(row)) throw invalid(`distance_matrix[${i}] must be an array`);
    if (row.length !== n) throw invalid(`distance_matrix must be square: row ${i} has ${row.length} entries, expected ${n}`);
    return row.map((d, j) => {
      const x = finite(d, `distance_matrix[${i}][${j}]`);
      if (x < 0) throw invalid(`distance_matrix[${i}][${j}] must not be negative, got ${x}`);
      return x;
    });
  });
}

function coordinates(value: unknown, maxCities: number): [number, number][] {
  if (!Array.isArray(value) || value.length === 0) throw invalid('coordinates must be a non-empty array of [x, y] pairs');
  if (value.length > maxCities) throw invalid(`coordinates has ${value.length} cities; the limit is ${maxCities}`);
  return value.map((point, i) => {
    const pair = isRecord(point) ? [point.x, point.y] : point;
    if (!Array.isArray(pair) || pair.length !== 2) throw invalid(`coordinates[${i}] must be [x, y] or {x, y}`);
    return [finite(pair[0], `coordinates[${i}][0]`), finite(pair[1], `coordinates[${i}][1]`)];
  });
}


/** Shared solve options of every `/v1/optimize/*` body. */
export function parseSolveOptions(body: Record<string, unknown>, maxTimeLimitS: number): SolveParams {
  const params: SolveParams = {};
  if (body.solver !== undefined) {
    if (typeof body.solver !== 'string' || !SOLVERS.has(body.solver)) throw invalid('solver must be "gpu", "cpu" or "auto"');
    params.device = body.solver;
  }
  if (body.time_limit_s !== undefined) {
    const t = finite(body.time_limit_s, 'time_limit_s');
    if (t <= 0 || t > maxTimeLimitS) throw invalid(`time_limit_s must be in (0, ${maxTimeLimitS}]`);
    params.timeLimitS = t;
  }
  if (body.target_energy !== undefined) params.targetEnergy = finite(body.target_energy, 'target_energy');
  if (body.seed !== undefined) {
    if (!Number.isSafeInteger(body.seed) || (body.seed as number) < 0) throw invalid('seed must be a non-negative integer');
    params.seed = body.seed as number;
  }
  if (body.replicas !== undefined) {
    if (!Number.isInteger(body.replicas) || (body.replicas as number) < 1 || (body.replicas as number) > 4096) {
      throw invalid('replicas must be an integer from 1 to 4096');
    }
    params.replicas = body.replicas as number;
  }
  return params;
}

export function parseTspRequest(
  body: unknown,
  header: string,
  limits: { maxCities: number; maxTimeLimitS: number },
): NeroxRequest<TspProblem> {
  if (!isRecord(body)) throw invalid('request body must be a JSON object');
  let problem: TspProblem;
  if (body.distance_matrix !== undefined) {
    problem = { kind: 'tsp', distances: distanceMatrix(body.distance_matrix, limits.maxCities) };
  } else if (body.coordinates !== undefined) {
    const points = coordinates(body.coordinates, limits.maxCities);
    problem = { kind: 'tsp', coordinates: points };
  } else {
    throw invalid('one of distance_matrix or coordinates is required');
  }
  validateProblem(problem);
  return { problem, params: parseSolveOptions(body, limits.maxTimeLimitS), provider: takeProvider(body, header).provider };
}

function triples(value: unknown, name: string, maxEntries: number): [number, number, number][] {
  if (!Array.isArray(value)) throw invalid(`${name} must be an array of [i, j, value] triples`);
  if (value.length > maxEntries) throw invalid(`${name} has ${value.length} entries; the limit is ${maxEntries}`);
  return value.map((entry, k) => {
    if (!Array.isArray(entry) || entry.length < 2 || entry.length > 3) throw invalid(`${name}[${k}] must be [i, j, value]`);
    return [finite(entry[0], `${name}[${k}][0]`), finite(entry[1], `${name}[${k}][1]`), entry.length === 3 ? finite(entry[2], `${name}[${k}][2]`) : 1];
  });
}

/** One more than the largest index in the triples (at least 1): the n they imply. A loop, because spreading millions of arguments overflows the stack. */
function indexSpan(triples: [number, number, number][]): number {
  let largest = 0;
  for (const [i, j] of triples) largest = Math.max(largest, i, j);
  return largest + 1;
}

function variableCount(value: unknown, maxVariables: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < 1) throw invalid('n must be a positive integer');
  if ((value as number) > maxVariables) throw invalid(`n is ${value}; the limit is ${maxVariables}`);
  return value as number;
}

export interface BinaryLimits {
  maxVariables: number;
  maxTerms: number;
  maxTimeLimitS: number;
}

/**
 * QUBO, minimising xᵀQx over x ∈ {0,1}ⁿ: a dense `Q` (n×n; Q[i][j] and Q[j][i] both count, as in xᵀQx)
 * or sparse `terms` [[i, j, q], …] with `n`. Stored as upper-triangular terms.
 */
export function parseQuboRequest(body: unknown, header: string, limits: BinaryLimits): NeroxRequest<QuboProblem> {
  if (!isRecord(body)) throw invalid('request body must be a JSON object');
  let problem: QuboProblem;
  if (body.Q !== undefined) {
    const q = body.Q;
    if (!Array.isArray(q) || q.length === 0) throw invalid('Q must be a non-empty square matrix');
    const n = q.length;
    if (n > limits.maxVariables) throw invalid(`Q has ${n} variables; the limit is ${limits.maxVariables}`);
    const rows: number[][] = q.map((row, i) => {
      if (!Array.isArray(row) || row.length !== n) throw invalid(`Q must be square: row ${i} has ${Array.isArray(row) ? row.length : 0} entries, expected ${n}`);
      return row.map((value, j) => finite(value, `Q[${i}][${j}]`));
    });
    const terms: [number, number, number][] = [];
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const v = i === j ? rows[i]![i]! : rows[i]![j]! + rows[j]![i]!;
        if (v !== 0) terms.push([i, j, v]);
      }
      if (terms.length > limits.maxTerms) throw invalid(`Q has more than ${limits.maxTerms} non-zero entries; the limit is ${limits.maxTerms}`);
    }
    problem = { kind: 'qubo', n, terms };
  } else if (body.terms !== undefined) {
    const terms = triples(body.terms, 'terms', limits.maxTerms).map(([i, j, v]): [number, number, number] => (i <= j ? [i, j, v] : [j, i, v]));
    const n = variableCount(body.n, limits.maxVariables) ?? indexSpan(terms);
    problem = { kind: 'qubo', n, terms };
  } else {
    throw invalid('one of Q or terms is required');
  }
  validateProblem(problem);
  return { problem, params: parseSolveOptions(body, limits.maxTimeLimitS), provider: takeProvider(body, header).provider };
}

/**
 * Ising, minimising Σ hᵢsᵢ + Σ Jᵢⱼsᵢsⱼ over s ∈ {-1, +1}ⁿ: couplings `J` [[i, j, Jᵢⱼ], …] (i ≠ j, each pair
 * once) and fields `h` (n numbers, zero when left out), with `n` when neither shows every spin.
 */
export function parseIsingRequest(body: unknown, header: string, limits: BinaryLimits): NeroxRequest<IsingProblem> {
  if (!isRecord(body)) throw invalid('request body must be a JSON object');
  if (body.J === undefined && body.h === undefined) throw invalid('one of J or h is required');
  const couplings = triples(body.J ?? [], 'J', limits.maxTerms).map(([i, j, v], k): [number, number, number] => {
    if (i === j) throw invalid(`J[${k}] couples spin ${i} with itself; sᵢ² = 1, so it is a constant`);
    return i < j ? [i, j, v] : [j, i, v];
  });
  let h: number[] | undefined;
  if (body.h !== undefined) {
    if (!Array.isArray(body.h)) throw invalid('h must be an array of numbers, one per spin');
    if (body.h.length > limits.maxVariables) throw invalid(`h has ${body.h.length} spins; the limit is ${limits.maxVariables}`);
    h = body.h.map((value, i) => finite(value, `h[${i}]`));
  }
  const n = variableCount(body.n, limits.maxVariables) ?? h?.length ?? indexSpan(couplings);
  if (h !== undefined && h.length !== n) throw invalid(`h has ${h.length} entries, expected n = ${n}`);
  const problem: IsingProblem = { kind: 'ising', n, h: h ?? new Array<number>(n).fill(0), couplings };
  validateProblem(problem);
  return { problem, params: parseSolveOptions(body, limits.maxTimeLimitS), provider: takeProvider(body, header).provider };
}

/** Max-Cut: `edges` [[i, j, w?], …] (0-based, weight 1 when left out) with optional `n`, or `gset` text. */
export function parseMaxCutRequest(body: unknown, header: string, limits: BinaryLimits): NeroxRequest<MaxCutProblem> {
  if (!isRecord(body)) throw invalid('request body must be a JSON object');
  let problem: MaxCutProblem;
  if (body.edges !== undefined) {
    const edges = triples(body.edges, 'edges', limits.maxTerms);
    const n = variableCount(body.n, limits.maxVariables) ?? indexSpan(edges);
    problem = { kind: 'maxcut', n, edges };
  } else if (typeof body.gset === 'string') {
    try {
      problem = parseGset(body.gset);
    } catch (error) {
      if (error instanceof FormatError) throw invalid(`gset: ${error.message}`);
      throw error;
    }
    if (problem.n > limits.maxVariables) throw invalid(`gset has ${problem.n} vertices; the limit is ${limits.maxVariables}`);
  } else {
    throw invalid('one of edges or gset is required');
  }
  validateProblem(problem);
  return { problem, params: parseSolveOptions(body, limits.maxTimeLimitS), provider: takeProvider(body, header).provider };
}
