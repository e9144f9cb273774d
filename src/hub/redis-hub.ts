import type { Redis } from 'ioredis';
import { isTerminal, type JobEvent } from '../core/event.js';
import { instruments } from '../telemetry/metrics.js';
import type { Hub, HubListener } from './hub.js';

const EVENTS_CHANNEL = 'optbridge:events';
const SIGNALS_CHANNEL = 'optbridge:signals';
/** Jobs whose last delivered seq is remembered; an evicted job's next event is delivered as it comes. */
const JOB_MEMORY = 10_000;
const STORE_RETRY_MS = 250;
/** How often, and after how long without news, an unfinished job is checked against the store. */
const QUIET_CHECK_MS = 2_000;

/** What nodes tell each other besides events: a cancel for the job's owner, a job waiting in the queue. */
export type ClusterSignal = { type: 'cancel'; jobId: string } | { type: 'queued' };
export type SignalListener = (signal: ClusterSignal) => void;

export interface RedisHubDeps {
  publisher: Redis;
  subscriber: Redis;
  nodeId: string;
  /** The store's events after `afterSeq`, up to `limit` of them: how a node fills what it missed on Redis. */
  missed(jobId: string, afterSeq: number, limit: number): Promise<readonly JobEvent[]>;
  /** The stored last seq of each job, to catch up after Redis was unreachable. */
  lastSeqs(jobIds: readonly string[]): Promise<Map<string, number>>;
  log(line: string): void;
}

/**
 * A message on the events channel: `<node>\n<sent at, ms>\n<event JSON>`. The node comes first so that a node
 * drops its own publishes, which Redis hands back to it too, without parsing them.
 */
function envelope(node: string, event: JobEvent): string {
  return `${node}\n${Date.now()}\n${JSON.stringify(event)}`;
}

/**
 * The cluster's hub: the owner publishes each committed event once on one Redis channel, every node hears it
 * and hands it to its listeners (the node's fan-out) in seq order, once. Redis pub/sub delivers at most once,
 * so a node that sees a seq gap, or that was cut off from Redis, reads what it missed from Postgres, where
 * everything published has already been committed.
 */
export class RedisHub implements Hub {
  readonly #deps: RedisHubDeps;
  readonly #listeners = new Set<HubListener>();
  readonly #signalListeners = new Set<SignalListener>();
  /** Per job, the last seq handed to the listeners, oldest job first. */
  readonly #last = new Map<string, number>();
  /** Jobs being filled from the store, with what arrived meanwhile. */
  readonly #filling = new Map<string, JobEvent[]>();
  /** Unfinished jobs this node delivered, with when it last heard of each (a lost message could be the last). */
  readonly #lastHeard = new Map<string, number>();
  readonly #quietCheck: NodeJS.Timeout;
  readonly #ownPrefix: string;
  #connectedOnce = false;
  #closed = false;

  constructor(deps: RedisHubDeps) {
    this.#deps = deps;
    this.#ownPrefix = `${deps.nodeId}\n`;
    deps.subscriber.on('message', (channel: string, message: string) => this.#heard(channel, message));
    deps.subscriber.on('ready', () => {
      if (this.#connectedOnce) void this.#catchUp(0);
      this.#connectedOnce = true;
    });
    this.#quietCheck = setInterval(() => void this.#catchUp(QUIET_CHECK_MS), QUIET_CHECK_MS);
    this.#quietCheck.unref();
  }

  async start(): Promise<void> {
    await this.#deps.subscriber.subscribe(EVENTS_CHANNEL, SIGNALS_CHANNEL);
  }

  get connected(): boolean {
    return this.#deps.publisher.status === 'ready' && this.#deps.subscriber.status === 'ready';
  }

  publish(event: JobEvent): void {
    this.#deliver(event);
    // Not queued while Redis is away (the publisher has no offline queue): other nodes read it from Postgres.
    this.#deps.publisher.publish(EVENTS_CHANNEL, envelope(this.#deps.nodeId, event)).catch(() => {});
  }

  subscribe(listener: HubListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  signal(signal: ClusterSignal): void {
    this.#deps.publisher.publish(SIGNALS_CHANNEL, JSON.stringify(signal)).catch(() => {});
  }

  onSignal(listener: SignalListener): () => void {
    this.#signalListeners.add(listener);
    return () => this.#signalListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#quietCheck);
    this.#listeners.clear();
    this.#signalListeners.clear();
  }

  #heard(channel: string, message: string): void {
    if (channel === SIGNALS_CHANNEL) {
      const signal = JSON.parse(message) as ClusterSignal;
      for (const listener of this.#signalListeners) listener(signal);
      return;
    }
    if (message.startsWith(this.#ownPrefix)) return;
    const afterNode = message.indexOf('\n');
    const afterTime = message.indexOf('\n', afterNode + 1);
    const sentAt = Number(message.slice(afterNode + 1, afterTime));
    const event = JSON.parse(message.slice(afterTime + 1)) as JobEvent;
    instruments.interNodeLag.record(Math.max(0, Date.now() - sentAt) / 1000);
    const buffered = this.#filling.get(event.jobId);
    if (buffered) {
      buffered.push(event);
      return;
    }
    const last = this.#last.get(event.jobId);
    if (last === undefined || event.seq === last + 1) this.#deliver(event);
    else if (event.seq > last + 1) void this.#fill(event.jobId, event.seq - 1, [event]);
  }

  #deliver(event: JobEvent): void {
    const last = this.#last.get(event.jobId);
    if (last !== undefined && event.seq <= last) return;
    this.#last.delete(event.jobId);
    this.#last.set(event.jobId, event.seq);
    if (this.#last.size > JOB_MEMORY) this.#last.delete(this.#last.keys().next().value!);
    if (isTerminal(event.type)) this.#lastHeard.delete(event.jobId);
    else this.#lastHeard.set(event.jobId, Date.now());
    for (const listener of this.#listeners) listener(event);
  }

  /** Reads the job's events up to `upTo` from the store, then hands on what arrived meanwhile, in order. */
  async #fill(jobId: string, upTo: number, arrived: JobEvent[]): Promise<void> {
    this.#filling.set(jobId, arrived);
    let target = upTo;
    while (!this.#closed) {
      const last = this.#last.get(jobId) ?? 0;
      if (target > last) {
        let missed: readonly JobEvent[];
        try {
          missed = await this.#deps.missed(jobId, last, target - last);
        } catch (error) {
          this.#deps.log(`filling job ${jobId} from the store failed, retrying: ${(error as Error).message}`);
          await new Promise((resolve) => setTimeout(resolve, STORE_RETRY_MS));
          continue;
        }
        instruments.gapFills.add(missed.length);
        for (const event of missed) this.#deliver(event);
        // Published only after commit, so a short read means the store is behind this read's snapshot: read again.
        if (missed.length < target - last) continue;
      }
      const queue = this.#filling.get(jobId)!.sort((a, b) => a.seq - b.seq);
      while (queue.length > 0 && queue[0]!.seq <= (this.#last.get(jobId) ?? 0) + 1) this.#deliver(queue.shift()!);
      if (queue.length === 0) break;
      target = queue[0]!.seq - 1;
    }
    this.#filling.delete(jobId);
  }

  /**
   * Checks unfinished jobs quiet for `quietMs` against the store and fills what this node missed: after Redis
   * was unreachable (every job may have moved on, or finished, meanwhile), and now and then for a lost message.
   */
  async #catchUp(quietMs: number): Promise<void> {
    const now = Date.now();
    const jobIds = [...this.#lastHeard].filter(([jobId, heard]) => now - heard >= quietMs && !this.#filling.has(jobId)).map(([jobId]) => jobId);
    if (jobIds.length === 0) return;
    let stored: Map<string, number>;
    try {
      stored = await this.#deps.lastSeqs(jobIds);
    } catch (error) {
      this.#deps.log(`checking jobs against the store failed: ${(error as Error).message}`);
      return;
    }
    for (const jobId of jobIds) {
      const seq = stored.get(jobId);
      if (seq === undefined) this.#lastHeard.delete(jobId);
      else if (seq > (this.#last.get(jobId) ?? 0) && !this.#filling.has(jobId)) void this.#fill(jobId, seq, []);
    }
  }
}
