import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { TspProblem } from '../../src/core/problem.js';
import { Rng } from '../../src/solver/annealing/random.js';
import { tourCost, tspInstance } from '../../src/solver/annealing/tsp-instance.js';
import { TspLocalSearch } from '../../src/solver/annealing/tsp-local-search.js';
import { shuffledTour } from '../../src/solver/annealing/tsp-moves.js';
import { solveAnnealing } from '../../src/solver/index.js';
import { tourLength } from '../../src/solver/annealing/score.js';
import { heldKarp } from '../helpers/held-karp.js';
import { DEVICES, annealRequest } from '../helpers/solver-checks.js';

/** Integer points on a grid, so many distances tie, the case where a careless descent could cycle. */
function gridPoints(n: number, seed: number, side: number): TspProblem {
  const rng = new Rng(seed);
  return { kind: 'tsp', coordinates: Array.from({ length: n }, () => [rng.below(side), rng.below(side)] as [number, number]) };
}

/** Points in convex position (on a circle, at random angles): the optimal tour visits them in angular order. */
function convexInstance(n: number, seed: number): { problem: TspProblem; optimum: number } {
  const rng = new Rng(seed);
  const angles = Array.from({ length: n }, () => rng.nextFloat() * 2 * Math.PI).sort((a, b) => a - b);
  const coordinates = angles.map((a) => [1000 * Math.cos(a), 1000 * Math.sin(a)] as [number, number]);
  const inst = tspInstance({ kind: 'tsp', coordinates });
  return { problem: { kind: 'tsp', coordinates }, optimum: tourCost(inst, Int32Array.from({ length: n }, (_, i) => i)) };
}

function assertPermutation(tour: ArrayLike<number>, n: number): void {
  assert.deepEqual(Array.from(tour).sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
}

/** Kicks until the best reaches `optimum` or `maxKicks` have run; returns the best length. */
function searchUntil(problem: TspProblem, seed: number, optimum: number, maxKicks: number): number {
  const inst = tspInstance(problem);
  const rng = new Rng(seed);
  const search = new TspLocalSearch(inst);
  search.restart(shuffledTour(inst.n, rng));
  while (search.bestCost > optimum + 1e-6 && search.kicks < maxKicks) search.iterate(100, rng);
  return search.bestCost;
}

describe('TSP local search (2-opt and or-opt on neighbour lists, kicks)', () => {
  it('never lengthens a tour: a descent ends no longer than where it began, and kicks never lose the best', () => {
    fc.assert(
      fc.property(fc.integer({ min: 8, max: 60 }), fc.integer(), fc.integer(), fc.integer({ min: 3, max: 1000 }), (n, instanceSeed, walkSeed, side) => {
        const inst = tspInstance(gridPoints(n, instanceSeed, side));
        const rng = new Rng(walkSeed);
        const start = shuffledTour(n, rng);
        const search = new TspLocalSearch(inst);
        search.restart(start);
        assert.ok(search.cost <= tourCost(inst, start) + 1e-9);
        let best = search.bestCost;
        let kept = search.cost;
        for (let round = 0; round < 5; round++) {
          search.iterate(20, rng);
          // The walk keeps a kicked tour only when its priced moves say it is no longer, so exact prices never rise.
          assert.ok(search.cost <= kept + 1e-9, `the walk went from ${kept} to ${search.cost}`);
          assert.ok(search.bestCost <= best, `best went from ${best} to ${search.bestCost}`);
          assert.ok(search.cost >= search.bestCost);
          best = search.bestCost;
          kept = search.cost;
          assertPermutation(search.bestTour, n);
          assert.equal(search.bestCost, tourCost(inst, search.bestTour));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('reaches the Held–Karp optimum of small random instances', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const n = 8 + (seed % 4);
      const problem = gridPoints(n, seed, 1000);
      const inst = tspInstance(problem);
      const matrix = Array.from({ length: n }, (_, i) => Array.from(inst.dist.subarray(i * n, (i + 1) * n)));
      const optimum = heldKarp(matrix);
      assert.ok(Math.abs(searchUntil(problem, seed, optimum, 5000) - optimum) < 1e-6, `seed ${seed}, n = ${n}`);
    }
  });

  it('reaches the optimum of 150 points in convex position from random tours', () => {
    for (const seed of [1, 2, 3]) {
      const { problem, optimum } = convexInstance(150, seed);
      assert.ok(Math.abs(searchUntil(problem, seed, optimum, 20000) - optimum) < 1e-6, `seed ${seed}`);
    }
  });

  it('repeats itself for the same seed', () => {
    const problem = gridPoints(80, 4, 1000);
    const run = () => {
      const inst = tspInstance(problem);
      const rng = new Rng(9);
      const search = new TspLocalSearch(inst);
      search.restart(shuffledTour(inst.n, rng));
      search.iterate(500, rng);
      return Array.from(search.bestTour);
    };
    assert.deepEqual(run(), run());
  });

  it('refuses the instances it cannot search', () => {
    const asymmetric: TspProblem = { kind: 'tsp', distances: Array.from({ length: 9 }, (_, i) => Array.from({ length: 9 }, (_, j) => (i === j ? 0 : i < j ? 1 : 2))) };
    assert.throws(() => new TspLocalSearch(tspInstance(asymmetric)), /symmetric/);
    assert.throws(() => new TspLocalSearch(tspInstance(gridPoints(7, 1, 100))), /at least 8 cities/);
  });
});

describe('solveAnnealing: the local search polishes the annealer on both devices', () => {
  for (const device of DEVICES) {
    it(`${device}: symmetric tours get kicks, the best is re-scored exactly, and asymmetric ones are left to the annealer`, async () => {
      const symmetric = gridPoints(60, 8, 1000);
      const polished = await solveAnnealing(annealRequest(symmetric, device, 3, { params: { seed: 3, device, timeLimitS: 60 }, sweepLimit: 200 }));
      assert.ok((polished.localSearchSteps ?? 0) > 0);
      assert.equal(polished.objective, tourLength(symmetric, polished.solution));
      assertPermutation(polished.solution, 60);

      const asymmetric: TspProblem = {
        kind: 'tsp',
        distances: Array.from({ length: 12 }, (_, i) => Array.from({ length: 12 }, (_, j) => (i === j ? 0 : ((i * 7 + j * 3) % 11) + 1))),
      };
      const plain = await solveAnnealing(annealRequest(asymmetric, device, 3, { params: { seed: 3, device, timeLimitS: 60 }, sweepLimit: 200 }));
      assert.equal(plain.localSearchSteps, 0);
      assert.equal(plain.objective, tourLength(asymmetric, plain.solution));
    });
  }
});
