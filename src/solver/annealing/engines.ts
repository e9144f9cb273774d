import { binaryModel } from './binary-model.js';
import type { AnnealingEngine } from './engine.js';
import { FixedEngine } from './fixed-engine.js';
import { PolishedEngine } from './polished-engine.js';
import { PtCpuAnnealer } from './pt-cpu-annealer.js';
import { TspCpuAnnealer } from './tsp-cpu-annealer.js';
import { type TspInstance, enumerateTours, tspInstance } from './tsp-instance.js';
import { TspPolisher } from './tsp-polisher.js';
import type { AnnealingProblem } from '../types.js';

export const TSP_REPLICAS = 8;
/** Parallel tempering needs enough rungs for states to travel from hot to cold. */
export const PT_REPLICAS = 16;

export function createCpuEngine(problem: AnnealingProblem, seed: number, replicas: number | undefined): AnnealingEngine {
  switch (problem.kind) {
    case 'tsp': {
      const inst = tspInstance(problem);
      if (inst.n < 5) {
        const { tour, cost } = enumerateTours(inst);
        return new FixedEngine(tour, cost);
      }
      return polishTours(inst, new TspCpuAnnealer(inst, { seed, replicas: replicas ?? TSP_REPLICAS }), seed);
    }
    case 'qubo':
    case 'maxcut':
      return new PtCpuAnnealer(binaryModel(problem), { seed, replicas: replicas ?? PT_REPLICAS });
  }
}

/** 'gpu' takes the WebGPU engine where one applies and falls back to the CPU otherwise. */
export async function createEngine(
  problem: AnnealingProblem,
  seed: number,
  replicas: number | undefined,
  device: 'cpu' | 'gpu',
): Promise<AnnealingEngine> {
  if (device === 'gpu') {
    const { createGpuEngine } = await import('../gpu/gpu-engines.js');
    const engine = await createGpuEngine(problem, seed, replicas);
    if (engine !== null) return problem.kind === 'tsp' ? polishTours(tspInstance(problem), engine, seed) : engine;
  }
  return createCpuEngine(problem, seed, replicas);
}

/** Both devices' TSP annealers get the same local search on the CPU. */
function polishTours(inst: TspInstance, annealer: AnnealingEngine, seed: number): AnnealingEngine {
  return TspPolisher.fits(inst) ? new PolishedEngine(annealer, new TspPolisher(inst, seed)) : annealer;
}
