import { Type, type Static } from '@sinclair/typebox';
import { TIME } from '../../src/server/message-schemas.js';

/** Server → client messages on `/ws/optimization`, as mutagent.txt lists them. */

const EVENT_TYPES = ['job_started', 'iteration_completed', 'job_paused', 'job_resumed', 'job_completed', 'job_failed', 'job_cancelled'];

/** One event inside `event` and `replay` messages, as mutagent.txt's "Event Types" table lists it. */
export const MutagentEvent = Type.Object(
  {
    id: Type.Integer({ minimum: 1, description: 'The event\'s seq: send it back as afterEventId to resume.' }),
    eventType: Type.Union(EVENT_TYPES.map((type) => Type.Literal(type))),
    iteration: Type.Number(),
    stage: Type.String(),
    data: Type.Record(Type.String(), Type.Unknown(), { description: 'The doc\'s data fields for the event type; what the bridge adds under x_bridge.' }),
    timestamp: TIME,
  },
  { title: 'MutagentEvent' },
);
export type MutagentEvent = Static<typeof MutagentEvent>;

const jobId = () => Type.String();

export const MutagentSubscribed = Type.Object({ type: Type.Literal('subscribed'), jobId: jobId() }, { title: 'MutagentSubscribed' });
export const MutagentUnsubscribed = Type.Object({ type: Type.Literal('unsubscribed'), jobId: jobId() }, { title: 'MutagentUnsubscribed' });
export const MutagentEventMessage = Type.Object({ type: Type.Literal('event'), jobId: jobId(), event: MutagentEvent }, { title: 'MutagentEventMessage', description: 'One event of a subscribed job, live.' });
export const MutagentReplay = Type.Object(
  { type: Type.Literal('replay'), jobId: jobId(), data: Type.Array(MutagentEvent) },
  { title: 'MutagentReplay', description: 'Recorded events after afterEventId, one store page per message.' },
);
export const MutagentPong = Type.Object({ type: Type.Literal('pong') }, { title: 'MutagentPong' });
export const MutagentError = Type.Object(
  { type: Type.Literal('error'), error: Type.String(), jobId: Type.Optional(jobId()) },
  { title: 'MutagentError', description: 'A request the server cannot take; jobId when it named one. The socket stays open.' },
);

export const MUTAGENT_MESSAGES = [MutagentSubscribed, MutagentUnsubscribed, MutagentEventMessage, MutagentReplay, MutagentPong, MutagentError];

export type ServerMessage = Static<(typeof MUTAGENT_MESSAGES)[number]>;
