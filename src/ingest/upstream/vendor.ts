import type { EventDraft, JobEvent } from '../../core/event.js';
import type { Job } from '../../core/job.js';
import type { ProblemKind } from '../../core/problem.js';
import type { UpstreamHttp } from './http.js';

/** What a vendor's calls need: its HTTP client and its path templates, settings applied. */
export interface VendorContext<P extends string> {
  http: UpstreamHttp;
  paths: Readonly<Record<P | 'stream', string>>;
}

export interface FollowTarget<P extends string> extends VendorContext<P> {
  upstreamId: string;
}

/**
 * Everything vendor-specific about one vendor's upstream API. The shared run (`run.ts`) does the rest:
 * creation with retries, one socket at a time, reconnects with backoff, keepalive, gaps, cancel, stop.
 */
export interface VendorAdapter<P extends string> {
  readonly name: string;
  readonly kinds: ReadonlySet<ProblemKind>;
  /** Path templates (`{id}`, `{kind}`); DESIGN.md's defaults where the doc shows none. */
  readonly paths: Readonly<Record<P | 'stream', string>>;
  /** The doc's limit on simultaneous sockets per API key; runs beyond it wait for a slot. */
  readonly socketsPerKey?: number;
  /** Creates the job upstream and returns the vendor's id for it. */
  create(job: Job, vendor: VendorContext<P>): Promise<string>;
  /** The decoder and per-job state for following one upstream job; lives as long as the run. */
  follow(target: FollowTarget<P>): VendorStream;
}

export interface VendorStream {
  /** `?token=` as the doc shows (Nerox, MatCraft); otherwise the key travels as `Authorization: Bearer`. */
  readonly keyInQuery: boolean;
  /** The vendor neither resends what a dropped connection missed nor says what it was: record a gap per reconnect. */
  readonly gapOnReconnect: boolean;
  /** The doc's keepalive message, and the reply that is not a message; WebSocket ping frames without one. */
  readonly ping?: string;
  readonly pong?: string;
  /** Close codes after which reconnecting cannot help (a refused key, an unknown job). */
  readonly fatalCloseCodes?: ReadonlySet<number>;
  /** Frames to send on every (re)opened socket, e.g. Mutagent's subscribe with its resume point. */
  opened?(): string[];
  /** One well-formed JSON message as drafts; undocumented or foreign ones as `warning` drafts, protocol chatter as none. */
  decode(message: Record<string, unknown>): EventDraft[];
  /**
   * A live-only stream never carries what the vendor sent before the bridge's first connection. Asked once,
   * just before a new run's first connection: why the vendor's state (its status) shows messages were already
   * sent, recorded as a `gap` at the start; undefined when none were.
   */
  sentBeforeConnect?(): Promise<string | undefined>;
  /**
   * The same question asked of a new run's first job message, for vendors whose messages tell where a run
   * starts (MatCraft's first iteration): why earlier messages were missed, or undefined when it is the first.
   */
  missedBeforeFirst?(message: Record<string, unknown>): string | undefined;
  /** Reads back the job's recorded events after a bridge restart, to find where to resume. */
  restore?(recorded: AsyncIterable<JobEvent>): Promise<void>;
  /** Asks the vendor to cancel; the vendor's own cancelled message (or `ended`) ends the run. */
  cancel(): Promise<void>;
  /** The vendor closed the stream without a terminal message: how the job ended, if it did (Nerox). */
  ended?(): Promise<EventDraft | undefined>;
  /** HTTP fallback while the stream keeps failing (JAOT). */
  poll?(): Promise<EventDraft[]>;
  /** Sent before the run closes a socket it is done with (Mutagent's unsubscribe). */
  farewell?(): string[];
}
