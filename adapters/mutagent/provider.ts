import type { EventDraft, JobEvent } from '../../src/core/event.js';
import type { Provider } from '../../src/core/provider.js';
import { failed, foreign, idFrom, num, record, str, unknownType, warning } from '../../src/ingest/upstream/drafts.js';
import type { UpstreamHttp } from '../../src/ingest/upstream/http.js';
import { upstreamProvider } from '../../src/ingest/upstream/provider.js';
import type { UpstreamSettings } from '../../src/ingest/upstream/settings.js';
import type { VendorAdapter, VendorStream } from '../../src/ingest/upstream/vendor.js';
import { eventIdOf, mutagentEvent } from './upstream.js';

const PATHS = { create: '/api/optimization/jobs', cancel: '/api/optimization/jobs/{id}/cancel', stream: '/ws/optimization' };

/**
 * One job on Mutagent's multiplexed socket. Each (re)subscribe asks for a replay after the last event id seen,
 * so a drop or a bridge restart loses nothing; from a fresh job's first subscribe that is 0, everything.
 */
class MutagentStream implements VendorStream {
  readonly keyInQuery = false;
  readonly gapOnReconnect = false;
  readonly ping = JSON.stringify({ type: 'ping' });
  readonly #id: string;
  readonly #http: UpstreamHttp;
  readonly #paths: typeof PATHS;
  #lastEventId = 0;
  #best: number | undefined;

  constructor(id: string, http: UpstreamHttp, paths: typeof PATHS) {
    this.#id = id;
    this.#http = http;
    this.#paths = paths;
  }

  opened(): string[] {
    return [JSON.stringify({ type: 'subscribe', jobId: this.#id, afterEventId: this.#lastEventId })];
  }

  farewell(): string[] {
    return [JSON.stringify({ type: 'unsubscribe', jobId: this.#id })];
  }

  decode(message: Record<string, unknown>): EventDraft[] {
    if (message.jobId !== undefined && message.jobId !== this.#id && message.type !== 'error') {
      return [foreign('mutagent', message, message.jobId)];
    }
    switch (message.type) {
      case 'subscribed':
      case 'unsubscribed':
      case 'pong':
        return [];
      case 'event':
        return [this.#event(record(message.event), message)];
      case 'replay': {
        const events = Array.isArray(message.data) ? message.data : [];
        return events.map((event) => this.#event(record(event), { ...message, data: [event] }));
      }
      case 'error':
        return [this.#error(message)];
      default:
        return [unknownType('mutagent', message)];
    }
  }

  async restore(recorded: AsyncIterable<JobEvent>): Promise<void> {
    for await (const event of recorded) {
      if (event.source?.provider !== 'mutagent') continue;
      this.#best ??= event.bestObjective;
      const id = eventIdOf(event.source.raw);
      if (id === undefined) continue;
      this.#lastEventId = id;
      return;
    }
  }

  async cancel(): Promise<void> {
    await this.#http.call('POST', this.#paths.cancel, { id: this.#id });
  }

  #event(event: Record<string, unknown>, raw: unknown): EventDraft {
    const id = num(event.id);
    if (id !== undefined) this.#lastEventId = Math.max(this.#lastEventId, id);
    const score = event.eventType === 'iteration_completed' ? num(record(event.data).score) : undefined;
    if (score !== undefined) this.#best = Math.max(this.#best ?? score, score);
    return mutagentEvent(event, raw, this.#best);
  }

  /** "Job not found" for this job ends it; other errors (a bad frame, a replay before subscribing) are recorded. */
  #error(message: Record<string, unknown>): EventDraft {
    const text = str(message.error) ?? 'unknown error';
    const ours = message.jobId === undefined || message.jobId === this.#id;
    if (ours && text === 'Job not found') return failed('mutagent', 'upstream_rejected', `mutagent: ${text}`, message);
    return warning('mutagent', `mutagent reported an error: ${text}`, message);
  }
}

/** Mutagent (protocols/mutagent.txt): prompt-optimization jobs, resumed losslessly with `afterEventId`. */
export const mutagentAdapter: VendorAdapter<'create' | 'cancel'> = {
  name: 'mutagent',
  kinds: new Set(['prompt']),
  paths: PATHS,
  async create(job, { http, paths }) {
    if (job.problem.kind !== 'prompt') throw new Error(`mutagent cannot run ${job.problem.kind} problems`);
    return idFrom('mutagent', await http.call('POST', paths.create, {}, job.problem.spec), 'jobId', 'id');
  },
  follow: ({ upstreamId, http, paths }) => new MutagentStream(upstreamId, http, paths),
};

export function mutagentProvider(settings: UpstreamSettings): Provider {
  return upstreamProvider(mutagentAdapter, settings);
}
