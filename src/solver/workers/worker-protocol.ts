import type { EngineResult } from '../annealing/engine.js';
import type { RunLimits } from '../annealing/run-loop.js';
import type { AnnealingProblem, SolveProgress } from '../types.js';

/** A cancel flag: one Int32 over a SharedArrayBuffer; the main thread stores 1, the busy worker polls it. */
export type CancelFlag = Int32Array;

export interface AnnealJob {
  problem: AnnealingProblem;
  seed: number;
  replicas: number | undefined;
  device: 'cpu' | 'gpu';
  limits: RunLimits;
  cancel: CancelFlag;
}

export interface LinearJob {
  /** CPLEX LP text whose columns are named x0, x1, …, one per model variable. */
  lp: string;
  columns: number;
  /** Whether any column is integer: then HiGHS runs branch and bound and reports a MIP gap. */
  integer: boolean;
  timeLimitS: number;
  progressIntervalMs: number;
  cancel: CancelFlag;
}

export type LinearStatus = 'optimal' | 'infeasible' | 'unbounded' | 'time_limit' | 'cancelled';

/** What HiGHS reports, before names and the objective's constant are put back. */
export interface LinearRawResult {
  status: LinearStatus;
  objective: number | null;
  /** Column values in declaration order, when HiGHS has a primal solution. */
  values: number[] | null;
  gap: number | null;
  runtimeS: number;
}

export interface LinearRawProgress {
  objective: number | null;
  bestBound: number | null;
  gap: number | null;
  nodes: number;
  runtimeS: number;
}

export type ToWorker = { type: 'anneal'; job: AnnealJob } | { type: 'linear'; job: LinearJob };

export type FromWorker<Progress, Result> =
  | { type: 'started'; device: string }
  | { type: 'progress'; progress: Progress }
  | { type: 'done'; result: Result }
  | { type: 'error'; message: string; stack: string | undefined };

export type AnnealMessage = FromWorker<SolveProgress, EngineResult>;
export type LinearMessage = FromWorker<LinearRawProgress, LinearRawResult>;
