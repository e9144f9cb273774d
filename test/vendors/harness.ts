/**
 * Shared plumbing for the vendor simulators: an HTTP + WebSocket server with a route table, a deterministic
 * synthetic run per job, and fault injection on every frame a simulator sends. A vendor file only declares its
 * routes and how a run looks in its own message format.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket, WebSocketServer } from 'ws';

export type Msg = Record<string, unknown>;

/** Read on every request and frame, so a test may replace or mutate `sim.faults` at any moment. */
export interface Faults {
  /** Cut every upstream socket (TCP drop, the client sees 1006) once it has carried N job messages; 0 drops at connect. */
  dropAfterEvents?: number;
  /** Hold each HTTP response and each outgoing frame this long; frames stay in order. */
  delayMs?: number;
  /** After every Nth job message on a socket, send it again. */
  duplicateEvery?: number;
  /** Before every Nth job message on a socket, send a truncated, non-JSON copy of it. */
  malformedEvery?: number;
  /** Hold every outgoing frame (replies too) while true, keeping the socket open; held frames go out when cleared. */
  stall?: boolean;
  /** Refuse every API key, the configured one included. */
  refuseAuth?: boolean;
  /** Answer every HTTP request and WebSocket upgrade with 503. */
  httpStatus5xx?: boolean;
  /** After every Nth job message on a socket, send a well-formed message of a type no vendor documents. */
  unknownTypeEvery?: number;
  /**
   * After every Nth job message on a socket, send valid JSON that no store or hash takes as it is: a number
   * beyond double range, NUL and a lone surrogate in strings, and arrays nested 20 000 deep.
   */
  hostileEvery?: number;
}

const HOSTILE_NESTING = 20_000;

export type JobStatus = 'pending' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';

export interface JobSpec {
  /** Messages in the run, the terminal one included. */
  events?: number;
  intervalMs?: number;
  /** Same seed, same numbers; defaults to the job's creation ordinal in its simulator. */
  seed?: number;
  outcome?: 'completed' | 'failed';
  /** false: the job waits for `sim.startJob(id)` or manual `job.tick()`s, so a test can connect before anything is sent. */
  autoStart?: boolean;
  /**
   * Messages the job publishes as it is created, before the creation request is answered: a live-only client
   * connecting afterwards has certainly missed them (what a fast run does between create and connect).
   */
  headStart?: number;
}

export interface RunScript {
  /** Non-terminal message number `i` (0-based) in the vendor's format. */
  progress(job: SimJob, i: number): Msg;
  /** The message that announces `job.status` (completed, failed or cancelled), if the vendor sends one. */
  end(job: SimJob): Msg | undefined;
  paused?(job: SimJob): Msg;
  resumed?(job: SimJob): Msg;
}

export interface JobListener {
  message(msg: Msg): void;
  /** After the terminal message, if any: the job will publish nothing more. */
  end(): void;
}

/** Solution quality in [0, 1] at one step: higher is better, each vendor scales it to its own objective. */
export interface Point {
  value: number;
  best: number;
  /** Step at which `best` was found, so a reported best solution only changes when the best value does. */
  bestAt: number;
}

const TERMINAL: ReadonlySet<JobStatus> = new Set(['completed', 'failed', 'cancelled']);
const STALL_POLL_MS = 10;

export const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

export const isObject = (x: unknown): x is Msg => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A pure function of its inputs, so numbers do not depend on the order in which messages are rendered. */
function hash01(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part | 0), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
  }
  return (h >>> 0) / 2 ** 32;
}

export class SimJob {
  readonly id: string;
  readonly total: number;
  readonly intervalMs: number;
  readonly seed: number;
  readonly outcome: 'completed' | 'failed';
  /** The creation request's body, so a script can echo what the client asked for. */
  readonly input: Msg;
  readonly createdAt = new Date().toISOString();
  status: JobStatus = 'pending';
  /** Non-terminal messages published so far. */
  steps = 0;
  /** Every message published, in order: what a vendor with replay can send again. */
  readonly history: Msg[] = [];
  final: Msg | undefined;
  readonly finished: Promise<JobStatus>;
  #settle!: (status: JobStatus) => void;
  #points: Point[] = [];
  #timer: NodeJS.Timeout | undefined;
  #listeners = new Set<JobListener>();
  #script: RunScript;

  constructor(id: string, spec: Required<Omit<JobSpec, 'autoStart' | 'headStart'>>, script: RunScript, input: Msg) {
    if (!Number.isInteger(spec.events) || spec.events < 1) throw new RangeError(`events must be a positive integer, got ${spec.events}`);
    this.id = id;
    this.total = spec.events;
    this.intervalMs = spec.intervalMs;
    this.seed = spec.seed;
    this.outcome = spec.outcome;
    this.input = input;
    this.#script = script;
    this.finished = new Promise((resolve) => (this.#settle = resolve));
    let best = -Infinity;
    let bestAt = 0;
    for (let i = 0; i < this.total; i++) {
      const value = (1 - Math.exp((-4 * (i + 1)) / this.total)) * (0.8 + 0.2 * this.noise(i));
      if (value > best) [best, bestAt] = [value, i];
      this.#points.push({ value: round(value, 6), best: round(best, 6), bestAt });
    }
  }

  get done(): boolean {
    return TERMINAL.has(this.status);
  }

  point(i: number): Point {
    return this.#points[Math.max(0, Math.min(i, this.total - 1))]!;
  }

  /** The last point a progress message reported (the first one before any). */
  get latest(): Point {
    return this.point(this.steps - 1);
  }

  noise(i: number, k = 0): number {
    return hash01(this.seed, i, k);
  }

  now(): string {
    return new Date().toISOString();
  }

  start(): void {
    if (!this.done && this.status !== 'paused' && this.#timer === undefined) this.#schedule();
  }

  /** Publishes the next message of the run; the run's timer calls it, a test may call it directly. */
  tick(): void {
    if (this.done || this.status === 'paused') return;
    this.status = 'running';
    if (this.steps < this.total - 1) this.#publish(this.#script.progress(this, this.steps++));
    else this.#finish(this.outcome);
  }

  cancel(): boolean {
    if (this.done) return false;
    this.#finish('cancelled');
    return true;
  }

  pause(): boolean {
    if (this.status !== 'running' || !this.#script.paused) return false;
    this.#stopTimer();
    this.status = 'paused';
    this.#publish(this.#script.paused(this));
    return true;
  }

  resume(): boolean {
    if (this.status !== 'paused' || !this.#script.resumed) return false;
    this.status = 'running';
    this.#publish(this.#script.resumed(this));
    this.#schedule();
    return true;
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: JobListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Freezes the run without a terminal message: the simulator is shutting down. */
  halt(): void {
    this.#stopTimer();
  }

  #schedule(): void {
    this.#timer = setInterval(() => this.tick(), this.intervalMs);
  }

  #stopTimer(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #finish(status: JobStatus): void {
    this.#stopTimer();
    this.status = status;
    this.final = this.#script.end(this);
    if (this.final) this.#publish(this.final);
    for (const listener of [...this.#listeners]) listener.end();
    this.#listeners.clear();
    this.#settle(status);
  }

  #publish(msg: Msg): void {
    this.history.push(msg);
    for (const listener of [...this.#listeners]) listener.message(msg);
  }
}

/** One accepted WebSocket. Every frame goes through one ordered queue, which is where delay and stall act. */
export class SimSocket {
  readonly ws: WebSocket;
  /** The API key the client presented, if any. */
  readonly key: string | undefined;
  #sim: VendorSim;
  #jobMessages = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(ws: WebSocket, sim: VendorSim, key: string | undefined) {
    this.ws = ws;
    this.key = key;
    this.#sim = sim;
    // A peer that vanishes mid-write must not take the simulator down.
    ws.on('error', () => {});
    if (sim.faults.dropAfterEvents === 0) ws.terminate();
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Counts this socket as one connection to the job, for `sim.connectionsFor`. */
  attach(jobId: string): void {
    bump(this.#sim.stats.connections, jobId);
  }

  /** A message of the job's run: counted, and subject to every fault. */
  send(jobId: string, msg: Msg): void {
    const faults = this.#sim.faults;
    const n = ++this.#jobMessages;
    const text = JSON.stringify(msg);
    const frames: string[] = [];
    if (every(faults.malformedEvery, n)) frames.push(text.slice(0, Math.ceil(text.length / 2)));
    frames.push(text);
    if (every(faults.unknownTypeEvery, n)) frames.push(JSON.stringify({ type: 'x_sim_unknown', job_id: jobId, timestamp: new Date().toISOString() }));
    if (every(faults.duplicateEvery, n)) frames.push(text);
    if (every(faults.hostileEvery, n)) {
      const deep = '['.repeat(HOSTILE_NESTING) + ']'.repeat(HOSTILE_NESTING);
      frames.push(`{"type":"x_sim_hostile","job_id":${JSON.stringify(jobId)},"energy":1e400,"text":"a\\u0000b\\ud800","deep":${deep}}`);
    }
    const drop = faults.dropAfterEvents !== undefined && n >= faults.dropAfterEvents;
    this.#enqueue(() => {
      for (const frame of frames) {
        this.ws.send(frame);
        bump(this.#sim.stats.messagesSent, jobId);
      }
      if (drop) this.ws.terminate();
    });
  }

  /** A protocol reply (ack, pong, error): ordered with the job's messages, delayed and stalled, never mangled. */
  reply(msg: Msg | string): void {
    this.#enqueue(() => this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg)));
  }

  /** Closes once everything queued before it is out. */
  close(code: number, reason: string): void {
    this.#enqueue(() => this.ws.close(code, reason));
  }

  onMessage(handler: (text: string) => void): void {
    this.ws.on('message', (data) => handler(String(data)));
  }

  onClose(handler: () => void): void {
    this.ws.on('close', handler);
  }

  #enqueue(write: () => void): void {
    this.#queue = this.#queue.then(async () => {
      const delay = this.#sim.faults.delayMs ?? 0;
      if (delay > 0) await sleep(delay);
      while (this.#sim.faults.stall && this.open) await sleep(STALL_POLL_MS);
      if (this.open) write();
    });
  }
}

/** Streams a job's live messages to one socket, then closes it the way the vendor does after the terminal state. */
export function follow(sock: SimSocket, job: SimJob, closing: (job: SimJob) => [code: number, reason: string]): void {
  const end = () => sock.close(...closing(job));
  if (job.done) {
    if (job.final) sock.send(job.id, job.final);
    end();
    return;
  }
  sock.onClose(job.subscribe({ message: (msg) => sock.send(job.id, msg), end }));
}

export interface VendorProfile {
  name: string;
  defaultKey: string;
  newId(): string;
  script: RunScript;
  /** The vendor's JSON error body. */
  errorBody(status: number, message: string): unknown;
  notFound(id: string): string;
}

export interface SimOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  apiKey?: string;
  faults?: Faults;
  /** Defaults for every job this simulator creates. */
  job?: JobSpec;
}

export interface SimStats {
  /** Keyed `METHOD /route/:pattern`, `WS /route/:pattern` for upgrades, or `METHOD /raw/path` when no route matched. */
  requests: Record<string, number>;
  lastTraceparent: string | undefined;
  /** Frames of each job's run written to sockets, injected faults included; protocol replies are not counted. */
  messagesSent: Record<string, number>;
  connections: Record<string, number>;
}

export interface HttpContext {
  params: Readonly<Record<string, string>>;
  body: unknown;
  /** `Authorization: Bearer`, `X-API-Key` or `?token=`, whichever the client used. */
  key: string | undefined;
  host: string;
}

export interface Reply {
  status: number;
  body: unknown;
}

type HttpHandler = (ctx: HttpContext) => Reply;
/** Returns a Reply to refuse the upgrade with that HTTP status, or the function that takes the accepted socket. */
type WsHandler = (ctx: HttpContext) => Reply | ((sock: SimSocket) => void);

interface Route<H> {
  method: string;
  pattern: string;
  regex: RegExp;
  names: string[];
  handler: H;
  auth: boolean;
}

const DEFAULT_JOB = { events: 20, intervalMs: 50, outcome: 'completed', autoStart: true } as const;

export class VendorSim {
  readonly name: string;
  readonly apiKey: string;
  faults: Faults;
  jobDefaults: JobSpec;
  readonly stats: SimStats = { requests: {}, lastTraceparent: undefined, messagesSent: {}, connections: {} };
  url = '';
  port = 0;
  #profile: VendorProfile;
  #options: SimOptions;
  #http: Route<HttpHandler>[] = [];
  #ws: Route<WsHandler>[] = [];
  #jobs = new Map<string, SimJob>();
  #server: Server;
  #wss = new WebSocketServer({ noServer: true });

  constructor(profile: VendorProfile, options: SimOptions) {
    this.#profile = profile;
    this.#options = options;
    this.name = profile.name;
    this.apiKey = options.apiKey ?? profile.defaultKey;
    this.faults = { ...options.faults };
    this.jobDefaults = { ...options.job };
    this.#server = createServer((req, res) => void this.#onRequest(req, res));
    this.#server.on('upgrade', (req, socket, head) => this.#onUpgrade(req, socket, head));
  }

  http(method: string, pattern: string, handler: HttpHandler, { auth = true } = {}): this {
    this.#http.push({ method, pattern, handler, auth, ...compile(pattern) });
    return this;
  }

  /** A route on `:id` that answers the vendor's 404 when the job does not exist. */
  jobRoute(method: string, pattern: string, handler: (job: SimJob, ctx: HttpContext) => Reply): this {
    return this.http(method, pattern, (ctx) => {
      const id = ctx.params.id ?? '';
      const job = this.#jobs.get(id);
      return job ? handler(job, ctx) : this.error(404, this.#profile.notFound(id));
    });
  }

  ws(pattern: string, handler: WsHandler): this {
    this.#ws.push({ method: 'GET', pattern, handler, auth: false, ...compile(pattern) });
    return this;
  }

  async listen(): Promise<this> {
    const { port = 0, host = '127.0.0.1' } = this.#options;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, resolve);
    });
    this.port = (this.#server.address() as AddressInfo).port;
    this.url = `http://${host}:${this.port}`;
    return this;
  }

  reply(body: unknown, status = 200): Reply {
    return { status, body };
  }

  error(status: number, message: string): Reply {
    return { status, body: this.#profile.errorBody(status, message) };
  }

  authorized(key: string | undefined): boolean {
    return !this.faults.refuseAuth && key === this.apiKey;
  }

  createJob(spec: JobSpec = {}, input: Msg = {}): SimJob {
    const { autoStart, headStart = 0, ...run } = { ...DEFAULT_JOB, seed: this.#jobs.size + 1, ...this.jobDefaults, ...spec };
    const job = new SimJob(this.#profile.newId(), run, this.#profile.script, input);
    this.#jobs.set(job.id, job);
    for (let i = 0; i < headStart; i++) job.tick();
    if (autoStart) job.start();
    return job;
  }

  startJob(id: string): void {
    this.#jobs.get(id)?.start();
  }

  job(id: string): SimJob | undefined {
    return this.#jobs.get(id);
  }

  connectionsFor(id: string): number {
    return this.stats.connections[id] ?? 0;
  }

  messagesFor(id: string): number {
    return this.stats.messagesSent[id] ?? 0;
  }

  async close(): Promise<void> {
    for (const job of this.#jobs.values()) job.halt();
    for (const ws of this.#wss.clients) ws.terminate();
    this.#wss.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { url, match } = this.#route(this.#http, req);
    const delay = this.faults.delayMs ?? 0;
    if (delay > 0) await sleep(delay);
    const reply = await this.#answer(req, url, match);
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.body));
  }

  async #answer(req: IncomingMessage, url: URL, match: Matched<HttpHandler> | undefined): Promise<Reply> {
    if (this.faults.httpStatus5xx) return this.error(503, 'Service unavailable');
    if (!match) return this.error(404, 'Not found');
    let body: unknown;
    try {
      body = await readJson(req);
    } catch {
      return this.error(400, 'Invalid JSON body');
    }
    const ctx = this.#context(req, url, match.params, body);
    if (match.route.auth && !this.authorized(ctx.key)) return this.error(401, 'Invalid API key');
    return match.route.handler(ctx);
  }

  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {});
    const { url, match } = this.#route(this.#ws, req, 'WS');
    const decision = this.faults.httpStatus5xx
      ? this.error(503, 'Service unavailable')
      : match
        ? match.route.handler(this.#context(req, url, match.params, undefined))
        : this.error(404, 'Not found');
    if (typeof decision !== 'function') return refuseUpgrade(socket, decision);
    const key = presentedKey(req, url);
    this.#wss.handleUpgrade(req, socket, head, (ws) => decision(new SimSocket(ws, this, key)));
  }

  /** Matches a request to a route, counting it and noting its traceparent on the way. */
  #route<H>(routes: Route<H>[], req: IncomingMessage, label?: 'WS'): { url: URL; match: Matched<H> | undefined } {
    const url = new URL(req.url ?? '/', 'http://sim');
    const method = req.method ?? 'GET';
    let match: Matched<H> | undefined;
    for (const route of routes) {
      const found = route.method === method ? route.regex.exec(url.pathname) : null;
      if (!found) continue;
      const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? '')]));
      match = { route, params };
      break;
    }
    bump(this.stats.requests, `${label ?? method} ${match ? match.route.pattern : url.pathname}`);
    const traceparent = req.headers.traceparent;
    if (typeof traceparent === 'string') this.stats.lastTraceparent = traceparent;
    return { url, match };
  }

  #context(req: IncomingMessage, url: URL, params: Record<string, string>, body: unknown): HttpContext {
    return { params, body, key: presentedKey(req, url), host: req.headers.host ?? `127.0.0.1:${this.port}` };
  }
}

interface Matched<H> {
  route: Route<H>;
  params: Record<string, string>;
}

function compile(pattern: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = pattern.replace(/:(\w+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { regex: new RegExp(`^${source}$`), names };
}

function presentedKey(req: IncomingMessage, url: URL): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const header = req.headers['x-api-key'];
  return bearer ?? (typeof header === 'string' ? header : undefined) ?? url.searchParams.get('token') ?? undefined;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.trim() === '' ? undefined : JSON.parse(text);
}

function refuseUpgrade(socket: Duplex, reply: Reply): void {
  const body = JSON.stringify(reply.body);
  socket.end(
    `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ''}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function every(n: number | undefined, count: number): boolean {
  return n !== undefined && n > 0 && count % n === 0;
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
