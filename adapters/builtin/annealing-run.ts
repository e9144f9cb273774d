import type { EventDraft } from '../../src/core/event.js';
import type { EventSink } from '../../src/core/provider.js';
import { solveAnnealing, type QueueHooks } from '../../src/solver/index.js';
import type { SolverProblem, SolveOutcome } from '../../src/solver/types.js';
import type { SolveParams } from '../../src/core/job.js';

const now = (): string => new Date().toISOString();

function terminal(outcome: SolveOutcome): EventDraft {
  return {
    type: outcome.stopReason === 'cancelled' ? 'cancelled' : 'completed',
    at: now(),
    iteration: outcome.iterations,
    result: {
      status: outcome.stopReason,
      objective: outcome.objective,
      solution: outcome.solution,
      runtimeS: outcome.runtimeS,
      gpuSeconds: outcome.gpuSeconds,
      device: outcome.device,
      data: { iterations: outcome.iterations },
    },
  };
}

/** QUBO, Ising, Max-Cut and TSP through the annealers; resolves with the device that ran the job. */
export async function runAnnealing(
  problem: SolverProblem,
  params: SolveParams,
  options: { progressIntervalMs: number; signal: AbortSignal; sink: EventSink; stopped: () => boolean; queue: QueueHooks },
): Promise<string> {
  const outcome = await solveAnnealing({
    problem,
    params,
    progressIntervalMs: options.progressIntervalMs,
    signal: options.signal,
    queue: options.queue,
    onProgress: (p) =>
      options.sink.emit({
        type: 'progress',
        at: now(),
        iteration: p.iteration,
        objective: p.energy,
        bestObjective: p.bestEnergy,
        bestSolution: p.bestSolution,
        temperature: p.temperature,
      }),
  });
  if (!options.stopped()) options.sink.emit(terminal(outcome));
  return outcome.device;
}
