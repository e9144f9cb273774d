import { BridgeClientError } from './errors.js';
import { eventFromNerox } from './nerox-events.js';
import { SocketReader } from './socket.js';
import type { Transport } from './transport.js';
import type { JobEvent } from './types.js';

const TERMINAL_TYPES: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

/** Close codes the bridge uses for a request that a retry cannot fix (bad key, unknown job, bad query). */
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([4000, 4001, 4004]);

const RECONNECT_DELAY_MS = { first: 100, max: 5_000 };
/** Reconnects in a row that bring no new event before the stream gives up. */
const MAX_FRUITLESS_RECONNECTS = 8;

export interface StreamOptions {
  /** Start after this seq (0: the whole job, the default). */
  after?: number;
  /** Ends the stream (its socket closes) when aborted: a page that stops watching a job. */
  signal?: AbortSignal;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A job's events, each exactly once and in seq order, ending with its terminal event.
 *
 * It reads the Nerox stream, the only live feed every job has: each message carries its seq
 * (`x_bridge.seq`), the URL takes `?after=<seq>` to resume, and the Nerox encoder keeps every canonical
 * field, so the events come back whole (without `source`; `GET …/events` has that). A dropped socket is
 * reopened with `?after=<last seq yielded>`, and a seq already yielded is skipped, so nothing repeats.
 */
export async function* jobEvents(transport: Transport, jobId: string, options: StreamOptions = {}): AsyncGenerator<JobEvent> {
  let last = options.after ?? 0;
  // A finished job streams nothing after its terminal event, and a socket asked for that would wait forever.
  if (last > 0) {
    const job = await transport.json<{ status: string; lastSeq: number }>('GET', `/bridge/v1/jobs/${encodeURIComponent(jobId)}`);
    if (TERMINAL_TYPES.has(job.status) && job.lastSeq <= last) return;
  }
  let fruitless = 0;
  for (;;) {
    const reader = await SocketReader.open(transport.socketUrl(`/v1/jobs/${encodeURIComponent(jobId)}/stream`, { after: last }), options.signal);
    let refusal: BridgeClientError | undefined;
    let progressed = false;
    try {
      for (;;) {
        const item = await reader.next();
        if (item.kind === 'close') {
          if (options.signal?.aborted) return;
          if (FINAL_CLOSE_CODES.has(item.code)) throw refusal ?? new BridgeClientError('protocol', `stream closed: ${item.code} ${item.reason}`, item.code);
          break;
        }
        const message = parse(item.text);
        if (message.type === 'error') {
          const { code, message: text } = (message.error ?? {}) as { code?: string; message?: string };
          refusal = new BridgeClientError(code ?? 'internal', text ?? 'stream error');
          continue;
        }
        const event = eventFromNerox(jobId, message);
        if (event.seq <= last) continue;
        last = event.seq;
        progressed = true;
        yield event;
        if (TERMINAL_TYPES.has(event.type)) return;
      }
    } finally {
      reader.close();
    }
    fruitless = progressed ? 0 : fruitless + 1;
    if (fruitless > MAX_FRUITLESS_RECONNECTS) {
      throw refusal ?? new BridgeClientError('unreachable', `lost the stream of job ${jobId} after seq ${last} and could not reopen it`);
    }
    await sleep(Math.min(RECONNECT_DELAY_MS.max, RECONNECT_DELAY_MS.first * 2 ** Math.max(0, fruitless - 1)));
  }
}

function parse(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below, with the text
  }
  throw new BridgeClientError('protocol', `unexpected stream message: ${text.slice(0, 200)}`);
}
