import { recomputeChain, type RecomputedChain } from './chain.js';
import { Job } from './job.js';
import { neroxBody, type IsingInput, type MaxCutInput, type QuboInput, type TspInput } from './problems.js';
import { replayEvents, replayMessages, type ReplayOptions } from './replay.js';
import { textChunks, Transport, type ClientOptions } from './transport.js';
import type { AuditReport, Dialect, EventPage, ExportFormat, JobEvent, JobInfo, JobListing, JobListOptions, JobPage, SeriesOptions, SeriesReport } from './types.js';

export type BinaryKind = 'tsp' | 'qubo' | 'maxcut' | 'ising';

interface Submitted {
  job_id: string;
  status: string;
}

/** `/v1/optimize/*` (Nerox's routes) for the binary models and TSP; LP/MIP through JAOT's `/api/v2/solve/async`. */
class Optimize {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  tsp(input: TspInput): Promise<Job> {
    return this.#submit('tsp', input);
  }

  qubo(input: QuboInput): Promise<Job> {
    return this.#submit('qubo', input);
  }

  maxcut(input: MaxCutInput): Promise<Job> {
    return this.#submit('maxcut', input);
  }

  ising(input: IsingInput): Promise<Job> {
    return this.#submit('ising', input);
  }

  /** A JAOT model (variables, constraints, objective) exactly as JAOT's API takes it. */
  async lp(model: Record<string, unknown>, options: { provider?: string } = {}): Promise<Job> {
    const body = options.provider === undefined ? model : { ...model, provider: options.provider };
    const task = await this.#transport.json<{ task_id: string; status: string }>('POST', '/api/v2/solve/async', { body });
    return new Job(this.#transport, task.task_id, task.status);
  }

  /** A body already in the route's wire form (snake_case, as in a saved request), sent as it is. */
  async request(kind: BinaryKind, body: Record<string, unknown>): Promise<Job> {
    const submitted = await this.#transport.json<Submitted>('POST', `/v1/optimize/${kind}`, { body });
    return new Job(this.#transport, submitted.job_id, submitted.status);
  }

  #submit(kind: BinaryKind, input: object): Promise<Job> {
    return this.request(kind, neroxBody(input as Record<string, unknown>));
  }
}

const EVENTS_PAGE = 1000;

/** The bridge's own record: jobs, their events, exports, replays and the hash chain. */
class Jobs {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** One page, newest first, narrowed by the options' filters; pass `nextBefore` back as `before` for the next. */
  async list(options: JobListOptions = {}): Promise<JobPage> {
    const page = await this.#transport.json<{ jobs: JobListing[]; next_before: string | null }>('GET', '/bridge/v1/jobs', { query: { ...options } });
    return { jobs: page.jobs, nextBefore: page.next_before };
  }

  get(id: string): Promise<JobInfo> {
    return this.handle(id).info();
  }

  /** A handle on an existing job, to stream, cancel or await it. */
  handle(id: string, status = 'unknown'): Job {
    return new Job(this.#transport, id, status);
  }

  /** Every stored event after `after`, with its raw upstream message, read page by page. */
  async *events(id: string, options: { after?: number } = {}): AsyncGenerator<JobEvent> {
    let after: number | null = options.after ?? 0;
    while (after !== null) {
      const page = await this.eventPage(id, { after });
      yield* page.events;
      after = page.nextAfter;
    }
  }

  /** One page of at most `limit` (1–1000) stored events after `after`, raw upstream messages included. */
  async eventPage(id: string, options: { after?: number; limit?: number } = {}): Promise<EventPage> {
    const page: { events: JobEvent[]; next_after: number | null } = await this.#transport.json('GET', this.#path(id, 'events'), {
      query: { after: options.after ?? 0, limit: options.limit ?? EVENTS_PAGE },
    });
    return { events: page.events, nextAfter: page.next_after };
  }

  /** The convergence series of a window of seqs: min and max of each field per bucket, so spikes survive. */
  series(id: string, options: SeriesOptions = {}): Promise<SeriesReport> {
    return this.#transport.json<SeriesReport>('GET', this.#path(id, 'series'), { query: { ...options } });
  }

  /** The complete export as text chunks: canonical NDJSON, CSV, or one dialect's messages as NDJSON. */
  async *export(id: string, options: { format: ExportFormat; after?: number; dialect?: Dialect }): AsyncGenerator<string> {
    const response = await this.#transport.fetch('GET', this.#path(id, 'events'), { query: options });
    yield* textChunks(response);
  }

  /**
   * Recomputes the job's hash chain on the bridge. With `head` (a hash kept from an earlier look), the
   * record must still contain it, so events removed from the end are caught too.
   */
  async verify(id: string, options: { head?: string } = {}): Promise<AuditReport> {
    return this.#transport.json<AuditReport>('GET', this.#path(id, 'audit'), { query: options });
  }

  /**
   * The chain recomputed here from `events(id)`, independent of the bridge's audit: its head must equal
   * `verify`'s (pass the audit's head seq as `until` for a running job), and a kept head must lie on it.
   */
  recompute(id: string, options: { head?: string; until?: number } = {}): Promise<RecomputedChain> {
    return recomputeChain(this.events(id), { ...options, ...(options.head && { head: options.head.toLowerCase() }) });
  }

  /** Each message exactly as that dialect's client receives it in a replay (`?replay=1&speed=`). */
  replay(id: string, options: ReplayOptions & { dialect: Dialect }): AsyncGenerator<string> {
    return replayMessages(this.#transport, id, options.dialect, options);
  }

  /** The same replay as canonical events: for players that pause, change speed or scrub (reopen with `after`). */
  replayEvents(id: string, options: ReplayOptions = {}): AsyncGenerator<JobEvent> {
    return replayEvents(this.#transport, id, options);
  }

  cancel(id: string): Promise<void> {
    return this.handle(id).cancel();
  }

  #path(id: string, tail: string): string {
    return `/bridge/v1/jobs/${encodeURIComponent(id)}/${tail}`;
  }
}

/** The optbridge client, shaped like the Nerox SDK: `new Client({ url, key })`, `client.optimize.tsp(…)`, `client.jobs`. */
export class Client {
  readonly optimize: Optimize;
  readonly jobs: Jobs;

  constructor(options: ClientOptions) {
    const transport = new Transport(options);
    this.optimize = new Optimize(transport);
    this.jobs = new Jobs(transport);
  }
}
