import type { TspInstance } from './tsp-instance.js';

/**
 * Annealing with restarts, shared by the CPU and GPU TSP annealers. Each replica cools geometrically
 * from `startT` to `endT` over `cycleSweeps` sweeps; after a cycle it takes over the best tour found so
 * far and reheats to `reheatT`, which is hot enough to leave that tour's basin but keeps most of it.
 */
export interface TspSchedule {
  startT: number;
  endT: number;
  reheatT: number;
  cycleSweeps: number;
  /** Sweeps per epoch: small enough that an epoch takes well under a progress interval. */
  epochSweeps: number;
}

/** Move attempts per epoch over all replicas on the CPU: some milliseconds. */
export const CPU_MOVES_PER_EPOCH = 1 << 18;

export function tspSchedule(inst: TspInstance, replicas: number, movesPerEpoch = CPU_MOVES_PER_EPOCH): TspSchedule {
  const epochSweeps = Math.max(1, Math.round(movesPerEpoch / Math.max(1, inst.n * replicas)));
  const cycleSweeps = Math.max(200, Math.ceil(400000 / Math.max(inst.n, 1)));
  return {
    startT: inst.scale * 1.0,
    endT: inst.scale * 0.01,
    reheatT: inst.scale * 0.15,
    cycleSweeps: Math.ceil(cycleSweeps / epochSweeps) * epochSweeps,
    epochSweeps,
  };
}
