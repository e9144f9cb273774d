import { Type, type TProperties } from '@sinclair/typebox';
import { TIME, X_BRIDGE } from '../../src/server/message-schemas.js';

/** Every message on `/api/v1/ws/campaigns/{id}`, as matcraft.txt shows them: `{type, timestamp, data}`. */
export type MatcraftMessage = {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
};

function message<T extends string>(type: T, data: TProperties, title: string, description: string) {
  return Type.Object({ type: Type.Literal(type), timestamp: TIME, data: Type.Object(data) }, { title, description });
}

const number = () => Type.Optional(Type.Number());
const numberOrNull = () => Type.Union([Type.Number(), Type.Null()]);
const objectives = (description: string) => Type.Optional(Type.Record(Type.String(), Type.Number(), { description }));

export const MatcraftIterationStart = message(
  'iteration_start',
  { iteration: number(), total_iterations: number(), phase: Type.Optional(Type.String()), batch_size: number(), x_bridge: X_BRIDGE },
  'MatcraftIterationStart',
  'A new iteration begins; lifecycle events MatCraft has no type for come as this too (phase and x_bridge.type name them).',
);

export const MatcraftEvaluationComplete = message(
  'evaluation_complete',
  { iteration: number(), evaluation_index: number(), batch_size: number(), objectives: objectives('The candidate\'s objectives by name.'), x_bridge: X_BRIDGE },
  'MatcraftEvaluationComplete',
  'One candidate evaluation finished.',
);

export const MatcraftIterationComplete = message(
  'iteration_complete',
  {
    iteration: number(),
    evaluations_completed: number(),
    hypervolume: number(),
    hypervolume_improvement: number(),
    pareto_size: number(),
    surrogate_loss: number(),
    best_objectives: objectives('Best value of each objective so far.'),
    x_bridge: X_BRIDGE,
  },
  'MatcraftIterationComplete',
  'An iteration finished; other providers\' progress comes as this too.',
);

export const MatcraftCampaignComplete = message(
  'campaign_complete',
  {
    status: Type.String({ description: 'converged, completed, cancelled…' }),
    total_iterations: numberOrNull(),
    total_evaluations: numberOrNull(),
    final_hypervolume: numberOrNull(),
    pareto_size: numberOrNull(),
    x_bridge: X_BRIDGE,
  },
  'MatcraftCampaignComplete',
  'The campaign ended (a cancel too); the server closes the socket after it.',
);

export const MatcraftError = message(
  'error',
  { code: Type.Optional(Type.String()), message: Type.Optional(Type.String()), iteration: number(), x_bridge: Type.Optional(X_BRIDGE) },
  'MatcraftError',
  'The campaign failed, or the socket was refused (then without x_bridge).',
);

export const MATCRAFT_MESSAGES = [MatcraftIterationStart, MatcraftEvaluationComplete, MatcraftIterationComplete, MatcraftCampaignComplete, MatcraftError];
