import { binaryModel } from '../annealing/binary-model.js';
import type { AnnealingEngine } from '../annealing/engine.js';
import { tspInstance } from '../annealing/tsp-instance.js';
import type { AnnealingProblem } from '../types.js';
import { gpuContext } from './gpu-context.js';
import { PtGpuAnnealer } from './pt-gpu-annealer.js';
import { TspGpuAnnealer } from './tsp-gpu-annealer.js';

/** Default replica counts: a software adapter runs them on the CPU's cores; a GPU wants thousands of workgroups' worth. */
const REPLICAS = {
  tsp: { software: 8, hardware: 1024 },
  binary: { software: 16, hardware: 1024 },
};

/**
 * The GPU engine for a problem, or null when the CPU must run it: no adapter, an asymmetric or tiny
 * TSP, or a state too large for one workgroup's memory.
 */
export async function createGpuEngine(
  problem: AnnealingProblem,
  seed: number,
  replicas: number | undefined,
): Promise<AnnealingEngine | null> {
  const ctx = await gpuContext();
  if (ctx === null) return null;
  const tier = ctx.software ? 'software' : 'hardware';
  if (problem.kind === 'tsp') {
    const inst = tspInstance(problem);
    if (!TspGpuAnnealer.fits(ctx, inst)) return null;
    return TspGpuAnnealer.create(ctx, inst, { seed, replicas: replicas ?? REPLICAS.tsp[tier] });
  }
  const model = binaryModel(problem);
  if (!PtGpuAnnealer.fits(ctx, model)) return null;
  return PtGpuAnnealer.create(ctx, model, { seed, replicas: replicas ?? REPLICAS.binary[tier] });
}
