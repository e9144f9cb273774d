import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IsingProblem, MaxCutProblem, QuboProblem } from '../../src/core/problem.js';
import { parseBqp } from '../../src/core/problem-formats.js';
import { isingAsQubo, spinsOf } from '../../src/solver/annealing/ising.js';
import { solveAnnealing } from '../../src/solver/index.js';
import { Rng } from '../../src/solver/annealing/random.js';
import { cutEnergy, isingEnergy, quboEnergy } from '../../src/solver/annealing/score.js';
import type { SolveRequest } from '../../src/solver/types.js';
import { bqpInstance } from '../helpers/instances.js';
import { DEVICES, annealRequest, assertDevice, assertReachesOptimum, assertRepeats, solveAbortedAfter } from '../helpers/solver-checks.js';

function request(problem: QuboProblem | IsingProblem | MaxCutProblem, device: string, overrides: Partial<SolveRequest> = {}): SolveRequest {
  return annealRequest(problem, device, 5, overrides);
}

function randomQubo(n: number, seed: number, density: number): QuboProblem {
  const rng = new Rng(seed);
  const terms: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      if (i === j || rng.nextFloat() < density) terms.push([i, j, rng.below(41) - 20]);
    }
  }
  return { kind: 'qubo', n, terms };
}

function randomGraph(n: number, seed: number): MaxCutProblem {
  const rng = new Rng(seed);
  const edges: [number, number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (rng.nextFloat() < 0.4) edges.push([i, j, 1 + rng.below(5)]);
  return { kind: 'maxcut', n, edges };
}

/** A spin glass: Gaussian-ish couplings on a random graph and small fields, so the optimum is not all-aligned. */
function randomIsing(n: number, seed: number): IsingProblem {
  const rng = new Rng(seed);
  const couplings: [number, number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (rng.nextFloat() < 0.4) couplings.push([i, j, rng.below(21) - 10]);
  return { kind: 'ising', n, h: Array.from({ length: n }, () => rng.below(7) - 3), couplings };
}

function bruteForce(n: number, energy: (x: number[]) => number): number {
  let best = Infinity;
  for (let mask = 0; mask < 1 << n; mask++) {
    best = Math.min(best, energy(Array.from({ length: n }, (_, i) => (mask >> i) & 1)));
  }
  return best;
}

for (const device of DEVICES) {
  describe(`solveAnnealing: QUBO and Max-Cut on ${device}`, () => {
    for (const [n, density] of [
      [1, 0],
      [2, 1],
      [8, 0.5],
      [14, 0.3],
    ] as const) {
      it(`QUBO n = ${n}: reaches the brute-force optimum`, async () => {
        const problem = randomQubo(n, 40 + n, density);
        await assertReachesOptimum(problem, device, n, bruteForce(n, (x) => quboEnergy(problem, x)), quboEnergy);
      });
    }

    it('QUBO n = 12 with fractional coefficients (priced by e^(-Δ/T), not the integral table): reaches the brute-force optimum', async () => {
      const integral = randomQubo(12, 61, 0.5);
      const problem: QuboProblem = { ...integral, terms: integral.terms.map(([i, j, q]) => [i, j, q * 0.37 + 0.01]) };
      await assertReachesOptimum(problem, device, 4, bruteForce(12, (x) => quboEnergy(problem, x)), quboEnergy);
    });

    it('QUBO n = 12 with large whole-number coefficients (too long a table): reaches the brute-force optimum', async () => {
      const small = randomQubo(12, 62, 0.5);
      const problem: QuboProblem = { ...small, terms: small.terms.map(([i, j, q]) => [i, j, q * 100003]) };
      await assertReachesOptimum(problem, device, 5, bruteForce(12, (x) => quboEnergy(problem, x)), quboEnergy);
    });

    it('Max-Cut n = 14: reaches the brute-force optimum, reported as minus the cut', async () => {
      const problem = randomGraph(14, 3);
      const optimum = bruteForce(14, (x) => cutEnergy(problem, x));
      assert.ok(optimum < 0);
      const outcome = await solveAnnealing(request(problem, device, { params: { seed: 1, device, targetEnergy: optimum, timeLimitS: 60 } }));
      assertDevice(outcome, device);
      assert.equal(outcome.objective, optimum);
    });

    it('Ising n = 14: reaches the brute-force optimum as ±1 spins, with a target given in Ising energy', async () => {
      const problem = randomIsing(14, 5);
      const optimum = bruteForce(14, (x) => isingEnergy(problem, spinsOf(x)));
      const outcome = await solveAnnealing(request(problem, device, { params: { seed: 2, device, targetEnergy: optimum, timeLimitS: 60 } }));
      assertDevice(outcome, device);
      assert.equal(outcome.stopReason, 'target_reached');
      assert.equal(outcome.objective, optimum);
      assert.equal(isingEnergy(problem, outcome.solution), optimum);
    });

    it('an OR-Library BQP instance (n = 18) reaches its brute-force maximum', async () => {
      const { text, maximum } = bqpInstance(18, 6);
      const [problem] = parseBqp(text);
      const outcome = await solveAnnealing(request(problem!, device, { params: { seed: 3, device, targetEnergy: -maximum, timeLimitS: 120 } }));
      assert.equal(outcome.objective, -maximum);
      assert.equal(outcome.stopReason, 'target_reached');
    });

    it('gives the same result for the same seed and sweep budget', async () => {
      const problem = randomQubo(60, 8, 0.2);
      await assertRepeats(request(problem, device, { sweepLimit: 200, params: { seed: 9, device, replicas: 8, timeLimitS: 300 } }), device);
    });

    it('stops on cancel before the next progress event', async () => {
      const problem = randomGraph(300, 8);
      const outcome = await solveAbortedAfter(problem, device, 1, (p) => assert.equal(p.bestEnergy, cutEnergy(problem, p.bestSolution)));
      assert.equal(outcome.objective, cutEnergy(problem, outcome.solution));
    });
  });
}

describe('Ising as QUBO', () => {
  it('gives every spin configuration the same energy, offset included', () => {
    const problem = randomIsing(10, 7);
    const { qubo, offset } = isingAsQubo(problem);
    for (let mask = 0; mask < 1 << 10; mask++) {
      const x = Array.from({ length: 10 }, (_, i) => (mask >> i) & 1);
      assert.equal(quboEnergy(qubo, x) + offset, isingEnergy(problem, spinsOf(x)));
    }
  });

  it('reports progress in spins and Ising energies', async () => {
    const problem = randomIsing(30, 9);
    const seen: number[] = [];
    const outcome = await solveAnnealing(
      request(problem, 'cpu', {
        params: { seed: 1, device: 'cpu', timeLimitS: 0.6 },
        onProgress: (p) => {
          assert.ok(p.bestSolution.every((s) => s === -1 || s === 1));
          assert.equal(p.bestEnergy, isingEnergy(problem, p.bestSolution));
          seen.push(p.bestEnergy);
        },
      }),
    );
    assert.ok(seen.length > 0);
    assert.ok(outcome.objective <= Math.min(...seen));
  });
});

describe('solveAnnealing: binary input checks', () => {
  it('rejects lower-triangular QUBO terms and out-of-range vertices', async () => {
    await assert.rejects(solveAnnealing(request({ kind: 'qubo', n: 2, terms: [[1, 0, 3]] }, 'cpu')), /upper triangle/);
    await assert.rejects(solveAnnealing(request({ kind: 'maxcut', n: 2, edges: [[0, 2, 1]] }, 'cpu')), /outside 0\.\.1/);
    await assert.rejects(solveAnnealing(request({ kind: 'ising', n: 2, h: [0, 0], couplings: [[1, 0, 1]] }, 'cpu')), /i < j/);
  });
});
