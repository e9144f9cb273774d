import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FormatError, parseBqp, parseGset, parseTour, parseTsplib } from '../../src/core/problem-formats.js';
import { cutEnergy, quboEnergy, tourLength } from '../../src/solver/annealing/score.js';
import { bqpInstance, gsetInstance, tsplibInstance } from '../helpers/instances.js';

describe('benchmark formats', () => {
  for (const [n, seed] of [[8, 1], [9, 2]] as const) {
    it(`TSPLIB EUC_2D, ${n} cities: the optimal tour found by trying every tour scores its length`, () => {
      const instance = tsplibInstance(n, seed);
      const { problem, name } = parseTsplib(instance.text);
      const tour = parseTour(instance.tourText);
      assert.equal(name, instance.name);
      assert.equal(problem.distances!.length, n);
      assert.equal(tour.length, n);
      assert.equal(tourLength(problem, tour), instance.optimum);
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

  it('G-set: every edge and weight as written, so a cut scores what the edge list says', () => {
    const { text, edges } = gsetInstance(60, 3);
    const problem = parseGset(text);
    assert.equal(problem.n, 60);
    assert.deepEqual(problem.edges, edges);
    const sides = Array.from({ length: 60 }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0);
    const cut = edges.reduce((sum, [i, j, w]) => sum + (sides[i] !== sides[j] ? w : 0), 0);
    assert.equal(cutEnergy(problem, sides), -cut);
  });

  it('BQP (OR-Library): the brute-force best vector scores minus the maximum', () => {
    const { text, maximum, best } = bqpInstance(12, 4);
    const [problem] = parseBqp(text);
    assert.equal(quboEnergy(problem!, best), -maximum);
  });

  it('points at the offending line', () => {
    assert.throws(() => parseGset('3 2\n1 2 1\n1 x 1\n'), (e: unknown) => e instanceof FormatError && /line 3/.test(e.message));
    assert.throws(() => parseTsplib('DIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 1 1\nEOF'), /expected 3/);
    assert.throws(() => parseBqp('1\n3 1\n1 2'), FormatError);
  });
});
