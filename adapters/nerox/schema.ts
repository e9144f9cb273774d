import { invalid } from '../../src/core/errors.js';
import type { SolveParams } from '../../src/core/job.js';
import type { TspProblem } from '../../src/core/problem.js';
import { isRecord } from '../../src/server/codec.js';

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

export interface NeroxTspRequest {
  problem: TspProblem;
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

function euclidean(points: [number, number][]): number[][] {
  return points.map(([x1, y1]) => points.map(([x2, y2]) => Math.hypot(x1 - x2, y1 - y2)));
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

export function parseProvider(body: Record<string, unknown>, header: string): string | undefined {
  if (body.provider !== undefined && typeof body.provider !== 'string') throw invalid('provider must be a string');
  return (body.provider as string | undefined) ?? (header || undefined);
}

export function parseTspRequest(
  body: unknown,
  header: string,
  limits: { maxCities: number; maxTimeLimitS: number },
): NeroxTspRequest {
  if (!isRecord(body)) throw invalid('request body must be a JSON object');
  let problem: TspProblem;
  if (body.distance_matrix !== undefined) {
    problem = { kind: 'tsp', distances: distanceMatrix(body.distance_matrix, limits.maxCities) };
  } else if (body.coordinates !== undefined) {
    const points = coordinates(body.coordinates, limits.maxCities);
    problem = { kind: 'tsp', distances: euclidean(points), coordinates: points };
  } else {
    throw invalid('one of distance_matrix or coordinates is required');
  }
  return { problem, params: parseSolveOptions(body, limits.maxTimeLimitS), provider: parseProvider(body, header) };
}
