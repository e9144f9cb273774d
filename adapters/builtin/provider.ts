import type { EventDraft } from '../../src/core/event.js';
import type { Provider, ProviderRun, ProviderStart } from '../../src/core/provider.js';
import { solveAnnealing } from '../../src/solver/index.js';
import type { SolveOutcome } from '../../src/solver/types.js';
import { inSpan } from '../../src/telemetry/tracing.js';

export interface BuiltinOptions {
  progressIntervalMs: number;
  defaultTimeLimitS: number;
  device: 'auto' | 'gpu' | 'cpu';
}

const now = (): string => new Date().toISOString();

function terminal(outcome: SolveOutcome): EventDraft {
  const result = {
    status: outcome.stopReason,
    objective: outcome.objective,
    solution: outcome.solution,
    runtimeS: outcome.runtimeS,
    gpuSeconds: outcome.gpuSeconds,
    device: outcome.device,
    data: { iterations: outcome.iterations },
  };
  return { type: outcome.stopReason === 'cancelled' ? 'cancelled' : 'completed', at: now(), iteration: outcome.iterations, result };
}

/** The bridge's own solver as a provider: one annealing run per job, in a worker thread. */
export function builtinProvider(options: BuiltinOptions): Provider {
  return {
    name: 'builtin',
    kinds: new Set(['tsp', 'qubo', 'maxcut']),
    start({ job, sink, lastSeq }: ProviderStart): ProviderRun {
      const controller = new AbortController();
      let stopped = false;
      const problem = job.problem;
      if (problem.kind !== 'tsp' && problem.kind !== 'qubo' && problem.kind !== 'maxcut') {
        throw new Error(`the built-in annealer cannot run ${problem.kind} problems`);
      }
      const params = {
        ...job.params,
        timeLimitS: job.params.timeLimitS ?? options.defaultTimeLimitS,
        device: job.params.device ?? options.device,
      };
      sink.emit({
        type: 'started',
        at: now(),
        stage: 'annealing',
        message: lastSeq > 0 ? 'restarted after a bridge restart; the solver begins again' : 'solver started',
      });
      const done = inSpan('solver run', { attributes: { 'optbridge.job_id': job.id, 'optbridge.kind': problem.kind } }, async (span) => {
        try {
          const outcome = await solveAnnealing({
            problem,
            params,
            progressIntervalMs: options.progressIntervalMs,
            signal: controller.signal,
            onProgress: (p) =>
              sink.emit({
                type: 'progress',
                at: now(),
                iteration: p.iteration,
                objective: p.energy,
                bestObjective: p.bestEnergy,
                bestSolution: p.bestSolution,
                temperature: p.temperature,
              }),
          });
          span.setAttribute('optbridge.device', outcome.device);
          if (!stopped) sink.emit(terminal(outcome));
        } catch (error) {
          if (!stopped) {
            sink.emit({ type: 'failed', at: now(), error: { code: 'solver_error', message: (error as Error).message } });
          }
        }
      });
      return {
        cancel: () => controller.abort(),
        stop: () => {
          stopped = true;
          controller.abort();
        },
        done,
      };
    },
  };
}
