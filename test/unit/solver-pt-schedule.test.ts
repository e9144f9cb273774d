import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { MaxCutProblem } from '../../src/core/problem.js';
import { binaryModel, modelEnergy } from '../../src/solver/annealing/binary-model.js';
import { PtCpuAnnealer } from '../../src/solver/annealing/pt-cpu-annealer.js';
import { ptSchedule, ptStart, ptStates } from '../../src/solver/annealing/pt-schedule.js';
import { Rng } from '../../src/solver/annealing/random.js';
import { cutEnergy } from '../../src/solver/annealing/score.js';

function randomGraph(n: number, seed: number, density: number, maxWeight: number): MaxCutProblem {
  const rng = new Rng(seed);
  const edges: [number, number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (rng.nextFloat() < density) edges.push([i, j, 1 + rng.below(maxWeight)]);
  return { kind: 'maxcut', n, edges };
}

function bruteForceCut(problem: MaxCutProblem): number {
  let best = 0;
  for (let mask = 0; mask < 1 << problem.n; mask++) {
    best = Math.min(best, cutEnergy(problem, Array.from({ length: problem.n }, (_, i) => (mask >> i) & 1)));
  }
  return best;
}

const graphs = fc.record({
  n: fc.integer({ min: 2, max: 11 }),
  seed: fc.integer(),
  density: fc.double({ min: 0.1, max: 1, noNaN: true }),
  maxWeight: fc.integer({ min: 1, max: 9 }),
});

describe('parallel tempering ladder', () => {
  it('rises from the coldest to the hottest rung in steps that widen towards the hot end', () => {
    fc.assert(
      fc.property(graphs, fc.integer({ min: 2, max: 40 }), ({ n, seed, density, maxWeight }, requested) => {
        const model = binaryModel(randomGraph(n, seed, density, maxWeight));
        const { temperatures, rungs, replicas, roundsPerEpoch } = ptSchedule(model, requested, 1 << 18);
        assert.equal(temperatures.length, rungs);
        assert.equal(replicas % rungs, 0);
        assert.ok(replicas >= requested && roundsPerEpoch >= 1);
        assert.ok(Math.abs(temperatures[rungs - 1]! / temperatures[0]! - 8) < 1e-9);
        for (let k = 1; k < rungs; k++) {
          assert.ok(temperatures[k]! > temperatures[k - 1]!);
          if (k > 1) assert.ok(temperatures[k]! - temperatures[k - 1]! >= temperatures[k - 1]! - temperatures[k - 2]! - 1e-12);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('PtCpuAnnealer on small random graphs', () => {
  it('reaches the brute-force optimum and reports the energy its best state scores', () => {
    fc.assert(
      fc.property(graphs, fc.integer({ min: 0, max: 0xffff }), ({ n, seed, density, maxWeight }, runSeed) => {
        const problem = randomGraph(n, seed, density, maxWeight);
        const model = binaryModel(problem);
        const annealer = new PtCpuAnnealer(model, { seed: runSeed, replicas: 16 });
        for (let epoch = 0; epoch < 3; epoch++) annealer.epoch();
        const best = annealer.bestSolution();
        // `===` rather than assert.equal, which tells 0 from the -0 of an empty cut.
        assert.ok(annealer.bestEnergy === modelEnergy(model, best));
        assert.ok(annealer.bestEnergy === cutEnergy(problem, best));
        assert.ok(annealer.bestEnergy === bruteForceCut(problem));
      }),
      { numRuns: 40 },
    );
  });

  it('repeats itself epoch for epoch for a seed, across the restarts of a ladder that stopped improving', () => {
    const problem = randomGraph(60, 5, 0.2, 3);
    const model = binaryModel(problem);
    const runs = [0, 1].map(() => {
      const annealer = new PtCpuAnnealer(model, { seed: 17, replicas: 16 });
      const trace: number[] = [];
      // Over 10 000 sweeps: a 60-vertex ladder settles within a few hundred, so it restarts at least twice.
      for (let epoch = 0; epoch < 40; epoch++) {
        annealer.epoch();
        trace.push(annealer.bestEnergy, annealer.current().energy);
        assert.equal(annealer.bestEnergy, cutEnergy(problem, annealer.bestSolution()));
      }
      return { trace, best: annealer.bestSolution(), sweeps: annealer.sweeps };
    });
    assert.ok(runs[0]!.sweeps > 10_000);
    assert.deepEqual(runs[0], runs[1]);
    const bests = runs[0]!.trace.filter((_, k) => k % 2 === 0);
    assert.deepEqual(bests, [...bests].sort((a, b) => b - a), 'a restart never loses the best found');
  });
});

describe('parallel tempering start states', () => {
  it('start from attempt 0, and each restart draws states of its own', () => {
    const start = ptStart(9, 4, 300);
    assert.deepEqual(ptStates(9, 4, 300, 0), start.x);
    const again = ptStates(9, 4, 300, 1);
    assert.notDeepEqual(again, start.x);
    assert.deepEqual(ptStates(9, 4, 300, 1), again);
  });
});
