import { Type, type Static, type TObject } from '@sinclair/typebox';
import { BridgeError, invalid } from '../../src/core/errors.js';
import { isRecord } from '../../src/core/json.js';
import { explained, jsonObject, PROVIDER, validator, type Validator } from '../../src/server/validation.js';

// null reads as "not given": a client that stores `lastEventId = null` before its first event means "from now".
const afterEventId = Type.Optional(
  Type.Union([Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), Type.Null()], explained(
    (f) => `Invalid message: afterEventId must be a non-negative integer, got ${JSON.stringify(f.value)}`,
    { description: 'The id of the last event the client has; null or absent for "from now".' },
  )),
);

/** A client → server message on `/ws/optimization`; `afterEventId` is the `id` of the last event the client has. */
function clientMessage(type: 'subscribe' | 'unsubscribe' | 'replay', resumable: boolean, description: string) {
  const literal = Type.Literal(type);
  const jobId = Type.String(explained(`Invalid message: ${type} requires a jobId string`, { minLength: 1 }));
  const title = `Mutagent${type[0]!.toUpperCase()}${type.slice(1)}Request`;
  return resumable ? Type.Object({ type: literal, jobId, afterEventId }, { title, description }) : Type.Object({ type: literal, jobId }, { title, description });
}

export const MutagentPing = Type.Object({ type: Type.Literal('ping') }, { title: 'MutagentPing' });
export const SubscribeRequest = clientMessage('subscribe', true, 'Follow a job; with afterEventId, what came after it first arrives as replay messages.');
export const UnsubscribeRequest = clientMessage('unsubscribe', false, 'Stop following a job.');
export const ReplayRequest = clientMessage('replay', true, 'Send the recorded events of a subscribed job after afterEventId as replay messages.');

export const CLIENT_MESSAGES = [SubscribeRequest, UnsubscribeRequest, ReplayRequest, MutagentPing];

export type ClientMessage =
  | { type: 'ping' }
  | { type: 'subscribe'; jobId: string; afterEventId?: number }
  | { type: 'unsubscribe'; jobId: string }
  | { type: 'replay'; jobId: string; afterEventId?: number };

const VALIDATORS = new Map<string, Validator<TObject>>(
  CLIENT_MESSAGES.map((schema) => [(schema.properties.type as { const: string }).const, validator(schema, 'message')]),
);

/**
 * Parses one client frame by the schema its `type` names. Throws BridgeError with the text the client gets in
 * `error`, and the frame's `jobId` in `details` when it had one, so the reply can name the job.
 */
export function parseClientMessage(text: string): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(`Invalid message: not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(value)) throw invalid('Invalid message: expected a JSON object with a "type"');
  const check = typeof value.type === 'string' ? VALIDATORS.get(value.type) : undefined;
  if (!check) throw invalid(`Unknown message type: ${JSON.stringify(value.type)}; expected subscribe, unsubscribe, replay or ping`);
  try {
    check.parse(value);
  } catch (error) {
    const named = value.jobId;
    if (error instanceof BridgeError && typeof named === 'string' && named !== '') throw invalid(error.message, { jobId: named });
    throw error;
  }
  const { type, jobId, afterEventId: after } = value as { type: ClientMessage['type']; jobId: string; afterEventId?: number | null };
  if (type === 'ping') return { type };
  if (type === 'unsubscribe') return { type, jobId };
  return after === undefined || after === null ? { type, jobId } : { type, jobId, afterEventId: after };
}

/** `POST /api/optimization/jobs`: the body is the prompt optimization spec, passed to the provider as is. */
export const JobBody = jsonObject(
  {
    promptId: Type.Optional(Type.String(explained('promptId must be a string'))),
    datasetId: Type.Optional(Type.String(explained('datasetId must be a string'))),
    config: Type.Optional(Type.Record(Type.String(), Type.Unknown(), explained('config must be an object'))),
    provider: PROVIDER,
  },
  { title: 'MutagentJobRequest', description: 'A prompt optimization spec, passed to the provider as it is.' },
);

export const jobValidator = validator(JobBody);

export function jobSpec(body: Static<typeof JobBody>, header: string): { spec: Record<string, unknown>; provider: string | undefined } {
  const { provider, ...spec } = body;
  return { spec, provider: provider ?? (header || undefined) };
}
