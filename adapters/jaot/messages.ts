import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { SOLUTION, TIME, X_BRIDGE } from '../../src/server/message-schemas.js';

/** Messages on `/api/v2/ws/executions/{id}`, as jaot.txt documents them. */

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/** The doc's Python reads every key with `[]`, so each is present, null when unknown. */
export const JaotResult = Type.Object(
  {
    status: nullable(Type.String()),
    objective_value: nullable(Type.Number()),
    solution: nullable(SOLUTION),
    solve_time_seconds: nullable(Type.Number()),
    credits_used: Type.Unknown({ description: '0 for work the bridge runs itself.' }),
    credits_remaining: Type.Unknown({ description: 'null unless an upstream JAOT reported a balance.' }),
  },
  { title: 'JaotResult' },
);
export type JaotResult = Static<typeof JaotResult>;

export const JaotProgress = Type.Object(
  {
    type: Type.Literal('progress'),
    execution_id: Type.String(),
    status: Type.Literal('running'),
    progress: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    message: Type.Optional(Type.String()),
    iteration: Type.Optional(Type.Number()),
    objective_value: Type.Optional(Type.Number({ description: 'The best found so far.' })),
    gap: Type.Optional(Type.Number({ description: 'MIP gap.' })),
    timestamp: TIME,
    x_bridge: X_BRIDGE,
  },
  { title: 'JaotProgress', description: 'Progress; lifecycle events JAOT has no type for come as this too, x_bridge.type naming them.' },
);
export type JaotProgress = Static<typeof JaotProgress>;

export const JaotStatus = Type.Object(
  {
    type: Type.Literal('status'),
    execution_id: Type.String(),
    status: Type.String(),
    progress_data: nullable(JaotProgress),
    x_bridge: Type.Optional(X_BRIDGE),
  },
  { title: 'JaotStatus', description: 'First on every socket: the execution\'s state and its latest progress; later, a provider\'s stage.' },
);
export type JaotStatus = Static<typeof JaotStatus>;

/** A terminal message: its `status` repeats its `type`, and the rest of it depends on how the run ended. */
function terminal<End extends string, P extends TProperties>(end: End, outcome: P, description: string) {
  const title = `Jaot${end[0]!.toUpperCase()}${end.slice(1)}`;
  return Type.Object({ type: Type.Literal(end), execution_id: Type.String(), status: Type.Literal(end), ...outcome, x_bridge: X_BRIDGE }, { title, description });
}

export const JaotCompleted = terminal('completed', { result: JaotResult }, 'The run finished; the server closes the socket after it.');
export type JaotCompleted = Static<typeof JaotCompleted>;
export const JaotFailed = terminal('failed', { error: Type.String() }, 'The run failed; the server closes the socket after it.');
export type JaotFailed = Static<typeof JaotFailed>;
export const JaotCancelled = terminal('cancelled', { result: Type.Null() }, 'The run was cancelled; a provider\'s partial result travels under x_bridge.');
export type JaotCancelled = Static<typeof JaotCancelled>;

export const JaotError = Type.Object(
  { type: Type.Literal('error'), message: Type.String(), x_bridge: Type.Object({ code: Type.String() }) },
  { title: 'JaotError', description: 'A refused socket or a client message the server cannot take.' },
);
export type JaotError = Static<typeof JaotError>;

export const JaotPong = Type.Literal('pong', { title: 'JaotPong', description: 'The text frame answering "ping".' });
export const JaotPing = Type.Literal('ping', { title: 'JaotPing', description: 'The text frame "ping"; the doc\'s only client message.' });

export const JAOT_MESSAGES = [JaotStatus, JaotProgress, JaotCompleted, JaotFailed, JaotCancelled, JaotError, JaotPong];
