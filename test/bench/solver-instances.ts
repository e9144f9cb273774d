/** The public instances the solver benches run (TSPLIB, G-set, OR-Library); only benchmarks read them, tests make their own. */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../src/config/paths.js';
import { parseBqp, parseGset, parseTsplib } from '../../src/core/problem-formats.js';
import type { AnnealingProblem } from '../../src/solver/types.js';

export interface Instance {
  name: string;
  /** Optimal or best-known value, as a positive length or cut or BQP value. */
  reference: number;
  load(): Promise<AnnealingProblem>;
  /** The positive value a solution reaches, comparable with `reference`. */
  value(objective: number): number;
  /** The objective (energy) that reaches `reference`. */
  objective(value: number): number;
  unit: 'moves/s' | 'flips/s';
}

const DATA_DIR = resolve(process.env.BENCH_DATA_DIR ?? join(PROJECT_ROOT, '..', 'shared', 'data'));

async function data(name: string): Promise<string> {
  try {
    return await readFile(join(DATA_DIR, name), 'utf8');
  } catch {
    throw new Error(
      `benchmark instance ${name} not found in ${DATA_DIR}: set BENCH_DATA_DIR to a folder holding the public instances ` +
        '(TSPLIB berlin52/eil51/kroA100/ch150/a280, G-set G1/G22/G43, OR-Library bqp50/bqp100; they come from ' +
        "TSPLIB95, Ye's G-set collection and Beasley's OR-Library, and the project's shared/data folder holds them)",
    );
  }
}

export const tsp = (name: string, optimum: number): Instance => ({
  name,
  reference: optimum,
  load: async () => parseTsplib(await data(`${name}.tsp`)).problem,
  value: (objective) => objective,
  objective: (value) => value,
  unit: 'moves/s',
});

export const gset = (name: string, bestKnown: number): Instance => ({
  name,
  reference: bestKnown,
  load: async () => parseGset(await data(`${name}.txt`)),
  value: (objective) => -objective,
  objective: (value) => -value,
  unit: 'flips/s',
});

export const bqp = (file: 'bqp50' | 'bqp100', index: number, optimum: number): Instance => ({
  name: `${file}.${index + 1}`,
  reference: optimum,
  load: async () => parseBqp(await data(`${file}.txt`))[index]!,
  value: (objective) => -objective,
  objective: (value) => -value,
  unit: 'flips/s',
});
