import type { JobEvent } from '../core/event.js';
import { isTerminal } from '../core/event.js';
import { instruments } from '../telemetry/metrics.js';

/** The socket layer as the fan-out sees it: topics of pre-encoded bytes. uWS implements it in C++. */
export interface TopicPublisher {
  publish(topic: string, message: string): void;
  subscriberCount(topic: string): number;
}

/** A dialect's one encoder: null when the event has nothing to say in that dialect. */
export type Encoder = (event: JobEvent) => string | null;

/** A socket that has caught up from the store and waits for the live event right after `sentSeq`. */
export interface Joiner {
  sentSeq: number;
  /** Subscribes the socket to its topic; called just before the event after `sentSeq` is published. */
  subscribe(): void;
  /** The live stream moved past `sentSeq + 1` without it: read the store again from `sentSeq`. */
  resync(): void;
}

export type TerminalListener = (event: JobEvent) => void;

export interface LivePosition {
  seq: number;
  /** The event at `seq` ended the job. */
  terminal: boolean;
}

/** Jobs whose last seq is remembered; an evicted job's sockets join at its next event instead. */
const JOB_MEMORY = 10_000;

export function topicOf(dialect: string, jobId: string): string {
  return `${dialect}/${jobId}`;
}

/**
 * Per node: turns each canonical event into one encoding per dialect that has subscribers for the job,
 * and one publish per topic. Knows the last seq published per job so sockets can switch from
 * store catch-up to the live topic without a gap or a duplicate.
 */
export class Fanout {
  readonly #publisher: TopicPublisher;
  readonly #encoders: Map<string, Encoder>;
  /** Per job, the last event published on this node: its seq, whether it ended the job, when (wall-clock ms); oldest job first. */
  readonly #latest = new Map<string, LivePosition & { deliveredAt: number }>();
  readonly #joiners = new Map<string, Set<Joiner>>();
  readonly #terminalListeners = new Set<TerminalListener>();

  constructor(publisher: TopicPublisher, encoders: Map<string, Encoder>) {
    this.#publisher = publisher;
    this.#encoders = encoders;
  }

  lastSeq(jobId: string): number | undefined {
    return this.#latest.get(jobId)?.seq;
  }

  /**
   * Where the job's live topic stands on this node, when this node has published any of its events: every
   * event up to `seq` is committed (events publish only once committed), so a socket can start there without
   * asking the store.
   */
  position(jobId: string): LivePosition | undefined {
    const latest = this.#latest.get(jobId);
    return latest && { seq: latest.seq, terminal: latest.terminal };
  }

  /** Wall-clock ms of the job's latest event on this node, for idle timeouts. */
  lastDeliveredAt(jobId: string): number | undefined {
    return this.#latest.get(jobId)?.deliveredAt;
  }

  /**
   * Call synchronously right after a store read that ended at `joiner.sentSeq`. Returns false when live
   * events already went past it (read the store again); otherwise the joiner is subscribed now or at the
   * next event.
   */
  join(jobId: string, joiner: Joiner): boolean {
    const live = this.#latest.get(jobId)?.seq;
    if (live !== undefined && live > joiner.sentSeq) return false;
    if (live === joiner.sentSeq) {
      joiner.subscribe();
      return true;
    }
    let set = this.#joiners.get(jobId);
    if (!set) this.#joiners.set(jobId, (set = new Set()));
    set.add(joiner);
    return true;
  }

  leave(jobId: string, joiner: Joiner): void {
    const set = this.#joiners.get(jobId);
    if (!set) return;
    set.delete(joiner);
    if (set.size === 0) this.#joiners.delete(jobId);
  }

  onTerminal(listener: TerminalListener): () => void {
    this.#terminalListeners.add(listener);
    return () => this.#terminalListeners.delete(listener);
  }

  deliver(event: JobEvent): void {
    const previous = this.#latest.get(event.jobId)?.seq;
    if (previous !== undefined && event.seq <= previous) return;
    this.#admitJoiners(event);
    this.#rememberSeq(event);

    for (const [dialect, encode] of this.#encoders) {
      const topic = topicOf(dialect, event.jobId);
      const subscribers = this.#publisher.subscriberCount(topic);
      if (subscribers === 0) continue;
      const message = encode(event);
      instruments.encodes.add(1, { dialect });
      if (message === null) continue;
      this.#publisher.publish(topic, message);
      instruments.messagesDelivered.add(subscribers, { dialect });
    }

    if (isTerminal(event.type)) {
      for (const listener of this.#terminalListeners) listener(event);
    }
  }

  #admitJoiners(event: JobEvent): void {
    const set = this.#joiners.get(event.jobId);
    if (!set) return;
    for (const joiner of [...set]) {
      if (event.seq <= joiner.sentSeq) continue;
      set.delete(joiner);
      if (event.seq === joiner.sentSeq + 1) joiner.subscribe();
      else joiner.resync();
    }
    if (set.size === 0) this.#joiners.delete(event.jobId);
  }

  #rememberSeq(event: JobEvent): void {
    this.#latest.delete(event.jobId);
    this.#latest.set(event.jobId, { seq: event.seq, terminal: isTerminal(event.type), deliveredAt: Date.now() });
    if (this.#latest.size > JOB_MEMORY) {
      const oldest = this.#latest.keys().next().value;
      if (oldest !== undefined) this.#latest.delete(oldest);
    }
  }
}
