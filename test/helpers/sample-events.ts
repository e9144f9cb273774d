import { JOB_EVENT_TYPES, type JobEvent, type JobEventType } from '../../src/core/event.js';

const AT = '2026-04-01T10:05:00.000Z';

/** Every canonical field an event of `type` may carry, with the names each dialect lifts onto its own fields. */
function rich(type: JobEventType, seq: number): JobEvent {
  return {
    jobId: 'job_sample',
    seq,
    type,
    at: AT,
    iteration: 5,
    totalIterations: 20,
    progress: 0.25,
    objective: -12.5,
    bestObjective: -14,
    bestSolution: [1, 0, 1],
    temperature: 0.8,
    gap: 0.01,
    metrics: { batch_size: 15, evaluation_index: 3, hypervolume: 0.68, pareto_size: 11, best_permeability: 35.1, loss: 0.2 },
    stage: 'evaluating',
    message: 'going',
    result: {
      status: 'converged',
      objective: -14,
      solution: { x: 1 },
      runtimeS: 1.5,
      gpuSeconds: 0.5,
      data: { credits_used: 3, total_evaluations: 225, final_hypervolume: 0.85, resultPromptId: 'p2', cancelledAt: AT, finalIteration: 5, other: true },
    },
    error: { code: 'SOLVER_FAILED', message: 'no luck', data: { errorStack: 'at x', willRetry: false, extra: 1 } },
    source: { provider: 'builtin', raw: { anything: 1 } },
  };
}

/** What an event of `type` must carry and nothing more. */
const bare = (type: JobEventType, seq: number): JobEvent => ({ jobId: 'job_sample', seq, type, at: AT });

/** Each canonical event type twice: with every field, and with none it need not have. */
export function sampleEvents(): JobEvent[] {
  return JOB_EVENT_TYPES.flatMap((type, i) => [rich(type, 2 * i + 1), bare(type, 2 * i + 2)]);
}
