import type { EventDraft, JobEvent } from '../../src/core/event.js';
import type { Provider } from '../../src/core/provider.js';
import { isRecord } from '../../src/core/json.js';
import { foreign, gap, idFrom, record, unknownType } from '../../src/ingest/upstream/drafts.js';
import type { UpstreamHttp } from '../../src/ingest/upstream/http.js';
import { upstreamProvider } from '../../src/ingest/upstream/provider.js';
import type { UpstreamSettings } from '../../src/ingest/upstream/settings.js';
import type { VendorAdapter, VendorStream } from '../../src/ingest/upstream/vendor.js';
import { jaotPolled, jaotProgress, jaotStatus, jaotTerminal, progressKey } from './upstream.js';

const PATHS = {
  create: '/api/v2/solve/async',
  status: '/api/v2/solve/async/{id}',
  cancel: '/api/v2/solve/async/{id}/cancel',
  stream: '/api/v2/ws/executions/{id}',
};

/**
 * One execution. JAOT replays nothing, but every connection opens with a `status` greeting carrying the latest
 * progress: when that update is one the bridge never saw, it is recorded, after a gap for whatever came before it.
 */
class JaotStream implements VendorStream {
  readonly keyInQuery = false;
  readonly gapOnReconnect = false;
  readonly ping = 'ping';
  readonly pong = 'pong';
  readonly #id: string;
  readonly #http: UpstreamHttp;
  readonly #paths: typeof PATHS;
  #lastProgress: string | undefined;
  /** Connections opened so far, a restart counting as one: after the first, the bridge may have missed updates. */
  #connections = 0;

  constructor(id: string, http: UpstreamHttp, paths: typeof PATHS) {
    this.#id = id;
    this.#http = http;
    this.#paths = paths;
  }

  opened(): string[] {
    this.#connections++;
    return [];
  }

  decode(message: Record<string, unknown>): EventDraft[] {
    if (message.execution_id !== undefined && message.execution_id !== this.#id) return [foreign('jaot', message, message.execution_id)];
    switch (message.type) {
      case 'status':
        return this.#greeting(message);
      case 'progress':
        this.#lastProgress = progressKey(message);
        return [jaotProgress(message, message)];
      case 'completed':
      case 'failed':
      case 'cancelled':
      case 'error':
        return [jaotTerminal(message)];
      default:
        return [unknownType('jaot', message)];
    }
  }

  async restore(recorded: AsyncIterable<JobEvent>): Promise<void> {
    this.#connections++;
    for await (const event of recorded) {
      const raw = record(event.source?.raw);
      if (event.type !== 'progress' || raw.type === undefined) continue;
      this.#lastProgress = progressKey(raw.type === 'status' ? record(raw.progress_data) : raw);
      return;
    }
  }

  async cancel(): Promise<void> {
    await this.#http.call('POST', this.#paths.cancel, { id: this.#id });
  }

  async poll(): Promise<EventDraft[]> {
    return jaotPolled(await this.#http.call('GET', this.#paths.status, { id: this.#id }));
  }

  #greeting(message: Record<string, unknown>): EventDraft[] {
    const drafts = [jaotStatus(message)];
    if (!isRecord(message.progress_data)) return drafts;
    const key = progressKey(message.progress_data);
    if (key === this.#lastProgress) return drafts;
    if (this.#connections > 1) drafts.push(gap('jaot', 'jaot resends only its latest progress on a reconnect; updates it sent before that, while the bridge was away, may be missing'));
    this.#lastProgress = key;
    drafts.push(jaotProgress(message.progress_data, message));
    return drafts;
  }
}

/** JAOT (protocols/jaot.txt): LP/MIP solves, followed over WebSocket with HTTP polling as the fallback. */
export const jaotAdapter: VendorAdapter<'create' | 'status' | 'cancel'> = {
  name: 'jaot',
  kinds: new Set(['lp']),
  paths: PATHS,
  async create(job, { http, paths }) {
    if (job.problem.kind !== 'lp') throw new Error(`jaot cannot run ${job.problem.kind} problems`);
    return idFrom('jaot', await http.call('POST', paths.create, {}, job.problem.model), 'task_id');
  },
  follow: ({ upstreamId, http, paths }) => new JaotStream(upstreamId, http, paths),
};

export function jaotProvider(settings: UpstreamSettings): Provider {
  return upstreamProvider(jaotAdapter, settings);
}
