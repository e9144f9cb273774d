import { BridgeClientError } from './errors.js';
import { SocketReader } from './socket.js';
import type { Transport } from './transport.js';
import { eventFromNerox } from './nerox-events.js';
import type { Dialect, JobEvent } from './types.js';

export interface ReplayOptions {
  /** The recorded pacing divided by this (0: as fast as the socket takes it). Default 1. */
  speed?: number;
  /** Start after this seq (Mutagent's `afterEventId`; JAOT's stream takes none and replays from the start). */
  after?: number;
  /** Stops the replay (its socket closes, the generator returns) when aborted: pause, or scrub elsewhere. */
  signal?: AbortSignal;
}

/** Close codes of a stream the bridge refused or could not serve; a finished job closes with 1000. */
function isRefusal(code: number): boolean {
  return code >= 4000 || code === 1011 || code === 1009;
}

const CODE_BY_CLOSE: Record<number, string> = { 4000: 'invalid_request', 4001: 'unauthorized', 4004: 'not_found', 4029: 'too_many_connections' };

/** The text of any dialect's error frame: Nerox `error.message`, JAOT `message`, MatCraft `data.message`, Mutagent `error`. */
function errorText(frame: Record<string, unknown>): string | undefined {
  const { error, message, data } = frame as { error?: unknown; message?: unknown; data?: { message?: unknown } };
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  if (typeof message === 'string') return message;
  return typeof data?.message === 'string' ? data.message : undefined;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const STREAM_PATHS: Record<Exclude<Dialect, 'mutagent'>, (id: string) => string> = {
  nerox: (id) => `/v1/jobs/${id}/stream`,
  jaot: (id) => `/api/v2/ws/executions/${id}`,
  matcraft: (id) => `/api/v1/ws/campaigns/${id}`,
};

const MUTAGENT_TERMINAL = new Set(['job_completed', 'job_failed', 'job_cancelled']);

/**
 * A recorded job played back on a dialect's own stream (`?replay=1&speed=N`): every message exactly as that
 * dialect's client receives it, as text. A refusal (unknown job, bad key, bad speed) throws instead.
 */
export async function* replayMessages(transport: Transport, jobId: string, dialect: Dialect, options: ReplayOptions = {}): AsyncGenerator<string> {
  const query = { replay: 1, speed: options.speed ?? 1, ...(options.after !== undefined && { after: options.after }) };
  const id = encodeURIComponent(jobId);
  if (dialect === 'mutagent') {
    const { after: _after, ...socketQuery } = query;
    yield* mutagentReplay(await SocketReader.open(transport.socketUrl('/ws/optimization', socketQuery), options.signal), jobId, options.after);
    return;
  }
  if (!(dialect in STREAM_PATHS)) throw new BridgeClientError('invalid_request', `unknown dialect "${dialect}"`);
  if (dialect === 'jaot' && options.after !== undefined) {
    throw new BridgeClientError('invalid_request', "JAOT's stream takes no after: its replay starts at the beginning");
  }
  const reader = await SocketReader.open(transport.socketUrl(STREAM_PATHS[dialect](id), query), options.signal);
  try {
    // A message of type "error" is either a refusal (a 4xxx close follows) or the job's own failure event.
    let heldError: { text: string; frame: Record<string, unknown> } | undefined;
    for (;;) {
      const item = await reader.next();
      if (item.kind === 'close') {
        if (isRefusal(item.code)) {
          const message = (heldError && errorText(heldError.frame)) ?? (item.reason || `stream closed with ${item.code}`);
          throw new BridgeClientError(CODE_BY_CLOSE[item.code] ?? 'internal', message, item.code);
        }
        if (heldError) yield heldError.text;
        return;
      }
      if (heldError) yield heldError.text;
      heldError = undefined;
      const frame = parseObject(item.text);
      if (frame?.type === 'error') heldError = { text: item.text, frame };
      else yield item.text;
    }
  } finally {
    reader.close();
  }
}

/** Mutagent's socket follows many jobs and stays open: subscribe to one, end after its terminal event. */
async function* mutagentReplay(reader: SocketReader, jobId: string, after: number | undefined): AsyncGenerator<string> {
  try {
    reader.send(JSON.stringify({ type: 'subscribe', jobId, ...(after !== undefined && { afterEventId: after }) }));
    for (;;) {
      const item = await reader.next();
      if (item.kind === 'close') {
        if (isRefusal(item.code)) throw new BridgeClientError(CODE_BY_CLOSE[item.code] ?? 'internal', item.reason || `stream closed with ${item.code}`, item.code);
        return;
      }
      const frame = parseObject(item.text);
      if (frame?.type === 'error') {
        const text = errorText(frame) ?? 'error';
        throw new BridgeClientError(text === 'Job not found' ? 'not_found' : 'invalid_request', text);
      }
      yield item.text;
      const event = frame?.event as { eventType?: unknown } | undefined;
      if (frame?.type === 'event' && MUTAGENT_TERMINAL.has(String(event?.eventType))) return;
    }
  } finally {
    reader.close();
  }
}

/** A recorded job's canonical events at their recorded pace (divided by `speed`), from the Nerox replay stream. */
export async function* replayEvents(transport: Transport, jobId: string, options: ReplayOptions = {}): AsyncGenerator<JobEvent> {
  for await (const text of replayMessages(transport, jobId, 'nerox', options)) yield eventFromNerox(jobId, JSON.parse(text) as Record<string, unknown>);
}
