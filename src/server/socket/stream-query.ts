import { Type, type Static } from '@sinclair/typebox';
import { explained, queryObject, validator } from '../validation.js';

/** Slower than a hundredth of real time, a replay would hold its socket and cursor for days per hour recorded. */
const REPLAY_SPEEDS = { min: 0.01, max: 1_000_000 };

const REPLAY_FIELDS = {
  replay: Type.Optional(Type.String({ description: 'Any value but `0` or `false` plays the recorded job back from the start (or `after`), paced by `speed`.' })),
  speed: Type.Optional(
    Type.Union([Type.Literal(0), Type.Number({ minimum: REPLAY_SPEEDS.min, maximum: REPLAY_SPEEDS.max })], explained(
      (f) => `speed must be 0 (as fast as the client reads) or from ${REPLAY_SPEEDS.min} to ${REPLAY_SPEEDS.max}, got "${f.value}"`,
      { description: 'Replay speed against the recorded times; 0 sends as fast as the client reads. Default 1.' },
    )),
  ),
};

/** `?replay=1&speed=N`, which every stream URL takes. */
export const REPLAY_QUERY = Type.Object(REPLAY_FIELDS, { title: 'ReplayQuery' });

/** Also `?after=<seq>`, for the streams that resume after an event the client has. */
export const RESUMABLE_QUERY = Type.Object(
  {
    after: Type.Optional(Type.Integer(explained((f) => `after must be a non-negative integer, got "${f.value}"`, { minimum: 0, description: 'Resume after this seq: every later event is sent, none twice.' }))),
    ...REPLAY_FIELDS,
  },
  { title: 'ResumableQuery' },
);

export interface StreamQuery {
  /** The seq to resume after; null for the live point. */
  after: number | null;
  /** The replay's speed, or null when the URL asks for no replay. */
  replaySpeed: number | null;
}

const resumable = validator(RESUMABLE_QUERY, 'query');
const replayOnly = validator(REPLAY_QUERY, 'query');

/** A stream URL's query, checked by the schema its AsyncAPI channel publishes. */
export function parseStreamQuery(query: URLSearchParams, acceptsAfter: boolean): StreamQuery {
  const parsed: Static<typeof RESUMABLE_QUERY> = acceptsAfter
    ? resumable.parse(queryObject(RESUMABLE_QUERY, query))
    : replayOnly.parse(queryObject(REPLAY_QUERY, query));
  const replay = parsed.replay === undefined || parsed.replay === '0' || parsed.replay === 'false' ? null : (parsed.speed ?? 1);
  return { after: parsed.after ?? null, replaySpeed: replay };
}
