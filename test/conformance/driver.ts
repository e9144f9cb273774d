import type { TestBridge } from '../helpers/bridge.js';

/** One job message as any dialect's client saw it, decoded back to canonical terms. */
export interface Observed {
  seq: number;
  /** Canonical event type the message stands for. */
  type: string;
  iteration?: number;
  bestObjective?: number;
}

export interface WatchOptions {
  /** Resume after this seq (`?after=`, `afterEventId`); JAOT has no resume and ignores it. */
  after?: number;
  /** `?replay=1&speed=N` where the dialect's stream takes it. */
  replaySpeed?: number;
  /** Close from the client side after this many job messages (a client that drops mid-run). */
  stopAfter?: number;
}

export interface WatchResult {
  observed: Observed[];
  /** Every frame as received (parsed JSON where it parses). */
  raw: unknown[];
  closeCode: number;
}

export interface Refusal {
  messages: unknown[];
  closeCode: number;
}

/**
 * A dialect's client, driven the way its vendor doc shows. The conformance suite runs every behaviour
 * through every driver, so a behaviour is written once and checked in all four dialects.
 */
export interface DialectDriver {
  readonly name: string;
  /** True when the dialect can resume (`after` / `afterEventId`). */
  readonly resumes: boolean;
  watch(bridge: TestBridge, key: string, jobId: string, options?: WatchOptions): Promise<WatchResult>;
  /**
   * The message types the doc lists for the server, and the types a received message stands for (Mutagent: its
   * message type and each event's `eventType`); absent where the doc lists only some (Nerox).
   */
  readonly documented?: { types: ReadonlySet<string>; typesOf(message: unknown): string[] };
  /** Tries to watch with a wrong key or a job the key cannot see. */
  refused(bridge: TestBridge, key: string, jobId: string): Promise<Refusal>;
}
