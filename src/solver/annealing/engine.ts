import type { StopReason } from '../types.js';

/**
 * What the run loop drives: one annealer on one device. Work happens in epochs of a fixed number of
 * sweeps that depends only on the problem, the replica count and the device, never on the clock, so every epoch
 * boundary of a seeded run is reproducible whatever the machine's speed.
 */
export interface AnnealingEngine {
  /** "cpu" or the WebGPU adapter description. */
  readonly device: string;
  /** Sweeps per replica so far (a sweep is n move attempts, n the problem size). */
  readonly sweeps: number;
  /** Move or flip attempts so far, over all replicas. */
  readonly attempts: number;
  /** Steps of the local search that polishes the annealer's best, where one runs (polished-engine.ts). */
  readonly localSearchSteps?: number;
  readonly bestEnergy: number;
  /** Seconds the GPU was busy; 0 on the CPU. */
  readonly gpuSeconds: number;
  /** Set when the whole search space has been looked at, so more epochs cannot improve the best. */
  readonly exhausted: boolean;
  bestSolution(): number[];
  /** Energy and temperature of the coldest replica. */
  current(): { energy: number; temperature: number };
  epoch(): void | Promise<void>;
  dispose?(): void;
}

export interface EngineOptions {
  seed: number;
  replicas: number;
}

export interface EngineResult {
  solution: number[];
  energy: number;
  iterations: number;
  attempts: number;
  localSearchSteps: number;
  stopReason: StopReason;
  gpuSeconds: number;
  device: string;
}
