import type { BridgeError } from '../../src/core/errors.js';
import { stageOf, type JobEvent, type JobEventType } from '../../src/core/event.js';
import { compact, leftovers } from '../../src/core/json.js';
import type { MutagentEvent, ServerMessage } from './messages.js';

/** Fan-out topics and the encoder registry know the dialect by this name. */
export const DIALECT_NAME = 'mutagent';

type Key = keyof JobEvent;

/**
 * Mutagent's seven event types, and the nearest one for each canonical type it has no name for: a job that
 * waits (queued, retrying) reads as paused, and work that goes on without finishing an iteration (an
 * iteration starting, a candidate scored, the feed resuming after a gap, a warning) as resumed. A client
 * charting `iteration_completed` scores sees only real iterations; `data.x_bridge.type` keeps the canonical type.
 */
const EVENT_TYPES: Record<JobEventType, string> = {
  status: 'job_paused',
  started: 'job_started',
  progress: 'iteration_completed',
  evaluation: 'job_resumed',
  iteration_started: 'job_resumed',
  iteration_completed: 'iteration_completed',
  paused: 'job_paused',
  resumed: 'job_resumed',
  completed: 'job_completed',
  failed: 'job_failed',
  cancelled: 'job_cancelled',
  gap: 'job_resumed',
  warning: 'job_resumed',
};

/** Canonical types that share a Mutagent type with another say which they are. */
const SHARED_TYPES: ReadonlySet<JobEventType> = new Set(['status', 'progress', 'evaluation', 'iteration_started', 'gap', 'warning']);

const ALWAYS: Key[] = ['jobId', 'seq', 'type', 'at', 'iteration', 'stage'];

/** The canonical fields each type places in documented spots; the rest travel under `data.x_bridge`. */
const MAPPED: Partial<Record<JobEventType, ReadonlySet<Key>>> = {
  progress: new Set<Key>([...ALWAYS, 'bestObjective']),
  iteration_completed: new Set<Key>([...ALWAYS, 'objective']),
  completed: new Set<Key>([...ALWAYS, 'result']),
  failed: new Set<Key>([...ALWAYS, 'error']),
  cancelled: new Set<Key>([...ALWAYS, 'result']),
};
const DEFAULT_MAPPED: ReadonlySet<Key> = new Set<Key>(ALWAYS);

function without(record: Record<string, unknown> | undefined, keys: string[]): Record<string, unknown> | undefined {
  if (!record) return undefined;
  const rest = { ...record };
  for (const key of keys) delete rest[key];
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/** A terminal payload less what went to documented fields, its `data` included; undefined when nothing is left. */
function remainder(payload: { data?: Record<string, unknown> }, keys: string[], dataKeys: string[]): Record<string, unknown> | undefined {
  return without(compact({ ...payload, data: without(payload.data, dataKeys) }), keys);
}

/** The doc's "Data Fields" for each event type, from the canonical fields that carry them. */
function documentedData(event: JobEvent, extra: Record<string, unknown>): Record<string, unknown> {
  const { result, error } = event;
  switch (event.type) {
    // Another provider's progress reports the best so far: that is what a Mutagent UI charts as `score`.
    case 'progress':
      return { score: event.bestObjective };
    case 'iteration_completed':
      return { score: event.objective };
    case 'status':
    case 'paused':
      return { pausedAt: event.at, currentIteration: event.iteration ?? 0 };
    case 'resumed':
    case 'evaluation':
    case 'iteration_started':
    case 'gap':
    case 'warning':
      return { resumedAt: event.at };
    case 'completed':
      extra.result = result && remainder(result, ['objective'], ['resultPromptId']);
      return { resultPromptId: result?.data?.resultPromptId, finalScore: result?.objective };
    case 'failed':
      extra.error = error && remainder(error, ['message'], ['errorStack', 'willRetry']);
      return { error: error?.message, errorStack: error?.data?.errorStack, willRetry: error?.data?.willRetry };
    // Mutagent's own cancels carry these in result.data (PROVIDER.md); other providers' have only the event's.
    case 'cancelled':
      extra.result = result && remainder(result, [], ['cancelledAt', 'finalIteration']);
      return { cancelledAt: result?.data?.cancelledAt ?? event.at, finalIteration: result?.data?.finalIteration ?? event.iteration };
    default:
      return {};
  }
}

/**
 * A canonical event as the `event` object of Mutagent's `event` and `replay` messages. The one mapping:
 * live messages, subscribe catch-up, `replay` batches and `?replay=1` playback all go through it.
 */
export function mutagentEvent(event: JobEvent): MutagentEvent {
  const extra: Record<string, unknown> = leftovers(event, MAPPED[event.type] ?? DEFAULT_MAPPED);
  // `id` already carries the seq.
  delete extra.seq;
  if (SHARED_TYPES.has(event.type)) extra.type = event.type;
  const data: Record<string, unknown> = compact(documentedData(event, extra));
  compact(extra);
  if (Object.keys(extra).length > 0) data.x_bridge = extra;
  // The doc's clients print `iteration` and `stage` of every event; records older than the bridge's
  // per-event iteration read 0 until their first iteration.
  return {
    id: event.seq,
    eventType: EVENT_TYPES[event.type],
    iteration: event.iteration ?? 0,
    stage: stageOf(event),
    data,
    timestamp: event.at,
  };
}

export function serverMessage(message: ServerMessage): string {
  return JSON.stringify(message);
}

/** The dialect's encoder for the fan-out: the live `event` message. */
export function encodeMutagent(event: JobEvent): string {
  return serverMessage({ type: 'event', jobId: event.jobId, event: mutagentEvent(event) });
}

export function encodeReplay(jobId: string, events: JobEvent[]): string {
  return serverMessage({ type: 'replay', jobId, data: events.map(mutagentEvent) });
}

/** `error` with the doc's texts; `jobId` when the failed request named one. */
export function errorFrame(error: BridgeError): string {
  const jobId = error.details?.jobId;
  return serverMessage({ type: 'error', error: error.message, ...(typeof jobId === 'string' && { jobId }) });
}
