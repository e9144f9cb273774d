import { storable } from '../../core/canonical.js';
import { isTerminal, type EventDraft } from '../../core/event.js';
import type { ProviderRun, ProviderStart } from '../../core/provider.js';
import { isRecord } from '../../core/json.js';
import { context, type Context } from '../../telemetry/tracing.js';
import { backoffDelay, pause } from './backoff.js';
import { connectUpstream } from './connect.js';
import { failed, gap, warning } from './drafts.js';
import { formatDuration, isRetryableStatus, UpstreamError } from './errors.js';
import { fillPath, UpstreamHttp } from './http.js';
import { redactSecrets } from './redact.js';
import type { UpstreamSettings } from './settings.js';
import { endReason, type SocketEnd, type UpstreamSocket } from './socket.js';
import type { Slots } from '../../core/slots.js';
import type { VendorAdapter, VendorStream } from './vendor.js';

/** A malformed frame is kept for audit up to this many characters. */
const MAX_RAW_CHARS = 4096;

/**
 * How long a new run's first connection waits on the vendor's status (`sentBeforeConnect`): a status endpoint
 * that is slow or retrying must not hold the stream back, which would miss still more.
 */
const START_CHECK_MS = 2_000;

/**
 * One job's upstream session: creates the job unless it already has an upstream id, then keeps exactly one
 * socket open to it until the terminal message, reconnecting with backoff; everything it emits has the key removed.
 */
export class UpstreamRun<P extends string> implements ProviderRun {
  readonly done: Promise<void>;
  readonly #adapter: VendorAdapter<P>;
  readonly #paths: Readonly<Record<P | 'stream', string>>;
  readonly #settings: UpstreamSettings;
  readonly #start: ProviderStart;
  readonly #abort = new AbortController();
  readonly #trace: Context = context.active();
  readonly #http: UpstreamHttp;
  readonly #slots: Slots | undefined;
  /** Queued behind the vendor's per-key socket limit: no socket, so a cancel cannot come back over one. */
  #waitingForSlot = false;
  /** A terminal draft went out, or the run was stopped: nothing more is emitted. */
  #over = false;
  #cancelWanted = false;
  #stream: VendorStream | undefined;
  #socket: UpstreamSocket | undefined;
  /** Why messages may be missing, recorded as a gap once the next connection opens. */
  #gapReason: string | undefined;
  /** A new run whose start no gap covers yet: its first job message may still show that earlier ones were missed. */
  #startUnchecked = false;

  constructor(
    adapter: VendorAdapter<P>,
    paths: Readonly<Record<P | 'stream', string>>,
    settings: UpstreamSettings,
    start: ProviderStart,
    slots?: Slots,
  ) {
    this.#adapter = adapter;
    this.#slots = slots;
    this.#paths = paths;
    this.#settings = settings;
    this.#start = start;
    this.#http = new UpstreamHttp({
      provider: adapter.name,
      baseUrl: settings.url,
      apiKey: settings.apiKey,
      requestTimeoutMs: settings.requestTimeoutMs,
      backoff: { initialMs: settings.backoffInitialMs, maxMs: settings.backoffMaxMs },
      giveUpAfterMs: settings.giveUpAfterMs,
      signal: this.#abort.signal,
      trace: this.#trace,
    });
    this.done = this.#follow().catch((error: unknown) => {
      const code = error instanceof UpstreamError ? error.code : 'upstream_error';
      this.#emit(failed(adapter.name, code, (error as Error).message ?? String(error)));
    });
  }

  cancel(): void {
    if (this.#over) return;
    if (this.#stream) void this.#cancelUpstream(this.#stream);
    else this.#cancelWanted = true;
  }

  stop(): void {
    this.#finish();
  }

  get #name(): string {
    return this.#adapter.name;
  }

  async #follow(): Promise<void> {
    const { job, lastSeq } = this.#start;
    const upstreamId = job.upstreamId ?? (await this.#create());
    if (upstreamId === undefined || this.#over) return;
    const stream = this.#adapter.follow({ upstreamId, http: this.#http, paths: this.#paths });
    if (lastSeq > 0) {
      await stream.restore?.(this.#start.recorded());
      if (stream.gapOnReconnect) this.#gapReason = `the bridge restarted; ${this.#name} does not resend what it sent meanwhile`;
    }
    this.#stream = stream;
    if (this.#cancelWanted) void this.#cancelUpstream(stream);
    const release = await this.#socketSlot(stream);
    if (lastSeq === 0) await this.#checkStart(stream);
    this.#startUnchecked = lastSeq === 0 && this.#gapReason === undefined;
    try {
      await this.#keepFollowing(stream, upstreamId);
    } finally {
      release();
    }
  }

  /** Holds one of the vendor's sockets per key for the rest of the run, reconnects included. */
  async #socketSlot(stream: VendorStream): Promise<() => void> {
    const slots = this.#slots;
    if (!slots) return () => {};
    if (slots.available) return slots.acquire(this.#abort.signal);
    const queuedAt = Date.now();
    this.#waitingForSlot = true;
    try {
      return await slots.acquire(this.#abort.signal);
    } finally {
      this.#waitingForSlot = false;
      if (stream.gapOnReconnect) {
        this.#gapReason = `waited ${formatDuration(Date.now() - queuedAt)} for one of the ${slots.limit} sockets ${this.#name} allows per API key; ${this.#name} does not resend what it sent meanwhile`;
      }
    }
  }

  /** Events between the upstream create and the first connect are never seen: say so when the vendor shows some. */
  async #checkStart(stream: VendorStream): Promise<void> {
    if (!stream.sentBeforeConnect || this.#gapReason !== undefined) return;
    const answered = stream.sentBeforeConnect().catch(() => undefined);
    const reason = await Promise.race([answered, pause(START_CHECK_MS, this.#abort.signal).then(() => undefined)]);
    this.#gapReason ??= reason;
  }

  async #create(): Promise<string | undefined> {
    let id: string;
    try {
      id = await this.#adapter.create(this.#start.job, { http: this.#http, paths: this.#paths });
    } catch (error) {
      if (!this.#cancelWanted) throw error;
      this.#emit({ type: 'cancelled', at: new Date().toISOString(), message: `cancelled before ${this.#name} accepted the job`, source: { provider: this.#name } });
      return undefined;
    }
    await this.#start.recordUpstreamId(id);
    return id;
  }

  async #keepFollowing(stream: VendorStream, upstreamId: string): Promise<void> {
    const { giveUpAfterMs, failuresBeforePolling, pollIntervalMs, backoffInitialMs, backoffMaxMs } = this.#settings;
    const signal = this.#abort.signal;
    let failures = 0;
    let heardAt = Date.now();
    for (let attempt = 0; !this.#over; attempt++) {
      const end = await this.#connect(stream, upstreamId, attempt);
      if (this.#over) return;
      const fatal = this.#fatal(stream, end);
      if (fatal) return this.#emit(failed(this.#name, 'upstream_rejected', fatal));
      if (end.opened && end.code !== 1006 && stream.ended) {
        // A status endpoint that fails too is one more reason to reconnect, not a verdict on the job.
        const outcome = await stream.ended().catch(() => undefined);
        if (outcome) return this.#emit(outcome);
      }
      if (end.opened && stream.gapOnReconnect) {
        this.#gapReason ??= `the ${this.#name} stream dropped at ${new Date().toISOString()} (${endReason(end)}); ${this.#name} does not resend what it sent until the reconnect`;
      }
      if (end.heard) [failures, heardAt] = [0, Date.now()];
      else failures++;
      if (Date.now() - heardAt > giveUpAfterMs) {
        const lost = `lost contact with ${this.#name} for more than ${formatDuration(giveUpAfterMs)} (last: ${endReason(end)})`;
        return this.#emit(failed(this.#name, 'upstream_unavailable', lost));
      }
      if (stream.poll && failures >= failuresBeforePolling) {
        if (await this.#poll(stream)) heardAt = Date.now();
        await pause(pollIntervalMs, signal);
      } else {
        await pause(backoffDelay(failures, { initialMs: backoffInitialMs, maxMs: backoffMaxMs }), signal);
      }
    }
  }

  /** One connection, from its connect span to its close. */
  async #connect(stream: VendorStream, upstreamId: string, attempt: number): Promise<SocketEnd> {
    const socket = await connectUpstream({
      settings: this.#settings,
      path: fillPath(this.#paths.stream, { id: upstreamId }),
      stream,
      attempt,
      parent: this.#trace,
      attributes: { 'optbridge.provider': this.#name, 'optbridge.job_id': this.#start.job.id, 'optbridge.upstream_id': upstreamId },
      onSocket: (created) => (this.#socket = created),
      onOpen: (opened) => this.#opened(stream, opened),
      onText: (text) => this.#receive(stream, text),
    });
    const end = await socket.ended;
    this.#socket = undefined;
    return end;
  }

  #opened(stream: VendorStream, socket: UpstreamSocket): void {
    if (this.#over) return socket.close();
    if (this.#gapReason !== undefined) {
      this.#emit(gap(this.#name, this.#gapReason));
      this.#gapReason = undefined;
      this.#startUnchecked = false;
    }
    for (const frame of stream.opened?.() ?? []) socket.send(frame);
  }

  #receive(stream: VendorStream, text: string): void {
    if (this.#over || text === stream.pong) return;
    let message: unknown;
    try {
      // Bounded and clean before anything walks it: a hostile frame must not overflow the stack downstream.
      message = storable(JSON.parse(text));
    } catch {
      message = undefined;
    }
    if (!isRecord(message)) {
      this.#emit(warning(this.#name, `${this.#name} sent a frame that is not a JSON object; recorded and ignored`, text.slice(0, MAX_RAW_CHARS)));
      return;
    }
    let drafts: EventDraft[];
    try {
      drafts = stream.decode(message);
    } catch (error) {
      drafts = [warning(this.#name, `could not decode a ${this.#name} message: ${(error as Error).message}`, message)];
    }
    if (this.#startUnchecked && drafts.some((draft) => draft.type !== 'warning')) {
      this.#startUnchecked = false;
      const missed = stream.missedBeforeFirst?.(message);
      if (missed !== undefined) this.#emit(gap(this.#name, missed));
    }
    for (const draft of drafts) this.#emit(draft);
  }

  /** Refusals that reconnecting cannot fix; undefined for everything worth another try. */
  #fatal(stream: VendorStream, end: SocketEnd): string | undefined {
    const status = end.refusal?.status;
    if (status !== undefined && status >= 400 && status < 500 && !isRetryableStatus(status)) {
      return `${this.#name} refused the stream: ${endReason(end)}`;
    }
    if (stream.fatalCloseCodes?.has(end.code)) return `${this.#name} closed the stream: ${endReason(end)}`;
    return undefined;
  }

  /** One poll; one that fails only means the vendor was not heard from this time. */
  async #poll(stream: VendorStream): Promise<boolean> {
    try {
      for (const draft of (await stream.poll?.()) ?? []) this.#emit(draft);
      return true;
    } catch {
      return false;
    }
  }

  async #cancelUpstream(stream: VendorStream): Promise<void> {
    try {
      await stream.cancel();
    } catch (error) {
      this.#emit(warning(this.#name, `${this.#name} did not take the cancel request: ${(error as Error).message}`));
      return;
    }
    if (this.#waitingForSlot) {
      this.#emit({ type: 'cancelled', at: new Date().toISOString(), message: `cancelled while waiting for a ${this.#name} socket`, source: { provider: this.#name } });
    }
  }

  #emit(draft: EventDraft): void {
    if (this.#over) return;
    this.#start.sink.emit(redactSecrets(draft, [this.#settings.apiKey]));
    if (isTerminal(draft.type)) this.#finish();
  }

  /** Ends the run on this node: no more events, requests aborted, the socket closed politely. */
  #finish(): void {
    if (this.#over) return;
    this.#over = true;
    this.#abort.abort();
    const socket = this.#socket;
    if (!socket) return;
    for (const frame of this.#stream?.farewell?.() ?? []) socket.send(frame);
    socket.close();
  }
}
