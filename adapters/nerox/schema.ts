import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { invalid } from '../../src/core/errors.js';
import type { SolveParams } from '../../src/core/job.js';
import type { IsingProblem, MaxCutProblem, QuboProblem, TspProblem } from '../../src/core/problem.js';
import { FormatError, parseGset } from '../../src/core/problem-formats.js';
import { validateProblem } from '../../src/core/problem-checks.js';
import { explained, jsonObject, oneOf, PROVIDER, validator, ValueErrorType, type Failure, type Validator } from '../../src/server/validation.js';

export interface NeroxRequest<P> {
  problem: P;
  params: SolveParams;
  provider: string | undefined;
}

export interface TspLimits {
  maxCities: number;
  maxTimeLimitS: number;
}

export interface BinaryLimits {
  maxVariables: number;
  maxTerms: number;
  maxTimeLimitS: number;
}

const finite = (description?: string) =>
  Type.Number(explained((f: Failure) => `${f.name} must be a finite number`, description === undefined ? {} : { description }));

/** An array's message: its size against the limit when it has too many entries, else `otherwise`. */
const sized = (noun: string, limit: number, otherwise: string) => (f: Failure) =>
  f.type === ValueErrorType.ArrayMaxItems ? `${f.name} has ${(f.value as unknown[]).length} ${noun}; the limit is ${limit}` : otherwise;

/** Shared solve options of every `/v1/optimize/*` body. */
function solveOptions(maxTimeLimitS: number) {
  return {
    solver: Type.Optional(Type.Union([Type.Literal('gpu'), Type.Literal('cpu'), Type.Literal('auto')], explained('solver must be "gpu", "cpu" or "auto"', { description: 'Device hint for the built-in solver.' }))),
    time_limit_s: Type.Optional(
      Type.Number(explained((f) => (f.type === ValueErrorType.Number ? 'time_limit_s must be a finite number' : `time_limit_s must be in (0, ${maxTimeLimitS}]`), { exclusiveMinimum: 0, maximum: maxTimeLimitS })),
    ),
    target_energy: Type.Optional(finite('Stop once the best energy reaches this.')),
    seed: Type.Optional(Type.Integer(explained('seed must be a non-negative integer', { minimum: 0, maximum: Number.MAX_SAFE_INTEGER }))),
    replicas: Type.Optional(Type.Integer(explained('replicas must be an integer from 1 to 4096', { minimum: 1, maximum: 4096 }))),
    provider: PROVIDER,
  };
}

type SolveOptions = Static<TObject<ReturnType<typeof solveOptions>>>;

function solveParams(body: SolveOptions): SolveParams {
  const params: SolveParams = {};
  if (body.solver !== undefined) params.device = body.solver;
  if (body.time_limit_s !== undefined) params.timeLimitS = body.time_limit_s;
  if (body.target_energy !== undefined) params.targetEnergy = body.target_energy;
  if (body.seed !== undefined) params.seed = body.seed;
  if (body.replicas !== undefined) params.replicas = body.replicas;
  return params;
}

const requestBody = <P extends Record<string, TSchema>>(properties: P, alternatives: readonly string[], title: string) =>
  jsonObject(properties, { title, ...oneOf(alternatives, `one of ${alternatives.join(' or ')} is required`) });

export function tspBody(limits: TspLimits) {
  const rows = Type.Array(
    Type.Array(Type.Number(explained((f) => (f.type === ValueErrorType.Number ? `${f.name} must be a finite number` : `${f.name} must not be negative, got ${f.value}`), { minimum: 0 })), explained((f) => `${f.name} must be an array`)),
    explained(sized('cities', limits.maxCities, 'distance_matrix must be a non-empty array of rows'), { minItems: 1, maxItems: limits.maxCities, description: 'n×n distances, row-major; must be square.' }),
  );
  const point = Type.Union([Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }), Type.Object({ x: Type.Number(), y: Type.Number() })], explained((f) => `${f.name} must be [x, y] or {x, y}`));
  const points = Type.Array(point, explained(sized('cities', limits.maxCities, 'coordinates must be a non-empty array of [x, y] pairs'), { minItems: 1, maxItems: limits.maxCities, description: 'Cities as points in the plane.' }));
  return requestBody({ distance_matrix: Type.Optional(rows), coordinates: Type.Optional(points), ...solveOptions(limits.maxTimeLimitS) }, ['distance_matrix', 'coordinates'], 'NeroxTspRequest');
}

/** `[i, j, value]` entries; a missing value is 1 (an unweighted edge). */
function triples(name: string, maxEntries: number, description: string) {
  const entry = Type.Array(finite(), explained((f) => `${f.name} must be [i, j, value]`, { minItems: 2, maxItems: 3 }));
  return Type.Array(entry, explained(sized('entries', maxEntries, `${name} must be an array of [i, j, value] triples`), { maxItems: maxEntries, description }));
}

const variableCount = (maxVariables: number) =>
  Type.Optional(Type.Integer(explained((f) => (f.type === ValueErrorType.IntegerMaximum ? `n is ${f.value}; the limit is ${maxVariables}` : 'n must be a positive integer'), { minimum: 1, maximum: maxVariables, description: 'Number of variables; inferred from the largest index when left out.' })));

export function quboBody(limits: BinaryLimits) {
  const row = Type.Array(finite(), explained((f) => `${f.name} must be an array`));
  const dense = Type.Array(row, explained(sized('variables', limits.maxVariables, 'Q must be a non-empty square matrix'), { minItems: 1, maxItems: limits.maxVariables, description: 'Dense n×n Q; Q[i][j] and Q[j][i] both count, as in xᵀQx.' }));
  return requestBody({ Q: Type.Optional(dense), terms: Type.Optional(triples('terms', limits.maxTerms, 'Sparse Q as [i, j, q] entries.')), n: variableCount(limits.maxVariables), ...solveOptions(limits.maxTimeLimitS) }, ['Q', 'terms'], 'NeroxQuboRequest');
}

export function isingBody(limits: BinaryLimits) {
  const fields = Type.Array(finite(), explained(sized('spins', limits.maxVariables, 'h must be an array of numbers, one per spin'), { maxItems: limits.maxVariables, description: 'The field on each spin; zero when left out.' }));
  return requestBody({ J: Type.Optional(triples('J', limits.maxTerms, 'Couplings [i, j, Jᵢⱼ], i ≠ j, each pair once.')), h: Type.Optional(fields), n: variableCount(limits.maxVariables), ...solveOptions(limits.maxTimeLimitS) }, ['J', 'h'], 'NeroxIsingRequest');
}

export function maxCutBody(limits: BinaryLimits) {
  const gset = Type.String(explained('gset must be G-set text', { description: 'The graph as G-set text (first line "n m", then "i j w", 1-based).' }));
  return requestBody({ edges: Type.Optional(triples('edges', limits.maxTerms, 'Edges [i, j, w?], 0-based; weight 1 when left out.')), gset: Type.Optional(gset), n: variableCount(limits.maxVariables), ...solveOptions(limits.maxTimeLimitS) }, ['edges', 'gset'], 'NeroxMaxCutRequest');
}

/** One more than the largest index in the triples (at least 1): the n they imply. A loop, because spreading millions of arguments overflows the stack. */
function indexSpan(entries: readonly number[][]): number {
  let largest = 0;
  for (const [i, j] of entries) largest = Math.max(largest, i!, j!);
  return largest + 1;
}

const triple = (entry: number[]): [number, number, number] => [entry[0]!, entry[1]!, entry[2] ?? 1];

function request<P extends TspProblem | QuboProblem | IsingProblem | MaxCutProblem>(problem: P, body: SolveOptions, header: string): NeroxRequest<P> {
  validateProblem(problem);
  return { problem, params: solveParams(body), provider: body.provider ?? (header || undefined) };
}

/** The matrix must be square; the schema checked each entry. */
function squareRows(rows: number[][], name: string, n: number): void {
  rows.forEach((row, i) => {
    if (row.length !== n) throw invalid(`${name} must be square: row ${i} has ${row.length} entries, expected ${n}`);
  });
}

export function tspRequest(body: Static<ReturnType<typeof tspBody>>, header: string): NeroxRequest<TspProblem> {
  if (body.distance_matrix !== undefined) {
    squareRows(body.distance_matrix, 'distance_matrix', body.distance_matrix.length);
    return request({ kind: 'tsp', distances: body.distance_matrix }, body, header);
  }
  const coordinates = body.coordinates!.map((point): [number, number] => (Array.isArray(point) ? [point[0]!, point[1]!] : [point.x, point.y]));
  return request({ kind: 'tsp', coordinates }, body, header);
}

/** Dense Q folds Q[i][j] + Q[j][i] into the upper triangle; both forms are stored as upper-triangular terms. */
export function quboRequest(body: Static<ReturnType<typeof quboBody>>, header: string, limits: BinaryLimits): NeroxRequest<QuboProblem> {
  if (body.Q !== undefined) {
    const rows = body.Q;
    const n = rows.length;
    squareRows(rows, 'Q', n);
    const terms: [number, number, number][] = [];
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const v = i === j ? rows[i]![i]! : rows[i]![j]! + rows[j]![i]!;
        if (v !== 0) terms.push([i, j, v]);
      }
      if (terms.length > limits.maxTerms) throw invalid(`Q has more than ${limits.maxTerms} non-zero entries; the limit is ${limits.maxTerms}`);
    }
    return request({ kind: 'qubo', n, terms }, body, header);
  }
  const terms = body.terms!.map(triple).map(([i, j, v]): [number, number, number] => (i <= j ? [i, j, v] : [j, i, v]));
  return request({ kind: 'qubo', n: body.n ?? indexSpan(terms), terms }, body, header);
}

export function isingRequest(body: Static<ReturnType<typeof isingBody>>, header: string): NeroxRequest<IsingProblem> {
  const couplings = (body.J ?? []).map(triple).map(([i, j, v], k): [number, number, number] => {
    if (i === j) throw invalid(`J[${k}] couples spin ${i} with itself; sᵢ² = 1, so it is a constant`);
    return i < j ? [i, j, v] : [j, i, v];
  });
  const n = body.n ?? body.h?.length ?? indexSpan(couplings);
  if (body.h !== undefined && body.h.length !== n) throw invalid(`h has ${body.h.length} entries, expected n = ${n}`);
  return request({ kind: 'ising', n, h: body.h ?? new Array<number>(n).fill(0), couplings }, body, header);
}

export function maxCutRequest(body: Static<ReturnType<typeof maxCutBody>>, header: string, limits: BinaryLimits): NeroxRequest<MaxCutProblem> {
  if (body.edges !== undefined) {
    const edges = body.edges.map(triple);
    return request({ kind: 'maxcut', n: body.n ?? indexSpan(edges), edges }, body, header);
  }
  let problem: MaxCutProblem;
  try {
    problem = parseGset(body.gset!);
  } catch (error) {
    if (error instanceof FormatError) throw invalid(`gset: ${error.message}`);
    throw error;
  }
  if (problem.n > limits.maxVariables) throw invalid(`gset has ${problem.n} vertices; the limit is ${limits.maxVariables}`);
  return request(problem, body, header);
}

/** A body's validator, compiled once per set of limits (the dialect mounts once; tests and fuzzing reuse theirs). */
function compiledPer<L, T extends TSchema>(build: (limits: L) => T): (limits: L) => Validator<T> {
  const byLimits = new Map<string, Validator<T>>();
  return (limits) => {
    const key = JSON.stringify(limits);
    let compiled = byLimits.get(key);
    if (!compiled) byLimits.set(key, (compiled = validator(build(limits))));
    return compiled;
  };
}

export const tspValidator = compiledPer(tspBody);
export const quboValidator = compiledPer(quboBody);
export const isingValidator = compiledPer(isingBody);
export const maxCutValidator = compiledPer(maxCutBody);

export function parseTspRequest(body: unknown, header: string, limits: TspLimits): NeroxRequest<TspProblem> {
  return tspRequest(tspValidator(limits).parse(body), header);
}

export function parseQuboRequest(body: unknown, header: string, limits: BinaryLimits): NeroxRequest<QuboProblem> {
  return quboRequest(quboValidator(limits).parse(body), header, limits);
}

export function parseIsingRequest(body: unknown, header: string, limits: BinaryLimits): NeroxRequest<IsingProblem> {
  return isingRequest(isingValidator(limits).parse(body), header);
}

export function parseMaxCutRequest(body: unknown, header: string, limits: BinaryLimits): NeroxRequest<MaxCutProblem> {
  return maxCutRequest(maxCutValidator(limits).parse(body), header, limits);
}
