import { ModelError } from './linear-expression.js';
import { type LinearModel, parseLinearModel, toCplexLp, violatedConstantRow } from './linear-model.js';
import type { QueueHooks } from '../types.js';
import { runWorkerJob } from '../workers/worker-job.js';
import type { LinearJob, LinearRawProgress, LinearRawResult, LinearStatus } from '../workers/worker-protocol.js';

export interface LinearOptions {
  timeLimitS?: number;
  signal?: AbortSignal;
  progressIntervalMs?: number;
  onProgress?(progress: LinearProgress): void;
  /** Told when the solve waits for a solver thread and when it starts. */
  queue?: QueueHooks;
}

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

const DEFAULT_TIME_LIMIT_S = 60;

/**
 * Solves a JAOT LP/MIP model with HiGHS in a worker thread. The model is checked here first: a
 * malformed one throws ModelError naming the field, token and column.
 */
export async function solveLinear(raw: Record<string, unknown>, options: LinearOptions = {}): Promise<LinearOutcome> {
  const model = parseLinearModel(raw);
  const timeLimitS = options.timeLimitS ?? DEFAULT_TIME_LIMIT_S;
  if (!(timeLimitS > 0)) throw new ModelError('timeLimitS', `must be positive, got ${timeLimitS}`);
  const violated = violatedConstantRow(model);
  if (violated !== null) return { status: 'infeasible', objective: null, solution: {}, gap: null, runtimeS: 0 };

  const progressIntervalMs = options.progressIntervalMs ?? 500;
  const signal = options.signal ?? new AbortController().signal;
  const job: LinearJob = {
    lp: toCplexLp(model),
    columns: model.variables.length,
    integer: model.variables.some((v) => v.type !== 'continuous'),
    timeLimitS,
    progressIntervalMs,
    cancel: new Int32Array(new SharedArrayBuffer(4)),
  };
  const constant = model.objective.constant;
  const raw_ = await runWorkerJob<LinearRawProgress, LinearRawResult>(
    { type: 'linear', job },
    {
      signal,
      cancel: job.cancel,
      progressIntervalMs,
      ...options.queue,
      onProgress: (p) =>
        options.onProgress?.({
          ...p,
          objective: p.objective === null ? null : p.objective + constant,
          bestBound: p.bestBound === null ? null : p.bestBound + constant,
        }),
      onOverdue: () => ({ status: 'cancelled', objective: null, values: null, gap: null, runtimeS: 0 }),
    },
  );
  return {
    status: raw_.status,
    objective: raw_.objective === null ? null : raw_.objective + constant,
    solution: raw_.values === null ? {} : named(model, raw_.values),
    gap: raw_.gap,
    runtimeS: raw_.runtimeS,
  };
}

/** Values by variable name; integer and binary ones rounded off HiGHS's feasibility tolerance. */
function named(model: LinearModel, values: number[]): Record<string, number> {
  const out: Record<string, number> = {};
  model.variables.forEach((v, i) => {
    const value = values[i] ?? 0;
    out[v.name] = v.type === 'continuous' ? value : Math.round(value);
  });
  return out;
}
