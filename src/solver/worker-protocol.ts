import type { EngineResult } from './engine.js';
import type { RunLimits } from './run-loop.js';
import type { AnnealingProblem, SolveProgress } from './types.js';

export interface WorkerJob {
  problem: AnnealingProblem;
  seed: number;
  replicas: number | undefined;
  device: 'cpu' | 'gpu';
  limits: RunLimits;
  /** One Int32 over a SharedArrayBuffer: the main thread stores 1 to cancel, the busy worker polls it. */
  cancel: Int32Array;
}

export type ToWorker = { type: 'solve'; job: WorkerJob };

export type FromWorker =
  | { type: 'started'; device: string }
  | { type: 'progress'; progress: SolveProgress }
  | { type: 'done'; result: EngineResult }
  | { type: 'error'; message: string; stack: string | undefined };
