import { type LinearModel, parseLinearModel, toCplexLp, violatedConstantRow } from './linear-model.js';
import { runHighs } from './highs-run.js';
import type { LinearJob, LinearOutcome, LinearProgress } from '../workers/worker-protocol.js';

/**
 * The worker's half of solveLinear. Parsing a model near the 8 MB body limit takes the better part of
 * a second, so it happens here, off the main thread, and so does everything that needs the parsed
 * model: the constant rows, the LP text, and the names and objective constant put back on the answer.
 */
export async function runLinearJob(job: LinearJob, report: (progress: LinearProgress) => void): Promise<LinearOutcome> {
  const model = parseLinearModel(job.model);
  if (violatedConstantRow(model) !== null) return { status: 'infeasible', objective: null, solution: {}, gap: null, runtimeS: 0 };
  const constant = model.objective.constant;
  const shifted = (value: number | null): number | null => (value === null ? null : value + constant);
  const raw = await runHighs(
    {
      lp: toCplexLp(model),
      columns: model.variables.length,
      integer: model.variables.some((v) => v.type !== 'continuous'),
      timeLimitS: job.timeLimitS,
      progressIntervalMs: job.progressIntervalMs,
      cancel: job.cancel,
    },
    (p) => report({ ...p, objective: shifted(p.objective), bestBound: shifted(p.bestBound) }),
  );
  return {
    status: raw.status,
    objective: shifted(raw.objective),
    solution: raw.values === null ? {} : named(model, raw.values),
    gap: raw.gap,
    runtimeS: raw.runtimeS,
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
