import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TspProblem } from '../../src/core/problem.js';
import { solveAnnealing } from '../../src/solver/index.js';
import { Rng } from '../../src/solver/annealing/random.js';
import { tourLength } from '../../src/solver/annealing/score.js';
import type { SolveProgress, SolveRequest } from '../../src/solver/types.js';
import { heldKarp } from '../helpers/held-karp.js';
import { DEVICES, annealRequest, assertReachesOptimum, assertRepeats, solveAbortedAfter } from '../helpers/solver-checks.js';

function request(problem: TspProblem, device: string, overrides: Partial<SolveRequest> = {}): SolveRequest {
  return annealRequest(problem, device, 7, overrides);
}

function randomInstance(n: number, seed: number, symmetric: boolean): TspProblem {
  const rng = new Rng(seed);
  const pts = Array.from({ length: n }, () => [rng.below(1000), rng.below(1000)] as const);
  const distances = pts.map((a, i) =>
    pts.map((b, j) => (i === j ? 0 : Math.round(Math.hypot(a[0] - b[0], a[1] - b[1])) + (symmetric ? 0 : rng.below(200)))),
  );
  return { kind: 'tsp', distances };
}

function assertPermutation(tour: number[], n: number): void {
  assert.deepEqual([...tour].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
}


describe('solveAnnealing: TSP edge cases', () => {
  for (const n of [1, 2, 3, 4]) {
    it(`solves n = ${n} exactly`, async () => {
      const problem = randomInstance(n, n, false);
      const outcome = await solveAnnealing(request(problem, 'gpu'));
      assertPermutation(outcome.solution, n);
      assert.equal(outcome.objective, heldKarp(problem.distances!));
      assert.equal(outcome.stopReason, 'converged');
      assert.equal(outcome.device, 'cpu');
    });
  }

  it('runs asymmetric instances on the CPU even when the GPU is asked for', async () => {
    const problem = randomInstance(8, 21, false);
    const optimum = heldKarp(problem.distances!);
    const outcome = await solveAnnealing(request(problem, 'gpu', { params: { seed: 3, device: 'gpu', targetEnergy: optimum, timeLimitS: 60 } }));
    assert.equal(outcome.device, 'cpu');
    assert.equal(outcome.objective, optimum);
  });

  it('rejects a malformed distance matrix', async () => {
    await assert.rejects(solveAnnealing(request({ kind: 'tsp', distances: [[0, 1], [1]] }, 'cpu')), /distances\[1\] must have 2 entries/);
  });
});

for (const device of DEVICES) {
  describe(`solveAnnealing: TSP on ${device}`, () => {
    const symmetries = device === 'cpu' ? [true, false] : [true];
    for (const symmetric of symmetries) {
      for (const n of [5, 7, 9]) {
        it(`finds the Held–Karp optimum, n = ${n}, ${symmetric ? 'symmetric' : 'asymmetric'}`, async () => {
          const problem = randomInstance(n, 100 + n, symmetric);
          await assertReachesOptimum(problem, device, n, heldKarp(problem.distances!), tourLength);
        });
      }
    }

    it('gives the same result for the same seed and sweep budget', async () => {
      const problem = randomInstance(40, 5, true);
      const [a, b] = await assertRepeats(request(problem, device, { sweepLimit: 600, params: { seed: 11, device, replicas: 4, timeLimitS: 300 } }), device);
      assert.equal(a.objective, b.objective);
    });

    it('reports progress with a re-scored best tour', async () => {
      const problem = randomInstance(60, 9, true);
      const seen: SolveProgress[] = [];
      await solveAnnealing(request(problem, device, { params: { seed: 1, device, timeLimitS: 1 }, onProgress: (p) => seen.push(p) }));
      assert.ok(seen.length >= 2, `expected progress events, got ${seen.length}`);
      for (const p of seen) {
        assertPermutation(p.bestSolution, 60);
        assert.equal(p.bestEnergy, tourLength(problem, p.bestSolution));
        assert.ok(p.temperature > 0);
      }
      for (let k = 1; k < seen.length; k++) {
        assert.ok(seen[k]!.iteration > seen[k - 1]!.iteration);
        assert.ok(seen[k]!.bestEnergy <= seen[k - 1]!.bestEnergy);
      }
    });

    it('stops on cancel before the next progress event', async () => {
      const problem = randomInstance(200, 3, true);
      const outcome = await solveAbortedAfter(problem, device, 2);
      assert.ok(outcome.runtimeS < 120);
      assertPermutation(outcome.solution, 200);
      assert.equal(outcome.objective, tourLength(problem, outcome.solution));
    });

    it('stops at the first progress check once the target is reached', async () => {
      const problem = randomInstance(30, 4, true);
      const events: string[] = [];
      const outcome = await solveAnnealing(
        request(problem, device, {
          params: { seed: 2, device, timeLimitS: 300, targetEnergy: Number.MAX_VALUE },
          onProgress: () => events.push('progress'),
        }),
      );
      assert.equal(outcome.stopReason, 'target_reached');
      assert.equal(outcome.iterations, 0);
      assert.deepEqual(events, []);
    });
  });
}
