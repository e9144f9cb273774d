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
  /** The JAOT model as submitted: the worker checks and parses it, so the main thread never does. */
  model: Record<string, unknown>;
  timeLimitS: number;
  progressIntervalMs: number;
  cancel: CancelFlag;
}

export type LinearStatus = 'optimal' | 'infeasible' | 'unbounded' | 'time_limit' | 'cancelled';

/** MIP progress from HiGHS: incumbent objective, best bound and their relative gap. */
export interface LinearProgress {
  objective: number | null;
  bestBound: number | null;
  gap: number | null;
  nodes: number;
  runtimeS: number;
}

export interface LinearOutcome {
  /** 'cancelled' when the signal stopped the solve; the best incumbent, if any, is still returned. */
  status: LinearStatus;
  /** Null when there is no feasible solution to report. */
  objective: number | null;
  solution: Record<string, number>;
  /** Relative MIP gap; 0 for a solved LP; null without an incumbent. */
  gap: number | null;
  runtimeS: number;
}

/** `check-linear` only checks and parses a JAOT model, for a refusal at submit; it answers `done` with null. */
export type ToWorker = { type: 'anneal'; job: AnnealJob } | { type: 'linear'; job: LinearJob } | { type: 'check-linear'; model: Record<string, unknown> };

/** A ModelError thrown in the worker, in the parts that rebuild it on the main thread. */
export interface ModelErrorParts {
  field: string;
  column: number | undefined;
  message: string;
}

export type FromWorker<Progress, Result> =
  | { type: 'started'; device: string }
  | { type: 'progress'; progress: Progress }
  | { type: 'done'; result: Result }
  | { type: 'error'; message: string; stack: string | undefined }
  /** The model was refused: the client's mistake, and the worker is fit for the next job. */
  | { type: 'model_error'; error: ModelErrorParts };

export type AnnealMessage = FromWorker<SolveProgress, EngineResult>;
export type LinearMessage = FromWorker<LinearProgress, LinearOutcome>;
export type CheckMessage = FromWorker<never, null>;
