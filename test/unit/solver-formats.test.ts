import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { FormatError, parseBqp, parseGset, parseTour, parseTsplib } from '../../src/core/problem-formats.js';
import { cutEnergy, quboEnergy, tourLength } from '../../src/solver/annealing/score.js';

const data = (name: string): Promise<string> => readFile(new URL(`../../../shared/data/${name}`, import.meta.url), 'utf8');

describe('benchmark formats', () => {
  for (const [name, optimum] of [
    ['berlin52', 7542],
    ['eil51', 426],
    ['kroA100', 21282],
  ] as const) {
    it(`TSPLIB ${name}: the optimal tour scores ${optimum}`, async () => {
      const { problem, name: parsedName } = parseTsplib(await data(`${name}.tsp`));
      const tour = parseTour(await data(`${name}.opt.tour`));
      assert.equal(parsedName, name);
      assert.equal(problem.distances!.length, tour.length);
      assert.equal(tourLength(problem, tour), optimum);
    });
  }

  it('TSPLIB explicit matrices and rounding rules', () => {
    const text = ['NAME: tiny', 'TYPE: TSP', 'DIMENSION: 3', 'EDGE_WEIGHT_TYPE: EXPLICIT', 'EDGE_WEIGHT_FORMAT: UPPER_ROW', 'EDGE_WEIGHT_SECTION', '5 7', '9', 'EOF'].join('\n');
    assert.deepEqual(parseTsplib(text).problem.distances, [
      [0, 5, 7],
      [5, 0, 9],
      [7, 9, 0],
    ]);
    const ceil = ['DIMENSION: 2', 'EDGE_WEIGHT_TYPE: CEIL_2D', 'NODE_COORD_SECTION', '1 0 0', '2 1 1', 'EOF'].join('\n');
    assert.equal(parseTsplib(ceil).problem.distances![0]![1], 2);
  });

  it('G-set G1: the best-known cut scores 11624', async () => {
    const problem = parseGset(await data('G1.txt'));
    assert.equal(problem.n, 800);
    assert.equal(problem.edges.length, 19176);
    const labels = (await data('G1.best_cut.txt')).trim().split(',').map(Number);
    assert.equal(cutEnergy(problem, labels.map((s) => (s > 0 ? 1 : 0))), -11624);
  });

  it('BQP: every optimal vector scores minus its optimum', async () => {
    const [bqp50, bqp100, solutions] = await Promise.all([data('bqp50.txt'), data('bqp100.txt'), data('bqp_opt_solutions.txt')]);
    const sets: Record<string, ReturnType<typeof parseBqp>> = { bqp50: parseBqp(bqp50), bqp100: parseBqp(bqp100) };
    const lines = solutions.split('\n').filter((line) => /^bqp/.test(line));
    assert.equal(lines.length, 20);
    for (const line of lines) {
      const [file, index, value, bits] = line.trim().split(/\s+/);
      const problem = sets[file!]![Number(index) - 1]!;
      assert.equal(quboEnergy(problem, [...bits!].map(Number)), -Number(value), line.slice(0, 20));
    }
  });

  it('points at the offending line', () => {
    assert.throws(() => parseGset('3 2\n1 2 1\n1 x 1\n'), (e: unknown) => e instanceof FormatError && /line 3/.test(e.message));
    assert.throws(() => parseTsplib('DIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 1 1\nEOF'), /expected 3/);
    assert.throws(() => parseBqp('1\n3 1\n1 2'), FormatError);
  });
});
