import { invalid } from '../../src/core/errors.js';
import { isRecord, takeProvider } from '../../src/core/json.js';

/** One event inside `event` and `replay` messages, as mutagent.txt's "Event Types" table lists it. */
export interface MutagentEvent {
  id: number;
  eventType: string;
  iteration?: number;
  stage?: string;
  data: Record<string, unknown>;
  timestamp: string;
}

/** Server → client messages on `/ws/optimization`. */
export type ServerMessage =
  | { type: 'subscribed'; jobId: string }
  | { type: 'unsubscribed'; jobId: string }
  | { type: 'event'; jobId: string; event: MutagentEvent }
  | { type: 'replay'; jobId: string; data: MutagentEvent[] }
  | { type: 'pong' }
  | { type: 'error'; error: string; jobId?: string };

/** Client → server messages; `afterEventId` is the `id` of the last event the client has. */
export type ClientMessage =
  | { type: 'ping' }
  | { type: 'subscribe'; jobId: string; afterEventId?: number }
  | { type: 'unsubscribe'; jobId: string }
  | { type: 'replay'; jobId: string; afterEventId?: number };

const JOB_MESSAGES = new Set(['subscribe', 'unsubscribe', 'replay']);

/**
 * Parses one client frame. Throws BridgeError with the text the client gets in `error`, and the
 * frame's `jobId` in `details` when it had one, so the reply can name the job.
 */
export function parseClientMessage(text: string): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(`Invalid message: not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(value)) throw invalid('Invalid message: expected a JSON object with a "type"');
  const { type, jobId, afterEventId } = value;
  if (type === 'ping') return { type };
  if (typeof type !== 'string' || !JOB_MESSAGES.has(type)) {
    throw invalid(`Unknown message type: ${JSON.stringify(type)}; expected subscribe, unsubscribe, replay or ping`);
  }
  if (typeof jobId !== 'string' || jobId === '') throw invalid(`Invalid message: ${type} requires a jobId string`);
  if (type === 'unsubscribe') return { type, jobId };
  // null reads as "not given": a client that stores `lastEventId = null` before its first event means "from now".
  if (afterEventId === undefined || afterEventId === null) return { type: type as 'subscribe' | 'replay', jobId };
  if (!Number.isSafeInteger(afterEventId) || (afterEventId as number) < 0) {
    throw invalid(`Invalid message: afterEventId must be a non-negative integer, got ${JSON.stringify(afterEventId)}`, { jobId });
  }
  return { type: type as 'subscribe' | 'replay', jobId, afterEventId: afterEventId as number };
}

/** `POST /api/optimization/jobs`: the body is the prompt optimization spec, passed to the provider as is. */
export function parseJobRequest(body: unknown, header: string): { spec: Record<string, unknown>; provider: string | undefined } {
  if (!isRecord(body)) throw invalid('request body must be a JSON object');
  const { provider, rest: spec } = takeProvider(body, header);
  for (const field of ['promptId', 'datasetId'] as const) {
    if (spec[field] !== undefined && typeof spec[field] !== 'string') throw invalid(`${field} must be a string`);
  }
  if (spec.config !== undefined && !isRecord(spec.config)) throw invalid('config must be an object');
  return { spec, provider };
}
