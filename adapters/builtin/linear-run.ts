import { invalid } from '../../src/core/errors.js';
import type { EventSink } from '../../src/core/provider.js';
import { ModelError } from '../../src/solver/lp/linear-expression.js';
import { checkLinearModel, solveLinear, type LinearOutcome } from '../../src/solver/lp/linear-solve.js';
import type { QueueHooks } from '../../src/solver/index.js';

const now = (): string => new Date().toISOString();

/**
 * A malformed model is the client's error (400 naming the expression), not a failed job. The check
 * runs on a worker thread: parsing a model near the body limit would hold this event loop for most of a second.
 */
export async function validateLinearModel(model: Record<string, unknown>): Promise<void> {
  try {
    await checkLinearModel(model);
  } catch (error) {
    if (error instanceof ModelError) throw invalid(error.message, { field: error.field, ...(error.column && { column: error.column }) });
    throw error;
  }
}

function percent(gap: number | null): string {
  return gap === null ? 'n/a' : `${(gap * 100).toFixed(1)}%`;
}

function finish(outcome: LinearOutcome, sink: EventSink): void {
  const at = now();
  const result = {
    status: outcome.status,
    solution: outcome.solution,
    runtimeS: outcome.runtimeS,
    gpuSeconds: 0,
    device: 'cpu:highs',
    ...(outcome.objective !== null && { objective: outcome.objective }),
    ...(outcome.gap !== null && { data: { gap: outcome.gap } }),
  };
  switch (outcome.status) {
    case 'optimal':
      sink.emit({ type: 'completed', at, ...(outcome.gap !== null && { gap: outcome.gap }), result });
      return;
    case 'time_limit':
      if (outcome.objective !== null) {
        sink.emit({ type: 'completed', at, ...(outcome.gap !== null && { gap: outcome.gap }), result });
        return;
      }
      sink.emit({ type: 'failed', at, error: { code: 'time_limit', message: 'Solver error: time limit reached without a feasible solution' } });
      return;
    case 'infeasible':
    case 'unbounded':
      sink.emit({ type: 'failed', at, error: { code: outcome.status, message: `Solver error: problem is ${outcome.status}` } });
      return;
    case 'cancelled':
      sink.emit({ type: 'cancelled', at, result });
  }
}

/** LP/MIP through HiGHS: progress with incumbent, bound and gap while it runs, then the verdict. */
export async function runLinear(
  model: Record<string, unknown>,
  options: { timeLimitS: number; progressIntervalMs: number; signal: AbortSignal; sink: EventSink; stopped: () => boolean; queue: QueueHooks },
): Promise<void> {
  let reports = 0;
  const outcome = await solveLinear(model, {
    timeLimitS: options.timeLimitS,
    signal: options.signal,
    progressIntervalMs: options.progressIntervalMs,
    queue: options.queue,
    onProgress: (p) =>
      options.sink.emit({
        type: 'progress',
        at: now(),
        iteration: ++reports,
        progress: Math.min(1, p.runtimeS / options.timeLimitS),
        ...(p.objective !== null && { objective: p.objective, bestObjective: p.objective }),
        ...(p.gap !== null && { gap: p.gap }),
        message: `Iteration ${reports}: obj=${p.objective ?? 'n/a'}, gap=${percent(p.gap)}, nodes=${p.nodes}`,
      }),
  });
  if (!options.stopped()) finish(outcome, options.sink);
}
