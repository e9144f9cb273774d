import type { MaxCutProblem, QuboProblem, TspProblem } from './problem.js';

/** Parsers for the public benchmark formats: TSPLIB `.tsp` / `.opt.tour`, G-set (rudy) and OR-Library BQP. */
export class FormatError extends Error {
  constructor(format: string, line: number, message: string) {
    super(`${format} line ${line}: ${message}`);
    this.name = 'FormatError';
  }
}

export interface TsplibInstance {
  name: string;
  problem: TspProblem;
}

type Metric = (a: [number, number], b: [number, number]) => number;

const nint = (x: number): number => Math.floor(x + 0.5);

/** TSPLIB 95 §2.1: distances rounded as each type prescribes; optimal values hold only with this rounding. */
const METRICS: Record<string, Metric> = {
  EUC_2D: (a, b) => nint(Math.hypot(a[0] - b[0], a[1] - b[1])),
  CEIL_2D: (a, b) => Math.ceil(Math.hypot(a[0] - b[0], a[1] - b[1])),
  MAN_2D: (a, b) => nint(Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1])),
  MAX_2D: (a, b) => Math.max(nint(Math.abs(a[0] - b[0])), nint(Math.abs(a[1] - b[1]))),
  ATT: (a, b) => {
    const r = Math.sqrt(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) / 10);
    const t = nint(r);
    return t < r ? t + 1 : t;
  },
  GEO: (a, b) => {
    const rad = (x: number): number => {
      const deg = Math.trunc(x);
      return (Math.PI * (deg + (5 * (x - deg)) / 3)) / 180;
    };
    const RRR = 6378.388;
    const q1 = Math.cos(rad(a[1]) - rad(b[1]));
    const q2 = Math.cos(rad(a[0]) - rad(b[0]));
    const q3 = Math.cos(rad(a[0]) + rad(b[0]));
    return Math.trunc(RRR * Math.acos(0.5 * ((1 + q1) * q2 - (1 - q1) * q3)) + 1);
  },
};

interface TsplibSections {
  header: Map<string, string>;
  sections: Map<string, { line: number; tokens: string[] }>;
}

function splitTsplib(text: string, format: string): TsplibSections {
  const header = new Map<string, string>();
  const sections = new Map<string, { line: number; tokens: string[] }>();
  let current: string[] | null = null;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line === 'EOF') return;
    const keyValue = /^([A-Z_]+)\s*:\s*(.*)$/.exec(line);
    if (keyValue) {
      header.set(keyValue[1]!, keyValue[2]!.trim());
      current = null;
    } else if (/^[A-Z_]+_SECTION$/.test(line)) {
      current = [];
      sections.set(line, { line: index + 1, tokens: current });
    } else if (current !== null) {
      current.push(...line.split(/\s+/));
    } else {
      throw new FormatError(format, index + 1, `unexpected text "${line}"`);
    }
  });
  return { header, sections };
}

function numbers(tokens: string[], format: string, line: number): number[] {
  return tokens.map((token) => {
    const value = Number(token);
    if (!Number.isFinite(value)) throw new FormatError(format, line, `"${token}" is not a number`);
    return value;
  });
}

export function parseTsplib(text: string): TsplibInstance {
  const { header, sections } = splitTsplib(text, 'TSPLIB');
  const type = header.get('TYPE');
  if (type !== undefined && type !== 'TSP' && type !== 'ATSP') throw new FormatError('TSPLIB', 1, `TYPE ${type} is not a TSP`);
  const n = Number(header.get('DIMENSION'));
  if (!Number.isInteger(n) || n < 1) throw new FormatError('TSPLIB', 1, 'DIMENSION is missing or not a positive integer');
  const weightType = header.get('EDGE_WEIGHT_TYPE') ?? '';
  const name = header.get('NAME') ?? 'unnamed';
  if (weightType === 'EXPLICIT') {
    const section = sections.get('EDGE_WEIGHT_SECTION');
    if (!section) throw new FormatError('TSPLIB', 1, 'EXPLICIT weights need an EDGE_WEIGHT_SECTION');
    const values = numbers(section.tokens, 'TSPLIB', section.line);
    return { name, problem: { kind: 'tsp', distances: explicitMatrix(values, n, header.get('EDGE_WEIGHT_FORMAT') ?? '') } };
  }
  const metric = METRICS[weightType];
  if (!metric) throw new FormatError('TSPLIB', 1, `EDGE_WEIGHT_TYPE "${weightType}" is not supported`);
  const section = sections.get('NODE_COORD_SECTION');
  if (!section) throw new FormatError('TSPLIB', 1, 'NODE_COORD_SECTION is missing');
  const values = numbers(section.tokens, 'TSPLIB', section.line);
  if (values.length !== 3 * n) {
    throw new FormatError('TSPLIB', section.line, `expected ${n} "id x y" lines, found ${values.length / 3}`);
  }
  const coordinates: [number, number][] = new Array(n);
  for (let k = 0; k < n; k++) {
    const id = values[3 * k]!;
    if (!Number.isInteger(id) || id < 1 || id > n) throw new FormatError('TSPLIB', section.line + k, `node id ${id} outside 1..${n}`);
    coordinates[id - 1] = [values[3 * k + 1]!, values[3 * k + 2]!];
  }
  const distances = coordinates.map((a) => coordinates.map((b) => metric(a, b)));
  distances.forEach((row, i) => (row[i] = 0));
  return { name, problem: { kind: 'tsp', distances, coordinates } };
}

function explicitMatrix(values: number[], n: number, format: string): number[][] {
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const cells: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const take =
        format === 'FULL_MATRIX' ||
        (format === 'UPPER_ROW' && j > i) ||
        (format === 'UPPER_DIAG_ROW' && j >= i) ||
        (format === 'LOWER_ROW' && j < i) ||
        (format === 'LOWER_DIAG_ROW' && j <= i);
      if (take) cells.push([i, j]);
    }
  }
  if (cells.length === 0) throw new FormatError('TSPLIB', 1, `EDGE_WEIGHT_FORMAT "${format}" is not supported`);
  if (values.length !== cells.length) {
    throw new FormatError('TSPLIB', 1, `${format} for n=${n} needs ${cells.length} weights, found ${values.length}`);
  }
  cells.forEach(([i, j], k) => {
    m[i]![j] = values[k]!;
    if (format !== 'FULL_MATRIX') m[j]![i] = values[k]!;
  });
  return m;
}

/** A TSPLIB `.opt.tour` as 0-based city indices. */
export function parseTour(text: string): number[] {
  const { header, sections } = splitTsplib(text, 'TOUR');
  const section = sections.get('TOUR_SECTION');
  if (!section) throw new FormatError('TOUR', 1, 'TOUR_SECTION is missing');
  const ids = numbers(section.tokens, 'TOUR', section.line);
  const end = ids.indexOf(-1);
  const tour = (end >= 0 ? ids.slice(0, end) : ids).map((id) => id - 1);
  const n = Number(header.get('DIMENSION') ?? tour.length);
  if (tour.length !== n) throw new FormatError('TOUR', section.line, `tour has ${tour.length} cities, DIMENSION is ${n}`);
  return tour;
}

/** G-set / rudy: "n m", then m lines "i j w" with 1-based vertices. */
export function parseGset(text: string): MaxCutProblem {
  const lines = text.split(/\r?\n/);
  const head = (lines[0] ?? '').trim().split(/\s+/).map(Number);
  const [n, m] = head;
  if (head.length !== 2 || !Number.isInteger(n) || !Number.isInteger(m)) {
    throw new FormatError('G-set', 1, 'expected "n m" on the first line');
  }
  const edges: [number, number, number][] = [];
  for (let k = 1; k < lines.length; k++) {
    const line = lines[k]!.trim();
    if (line === '') continue;
    const parts = line.split(/\s+/).map(Number);
    const [i, j, w] = parts;
    if (parts.length !== 3 || parts.some((v) => !Number.isFinite(v)) || !Number.isInteger(i) || !Number.isInteger(j)) {
      throw new FormatError('G-set', k + 1, `expected "i j w", found "${line}"`);
    }
    if (i! < 1 || i! > n! || j! < 1 || j! > n!) throw new FormatError('G-set', k + 1, `vertex outside 1..${n}`);
    edges.push([i! - 1, j! - 1, w!]);
  }
  if (edges.length !== m) throw new FormatError('G-set', 1, `header announces ${m} edges, file has ${edges.length}`);
  return { kind: 'maxcut', n: n!, edges };
}

/**
 * OR-Library BQP: the instance count, then per instance "n nnz" and nnz triples "i j q" (1-based,
 * upper triangle). The file maximises xᵀQx with Q symmetric, so each off-diagonal entry counts twice;
 * the returned QUBOs minimise, with terms -q on the diagonal and -2q off it (their optimum is minus the BQP optimum).
 */
export function parseBqp(text: string): QuboProblem[] {
  const tokens = text.trim().split(/\s+/).map(Number);
  let at = 0;
  const take = (what: string): number => {
    const value = tokens[at++];
    if (value === undefined || !Number.isFinite(value)) throw new FormatError('BQP', 1, `token ${at}: expected ${what}`);
    return value;
  };
  const count = take('the instance count');
  const problems: QuboProblem[] = [];
  for (let p = 0; p < count; p++) {
    const n = take('n');
    const nnz = take('nnz');
    const terms: [number, number, number][] = [];
    for (let k = 0; k < nnz; k++) {
      const i = take('i') - 1;
      const j = take('j') - 1;
      const q = take('q');
      if (i < 0 || j < 0 || i >= n || j >= n) throw new FormatError('BQP', 1, `token ${at}: index outside 1..${n}`);
      const [lo, hi] = i <= j ? [i, j] : [j, i];
      terms.push([lo, hi, lo === hi ? -q : -2 * q]);
    }
    problems.push({ kind: 'qubo', n, terms });
  }
  if (at !== tokens.length) throw new FormatError('BQP', 1, `${tokens.length - at} tokens left after ${count} instances`);
  return problems;
}

