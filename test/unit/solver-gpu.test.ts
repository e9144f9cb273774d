import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MaxCutProblem, QuboProblem } from '../../src/core/problem.js';
import { binaryModel, modelEnergy } from '../../src/solver/annealing/binary-model.js';
import { type GpuContext, gpuContext } from '../../src/solver/gpu/gpu-context.js';
import { PtGpuAnnealer } from '../../src/solver/gpu/pt-gpu-annealer.js';
import { PT_WORKGROUP } from '../../src/solver/gpu/pt-kernels.js';
import { TspGpuAnnealer } from '../../src/solver/gpu/tsp-gpu-annealer.js';
import { Rng } from '../../src/solver/annealing/random.js';
import { cutEnergy, quboEnergy, tourLength } from '../../src/solver/annealing/score.js';
import { tspInstance } from '../../src/solver/annealing/tsp-instance.js';

/** CI installs lavapipe, so a missing adapter is a broken setup, not a reason to skip. */
const context: GpuContext | null = await gpuContext();
const allowNoGpu = process.env.OPTBRIDGE_ALLOW_NO_GPU === '1';

function floatQubo(n: number, seed: number): QuboProblem {
  const rng = new Rng(seed);
  const terms: [number, number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) if (i === j || rng.nextFloat() < 0.3) terms.push([i, j, rng.nextFloat() * 8 - 4]);
  return { kind: 'qubo', n, terms };
}

function graph(n: number, seed: number): MaxCutProblem {
  const rng = new Rng(seed);
  const edges: [number, number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (rng.nextFloat() < 0.1) edges.push([i, j, 1 + rng.below(3)]);
  return { kind: 'maxcut', n, edges };
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(a), Math.abs(b));

describe('WebGPU kernels', () => {
  it('finds a WebGPU adapter', (t) => {
    if (context === null && allowNoGpu) {
      t.diagnostic('no adapter; OPTBRIDGE_ALLOW_NO_GPU=1');
      return;
    }
    assert.ok(context, 'no WebGPU adapter: install a Vulkan driver (lavapipe) or set OPTBRIDGE_ALLOW_NO_GPU=1');
    assert.match(context.description, /^webgpu:/);
  });

  if (context === null) return;
  const gpu = context;

  /** A software adapter's replica count, and the count a hardware GPU gets by default (gpu-engines.ts). */
  const REPLICA_COUNTS = [12, 1024];
  /** The kernel as this adapter runs it, and as a hardware GPU does (PT_WORKGROUP). */
  const PT_SHAPES = [
    { replicas: 12, workgroup: undefined },
    { replicas: 1024, workgroup: PT_WORKGROUP.hardware },
  ];

  for (const problem of [floatQubo(90, 1), graph(150, 2)]) for (const { replicas, workgroup } of PT_SHAPES) {
    it(`parallel tempering kernel agrees with the CPU on ${problem.kind} energies with ${replicas} replicas, workgroup ${workgroup ?? 'default'}, before and after sweeps`, async () => {
      const model = binaryModel(problem);
      const engine = await PtGpuAnnealer.create(gpu, model, { seed: 4, replicas, workgroup });
      try {
        for (let round = 0; round < 3; round++) {
          const { states, energies } = await engine.snapshot();
          assert.equal(states.length, replicas);
          states.forEach((x, r) => {
            const cpu = problem.kind === 'qubo' ? quboEnergy(problem, x) : cutEnergy(problem, x);
            assert.ok(close(energies[r]!, cpu), `replica ${r}: GPU ${energies[r]} vs CPU ${cpu}`);
            assert.ok(close(modelEnergy(model, x), cpu));
          });
          await engine.epoch();
        }
        const best = engine.bestSolution();
        const cpu = problem.kind === 'qubo' ? quboEnergy(problem, best) : cutEnergy(problem, best);
        assert.ok(close(engine.bestEnergy, cpu));
      } finally {
        engine.dispose();
      }
    });
  }

  it('parallel tempering restarts a stalled ladder on the GPU too: energies still agree with the CPU, the best is kept and reaches the optimum', async () => {
    const problem = graph(16, 3);
    const model = binaryModel(problem);
    let optimum = 0;
    for (let mask = 0; mask < 1 << 16; mask++) optimum = Math.min(optimum, cutEnergy(problem, Array.from({ length: 16 }, (_, i) => (mask >> i) & 1)));
    const engine = await PtGpuAnnealer.create(gpu, model, { seed: 8, replicas: 12 });
    try {
      let best = Infinity;
      // Past 8000 sweeps: a 16-vertex ladder settles at once, so it restarts at least once.
      while (engine.sweeps <= 8000) {
        await engine.epoch();
        const { states, energies } = await engine.snapshot();
        states.forEach((x, r) => assert.ok(close(energies[r]!, cutEnergy(problem, x)), `replica ${r} after ${engine.sweeps} sweeps`));
        assert.ok(engine.bestEnergy <= best);
        best = engine.bestEnergy;
      }
      assert.equal(engine.bestEnergy, optimum);
      assert.equal(cutEnergy(problem, engine.bestSolution()), optimum);
    } finally {
      engine.dispose();
    }
  });

  for (const replicas of REPLICA_COUNTS) it(`TSP kernel agrees with the CPU on tour lengths with ${replicas} replicas, and keeps every tour a permutation`, async () => {
    const rng = new Rng(6);
    const pts = Array.from({ length: 70 }, () => [rng.nextFloat() * 100, rng.nextFloat() * 100] as const);
    const problem = { kind: 'tsp' as const, distances: pts.map((a) => pts.map((b) => Math.hypot(a[0] - b[0], a[1] - b[1]))) };
    const engine = await TspGpuAnnealer.create(gpu, tspInstance(problem), { seed: 2, replicas });
    try {
      for (let round = 0; round < 3; round++) {
        const { states, energies } = await engine.snapshot();
        states.forEach((tour, r) => {
          assert.deepEqual([...tour].sort((a, b) => a - b), Array.from({ length: 70 }, (_, i) => i));
          assert.ok(close(energies[r]!, tourLength(problem, tour)), `replica ${r}: GPU ${energies[r]} vs CPU ${tourLength(problem, tour)}`);
        });
        await engine.epoch();
      }
      assert.ok(close(engine.bestEnergy, tourLength(problem, engine.bestSolution())));
    } finally {
      engine.dispose();
    }
  });
});
