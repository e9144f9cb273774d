import { Type, type Static } from '@sinclair/typebox';
import { JOB_EVENT_TYPES } from '../../src/core/event.js';
import { SOLUTION, TIME, X_BRIDGE } from '../../src/server/message-schemas.js';

/** Messages on `/v1/jobs/{id}/stream`, as nerox.txt documents them; what it has no field for goes under `x_bridge`. */
export const NeroxProgress = Type.Object(
  {
    type: Type.Literal('progress'),
    iteration: Type.Optional(Type.Number()),
    energy: Type.Optional(Type.Number({ description: 'The current objective.' })),
    best_energy: Type.Optional(Type.Number()),
    best_solution: Type.Optional(SOLUTION),
    temperature: Type.Optional(Type.Number()),
    timestamp: TIME,
    x_bridge: X_BRIDGE,
  },
  { title: 'NeroxProgress', description: 'Progress of the run; other providers\' iteration and evaluation events too (x_bridge.type says which).' },
);
export type NeroxProgress = Static<typeof NeroxProgress>;

export const NeroxCompleted = Type.Object(
  {
    type: Type.Literal('completed'),
    result: Type.Object({
      objective: Type.Optional(Type.Number()),
      solution: Type.Optional(SOLUTION),
      runtime_s: Type.Optional(Type.Number()),
      gpu_seconds: Type.Optional(Type.Number()),
    }),
    x_bridge: X_BRIDGE,
  },
  { title: 'NeroxCompleted', description: 'The last message of a finished run.' },
);
export type NeroxCompleted = Static<typeof NeroxCompleted>;

/** Canonical types Nerox has no message for; they keep their own name, so clients that switch on `type` skip them. */
export const LIFECYCLE_TYPES = JOB_EVENT_TYPES.filter((type) => !['progress', 'iteration_completed', 'evaluation', 'completed'].includes(type));

export const NeroxLifecycle = Type.Object(
  {
    type: Type.Union(LIFECYCLE_TYPES.map((type) => Type.Literal(type))),
    timestamp: TIME,
    x_bridge: X_BRIDGE,
  },
  { title: 'NeroxLifecycle', description: 'A lifecycle event (failed, cancelled, a gap…) under its canonical type, fields under x_bridge.' },
);

export const NeroxError = Type.Object(
  { type: Type.Literal('error'), error: Type.Object({ code: Type.String(), message: Type.String() }) },
  { title: 'NeroxError', description: 'Sent before the server closes a refused or failed stream.' },
);
export type NeroxError = Static<typeof NeroxError>;

export const NEROX_MESSAGES = [NeroxProgress, NeroxCompleted, NeroxLifecycle, NeroxError];
