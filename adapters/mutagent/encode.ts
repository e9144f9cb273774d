import type { BridgeError } from '../../src/core/errors.js';
import type { JobEvent, JobEventType } from '../../src/core/event.js';
import { compact, leftovers } from '../../src/server/codec.js';
import type { MutagentEvent, ServerMessage } from './schema.js';

/** Fan-out topics and the encoder registry know the dialect by this name. */
export const DIALECT_NAME = 'mutagent';

type Key = keyof JobEvent;

/** Mutagent's names for the canonical types it documents; the rest keep their canonical name. */
const EVENT_TYPES: Partial<Record<JobEventType, string>> = {
  started: 'job_started',
  progress: 'iteration_completed',
  iteration_completed: 'iteration_completed',
  paused: 'job_paused',
  resumed: 'job_resumed',
  completed: 'job_completed',
  failed: 'job_failed',
  cancelled: 'job_cancelled',
};

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
      extra.type = 'progress';
      return { score: event.bestObjective };
    case 'iteration_completed':
      return { score: event.objective };
    case 'paused':
      return { pausedAt: event.at, currentIteration: event.iteration };
    case 'resumed':
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
  const extra = leftovers(event, MAPPED[event.type] ?? DEFAULT_MAPPED);
  // `id` already carries the seq.
  delete extra.seq;
  const data: Record<string, unknown> = compact(documentedData(event, extra));
  compact(extra);
  if (Object.keys(extra).length > 0) data.x_bridge = extra;
  return compact({
    id: event.seq,
    eventType: EVENT_TYPES[event.type] ?? event.type,
    iteration: event.iteration,
    stage: event.stage,
    data,
    timestamp: event.at,
  });
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
