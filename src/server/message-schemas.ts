import { Type } from '@sinclair/typebox';

/** Pieces every dialect's message and response schemas share; each dialect's own shapes stay in its adapter. */

export const SOLUTION = Type.Union([Type.Array(Type.Number()), Type.Record(Type.String(), Type.Number())], {
  description: 'A solution vector, or named values.',
});

/**
 * What a vendor's message has no field for: the canonical fields left over, and always `seq`, so every client can
 * resume with `after=` / `afterEventId`.
 */
export const X_BRIDGE = Type.Object(
  { seq: Type.Integer({ minimum: 1, description: 'The event\'s place in the job\'s record.' }) },
  { description: 'Canonical fields the vendor has no field for.' },
);

/** The bridge's own error body: `{ error: { code, message } }`, as Nerox and the bridge API answer. */
export const CODED_ERROR = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine name, e.g. invalid_request, not_found.' }),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { title: 'BridgeError' },
);

export const TIME = Type.String({ format: 'date-time' });

export const JOB_STATUS = Type.Union(['queued', 'running', 'paused', 'completed', 'failed', 'cancelled'].map((status) => Type.Literal(status)), {
  description: "The job's status in the bridge's words.",
});

/** A path's `:id`: job ids are short URL-safe strings. */
export const JOB_ID = Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$' });

/** What only the bridge knows about a vendor's object (its provider, its kind…). */
export const X_BRIDGE_EXTRA = Type.Record(Type.String(), Type.Unknown(), { description: 'What the bridge adds that the vendor has no field for.' });
