/**
 * The vendor docs' own example problem and messages, kept once so that the dialect tests and the decoding tests
 * check the same text the docs print.
 */

/** JAOT's example problem. Its printed result (30, 60 → 3500) is illustrative and breaks labor_hours. */
export const PRODUCTION_PLANNING = {
  name: 'production_planning',
  objective: { sense: 'maximize', expression: '50*widgets + 40*gadgets' },
  variables: [
    { name: 'widgets', type: 'integer', lower_bound: 0, upper_bound: 100 },
    { name: 'gadgets', type: 'integer', lower_bound: 0, upper_bound: 80 },
  ],
  constraints: [
    { name: 'machine_hours', expression: '2*widgets + 3*gadgets <= 240' },
    { name: 'labor_hours', expression: '4*widgets + 2*gadgets <= 200' },
  ],
};

/** JAOT's example progress message; the execution id is the caller's, as each test has its own job. */
export function jaotProgressExample(executionId: string) {
  return {
    type: 'progress',
    execution_id: executionId,
    status: 'running',
    progress: 0.45,
    message: 'Iteration 234: obj=1234.56, gap=2.3%',
    iteration: 234,
    objective_value: 1234.56,
    gap: 0.023,
    timestamp: '2026-02-19T10:05:30Z',
  };
}

/** matcraft.txt's example of each message type, in the order a campaign sends them (error aside). */
export const MATCRAFT_EXAMPLES: Record<string, Record<string, any>> = {
  iteration_start: { type: 'iteration_start', timestamp: '2026-04-01T10:05:00Z', data: { iteration: 5, total_iterations: 20, phase: 'evaluating', batch_size: 15 } },
  evaluation_complete: {
    type: 'evaluation_complete',
    timestamp: '2026-04-01T10:05:12Z',
    data: { iteration: 5, evaluation_index: 3, batch_size: 15, objectives: { permeability: 28.4, salt_rejection: 96.2 } },
  },
  iteration_complete: {
    type: 'iteration_complete',
    timestamp: '2026-04-01T10:06:30Z',
    data: {
      iteration: 5,
      evaluations_completed: 75,
      hypervolume: 0.682,
      hypervolume_improvement: 0.034,
      pareto_size: 11,
      surrogate_loss: 0.0192,
      best_objectives: { permeability: 35.1, salt_rejection: 97.8 },
    },
  },
  campaign_complete: {
    type: 'campaign_complete',
    timestamp: '2026-04-01T10:30:00Z',
    data: { status: 'converged', total_iterations: 15, total_evaluations: 225, final_hypervolume: 0.847, pareto_size: 18 },
  },
  error: {
    type: 'error',
    timestamp: '2026-04-01T10:05:00Z',
    data: { code: 'SURROGATE_TRAINING_FAILED', message: 'NaN detected in surrogate predictions', iteration: 5 },
  },
};
