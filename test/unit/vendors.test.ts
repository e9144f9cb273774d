import assert from 'node:assert/strict';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { WebSocket, type ClientOptions } from 'ws';
import { startJaotSim, startMatcraftSim, startMutagentSim, startNeroxSim, type Msg, type SimJob, type SimOptions, type VendorSim } from '../vendors/index.js';

interface Frame {
  text: string;
  json: Msg | undefined;
}

/** How a socket ended: a close code, or the HTTP status that refused the upgrade. */
interface Ending {
  code?: number;
  reason?: string;
  status?: number;
}

/** A test-side WebSocket that records every frame and can wait for one, failing instead of hanging if the socket ends. */
class Client {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  readonly opened: Promise<unknown>;
  readonly ended: Promise<Ending>;
  #waiters: { test: (frame: Frame) => boolean; resolve: (frame: Frame) => void; reject: (error: Error) => void }[] = [];

  constructor(url: string, options: ClientOptions = {}) {
    this.ws = new WebSocket(url, options);
    this.ws.on('error', () => {});
    this.opened = once(this.ws, 'open');
    this.ended = new Promise((resolve) => {
      this.ws.once('unexpected-response', (req, res) => {
        res.resume();
        resolve({ status: res.statusCode });
        req.destroy();
      });
      this.ws.once('close', (code, reason) => {
        resolve({ code, reason: String(reason) });
        for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error(`socket closed (${code}) before the awaited message`));
      });
    });
    this.ws.on('message', (data) => {
      const frame = { text: String(data), json: parse(String(data)) };
      this.frames.push(frame);
      for (const waiter of this.#waiters.filter((w) => w.test(frame))) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    });
  }

  /** The first frame from index `from` on, received already or to come, that passes `test`. */
  nextFrame(test: (frame: Frame) => boolean, from = 0): Promise<Frame> {
    const seen = this.frames.slice(from).find(test);
    if (seen) return Promise.resolve(seen);
    if (this.ws.readyState >= WebSocket.CLOSING) return Promise.reject(new Error('socket already closed'));
    return new Promise((resolve, reject) => this.#waiters.push({ test, resolve, reject }));
  }

  /** Like `nextFrame`, for well-formed messages of documented types. */
  async next(test: (msg: Msg) => boolean, from = 0): Promise<Msg> {
    return (await this.nextFrame((frame) => frame.json !== undefined && documented(frame.json) && test(frame.json), from)).json!;
  }

  /** Well-formed messages of documented types, in arrival order. */
  messages(): Msg[] {
    return this.frames.flatMap((frame) => (frame.json && documented(frame.json) ? [frame.json] : []));
  }

  send(msg: Msg | string): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }
}

const documented = (msg: Msg): boolean => msg.type !== 'x_sim_unknown';

function parse(text: string): Msg | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Msg) : undefined;
  } catch {
    return undefined;
  }
}

async function call(sim: VendorSim, method: string, path: string, key?: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(sim.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Msg };
}

const wsBase = (sim: VendorSim): string => sim.url.replace(/^http/, 'ws');

const runToEnd = (job: SimJob): void => {
  while (!job.done) job.tick();
};

/** What the shared suite needs to know to drive one vendor the way its doc does. */
interface Case {
  name: string;
  start(options: SimOptions): Promise<VendorSim>;
  create: { route: string; path: string; body: Msg };
  idOf(created: Msg): string;
  statusPath(id: string): string;
  cancelPath(id: string): string;
  open(sim: VendorSim, id: string, key: string): Client;
  /** Resolves once the server has taken the client on: every later message of the run reaches it. */
  ready(client: Client): Promise<unknown>;
  /** The run's messages as received, comparable with the job's history. */
  run(client: Client): Msg[];
  /** Job frames a socket carries besides the run (JAOT's status on connect). */
  extraFrames: number;
  /** Resolves when the client has everything the run will send it. */
  finished(client: Client): Promise<unknown>;
}

const MUTAGENT_TERMINAL = new Set(['job_completed', 'job_failed', 'job_cancelled']);

const CASES: Case[] = [
  {
    name: 'nerox',
    start: startNeroxSim,
    create: { route: 'POST /v1/optimize/:kind', path: '/v1/optimize/tsp', body: { distance_matrix: [[0, 1], [1, 0]] } },
    idOf: (created) => created.job_id as string,
    statusPath: (id) => `/v1/jobs/${id}`,
    cancelPath: (id) => `/v1/jobs/${id}/cancel`,
    open: (sim, id, key) => new Client(`${wsBase(sim)}/v1/jobs/${id}/stream?token=${key}`),
    ready: (client) => client.opened,
    run: (client) => client.messages(),
    extraFrames: 0,
    finished: (client) => client.ended,
  },
  {
    name: 'jaot',
    start: startJaotSim,
    create: { route: 'POST /api/v2/solve/async', path: '/api/v2/solve/async', body: { name: 'plan', variables: [] } },
    idOf: (created) => created.task_id as string,
    statusPath: (id) => `/api/v2/solve/async/${id}`,
    cancelPath: (id) => `/api/v2/solve/async/${id}/cancel`,
    open: (sim, id, key) => new Client(`${wsBase(sim)}/api/v2/ws/executions/${id}`, { headers: { authorization: `Bearer ${key}` } }),
    ready: (client) => client.next((msg) => msg.type === 'status'),
    run: (client) => client.messages().filter((msg) => msg.type !== 'status'),
    extraFrames: 1,
    finished: (client) => client.ended,
  },
  {
    name: 'matcraft',
    start: startMatcraftSim,
    create: { route: 'POST /api/v1/campaigns', path: '/api/v1/campaigns', body: { name: 'membranes' } },
    idOf: (created) => created.campaign_id as string,
    statusPath: (id) => `/api/v1/campaigns/${id}`,
    cancelPath: (id) => `/api/v1/campaigns/${id}/cancel`,
    open: (sim, id, key) => new Client(`${wsBase(sim)}/api/v1/ws/campaigns/${id}?token=${key}`),
    ready: (client) => client.opened,
    run: (client) => client.messages(),
    extraFrames: 0,
    finished: (client) => client.ended,
  },
  {
    name: 'mutagent',
    start: startMutagentSim,
    create: { route: 'POST /api/optimization/jobs', path: '/api/optimization/jobs', body: { promptId: 'p1', datasetId: 'd1' } },
    idOf: (created) => created.jobId as string,
    statusPath: (id) => `/api/optimization/jobs/${id}`,
    cancelPath: (id) => `/api/optimization/jobs/${id}/cancel`,
    open: (sim, id, key) => {
      const client = new Client(`${wsBase(sim)}/ws/optimization`, { headers: { authorization: `Bearer ${key}` } });
      void client.opened.then(() => client.send({ type: 'subscribe', jobId: id }));
      return client;
    },
    ready: (client) => client.next((msg) => msg.type === 'subscribed'),
    run: (client) =>
      client.messages().flatMap((msg) => (msg.type === 'event' ? [msg.event as Msg] : msg.type === 'replay' ? (msg.data as Msg[]) : [])),
    extraFrames: 0,
    finished: (client) => client.next((msg) => msg.type === 'event' && MUTAGENT_TERMINAL.has((msg.event as Msg).eventType as string)),
  },
];

const EVENTS = 6;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

for (const c of CASES) {
  describe(`${c.name} simulator`, () => {
    let sim: VendorSim;
    beforeEach(async () => {
      sim = await c.start({ job: { events: EVENTS, intervalMs: 5, autoStart: false } });
    });
    afterEach(() => sim.close());

    const createOverHttp = async (): Promise<string> => {
      const created = await call(sim, 'POST', c.create.path, sim.apiKey, c.create.body, { traceparent: TRACEPARENT });
      assert.ok(created.status >= 200 && created.status < 300, `create answered ${created.status}`);
      return c.idOf(created.body);
    };

    test('creates a job over HTTP and streams its run to the end', async () => {
      const id = await createOverHttp();
      const client = c.open(sim, id, sim.apiKey);
      await c.ready(client);
      sim.startJob(id);
      await c.finished(client);

      const job = sim.job(id)!;
      assert.equal(job.status, 'completed');
      assert.equal(job.history.length, EVENTS);
      assert.deepEqual(c.run(client), job.history);
      assert.equal(sim.connectionsFor(id), 1);
      assert.equal(sim.messagesFor(id), EVENTS + c.extraFrames);
      assert.equal(sim.stats.requests[c.create.route], 1);
      assert.equal(sim.stats.lastTraceparent, TRACEPARENT);
      assert.equal((await call(sim, 'GET', c.statusPath(id), sim.apiKey)).body.status, 'completed');
    });

    test('gives two clients of one job the same messages', async () => {
      const id = await createOverHttp();
      const clients = [c.open(sim, id, sim.apiKey), c.open(sim, id, sim.apiKey)];
      await Promise.all(clients.map(c.ready));
      sim.startJob(id);
      await Promise.all(clients.map(c.finished));

      assert.equal(sim.connectionsFor(id), 2);
      assert.deepEqual(c.run(clients[0]!), sim.job(id)!.history);
      assert.deepEqual(c.run(clients[1]!), sim.job(id)!.history);
    });

    test('refuses a wrong API key, and the right one under refuseAuth', async () => {
      const wrong = await call(sim, 'POST', c.create.path, 'wrong-key', c.create.body);
      assert.equal(wrong.status, 401);

      const id = await createOverHttp();
      const ending = await c.open(sim, id, 'wrong-key').ended;
      assert.ok(ending.status === 401 || ending.code === 4001 || ending.code === 1008, `socket ended with ${JSON.stringify(ending)}`);

      sim.faults = { refuseAuth: true };
      assert.equal((await call(sim, 'POST', c.create.path, sim.apiKey, c.create.body)).status, 401);
    });

    test('answers 404 for an unknown job', async () => {
      assert.equal((await call(sim, 'GET', c.statusPath('no-such-job'), sim.apiKey)).status, 404);
    });

    test('dropAfterEvents cuts the socket; a reconnect gets the stream from the current point', async () => {
      const job = sim.createJob();
      sim.faults = { dropAfterEvents: 3 };
      const first = c.open(sim, job.id, sim.apiKey);
      await c.ready(first);
      for (let i = 0; i < 4; i++) job.tick();
      assert.equal((await first.ended).code, 1006);
      assert.equal(c.run(first).length + c.extraFrames, 3);

      sim.faults = {};
      const second = c.open(sim, job.id, sim.apiKey);
      await c.ready(second);
      runToEnd(job);
      await c.finished(second);
      assert.deepEqual(c.run(second), job.history.slice(4));
      assert.equal(sim.connectionsFor(job.id), 2);
    });

    test('injects duplicate, malformed and unknown-type frames when asked', async () => {
      const job = sim.createJob();
      sim.faults = { duplicateEvery: 2, malformedEvery: 3, unknownTypeEvery: 5 };
      const client = c.open(sim, job.id, sim.apiKey);
      await c.ready(client);
      runToEnd(job);
      await c.finished(client);

      const sent = EVENTS + c.extraFrames;
      const run = c.run(client);
      const unique = [...new Map(run.map((msg) => [JSON.stringify(msg), msg])).values()];
      assert.equal(client.frames.filter((frame) => frame.json === undefined).length, Math.floor(sent / 3));
      assert.equal(client.frames.filter((frame) => frame.json?.type === 'x_sim_unknown').length, Math.floor(sent / 5));
      assert.equal(run.length - unique.length, Math.floor(sent / 2));
      assert.deepEqual(unique, job.history);
    });

    test('stall holds frames on an open socket until it is cleared', async () => {
      const job = sim.createJob();
      const client = c.open(sim, job.id, sim.apiKey);
      await c.ready(client);
      const before = sim.messagesFor(job.id);
      sim.faults = { stall: true };
      runToEnd(job);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(sim.messagesFor(job.id), before);
      assert.equal(client.ws.readyState, WebSocket.OPEN);

      sim.faults = {};
      await c.finished(client);
      assert.deepEqual(c.run(client), job.history);
    });

    test('delayMs keeps HTTP working and frames in order', async () => {
      sim.faults = { delayMs: 2 };
      const id = await createOverHttp();
      const client = c.open(sim, id, sim.apiKey);
      await c.ready(client);
      runToEnd(sim.job(id)!);
      await c.finished(client);
      assert.deepEqual(c.run(client), sim.job(id)!.history);
    });

    test('httpStatus5xx answers requests and upgrades with 503', async () => {
      const job = sim.createJob();
      sim.faults = { httpStatus5xx: true };
      assert.equal((await call(sim, 'POST', c.create.path, sim.apiKey, c.create.body)).status, 503);
      assert.equal((await c.open(sim, job.id, sim.apiKey).ended).status, 503);
      sim.faults = {};
      assert.equal((await call(sim, 'GET', c.statusPath(job.id), sim.apiKey)).status, 200);
    });

    test('cancels a running job once', async () => {
      const id = await createOverHttp();
      const client = c.open(sim, id, sim.apiKey);
      await c.ready(client);
      const job = sim.job(id)!;
      job.tick();
      job.tick();
      assert.equal((await call(sim, 'POST', c.cancelPath(id), sim.apiKey)).status, 200);
      await c.finished(client);

      assert.equal(job.status, 'cancelled');
      assert.deepEqual(c.run(client), job.history);
      assert.equal((await call(sim, 'POST', c.cancelPath(id), sim.apiKey)).status, 409);
    });

    test('a failing run ends with what the vendor sends on failure', async () => {
      const job = sim.createJob({ outcome: 'failed' });
      const client = c.open(sim, job.id, sim.apiKey);
      await c.ready(client);
      runToEnd(job);
      await c.finished(client);
      assert.equal(job.status, 'failed');
      assert.deepEqual(c.run(client), job.history);
    });
  });
}

describe('nerox specifics', () => {
  let sim: VendorSim;
  beforeEach(async () => {
    sim = await startNeroxSim({ job: { events: EVENTS, autoStart: false } });
  });
  afterEach(() => sim.close());

  test('stream_url points at the job stream, and the run ends with completed and a normal close', async () => {
    const created = await call(sim, 'POST', '/v1/optimize/qubo', sim.apiKey, {});
    const client = new Client(`${created.body.stream_url as string}?token=${sim.apiKey}`);
    await client.opened;
    runToEnd(sim.job(created.body.job_id as string)!);
    assert.deepEqual(await client.ended, { code: 1000, reason: 'completed' });
    const [progress, completed] = [client.messages()[0]!, client.messages().at(-1)!];
    assert.deepEqual(Object.keys(progress).sort(), ['best_energy', 'best_solution', 'energy', 'iteration', 'temperature', 'timestamp', 'type']);
    assert.deepEqual(Object.keys(completed.result as Msg).sort(), ['gpu_seconds', 'objective', 'runtime_s', 'solution']);
    assert.equal((completed.result as Msg).objective, client.messages().at(-2)!.best_energy);
  });

  test('a failed run closes with 1011 and GET tells why', async () => {
    const job = sim.createJob({ outcome: 'failed' });
    const client = new Client(`${wsBase(sim)}/v1/jobs/${job.id}/stream?token=${sim.apiKey}`);
    await client.opened;
    runToEnd(job);
    assert.equal((await client.ended).code, 1011);
    const view = await call(sim, 'GET', `/v1/jobs/${job.id}`, sim.apiKey);
    assert.equal(view.body.status, 'failed');
    assert.equal(typeof view.body.error, 'string');
  });

  test('refuses unknown problem types and unknown job streams', async () => {
    assert.equal((await call(sim, 'POST', '/v1/optimize/knapsack', sim.apiKey, {})).status, 404);
    assert.equal((await new Client(`${wsBase(sim)}/v1/jobs/job_missing/stream?token=${sim.apiKey}`).ended).status, 404);
  });
});

describe('jaot specifics', () => {
  let sim: VendorSim;
  beforeEach(async () => {
    sim = await startJaotSim({ job: { events: EVENTS, autoStart: false } });
  });
  afterEach(() => sim.close());

  const open = (id: string): Client => new Client(`${wsBase(sim)}/api/v2/ws/executions/${id}`);

  test('the status message on connect carries the latest progress', async () => {
    const job = sim.createJob();
    const fresh = open(job.id);
    assert.deepEqual(await fresh.next((msg) => msg.type === 'status'), { type: 'status', execution_id: job.id, status: 'pending', progress_data: null });
    job.tick();
    job.tick();
    const late = open(job.id);
    const status = await late.next((msg) => msg.type === 'status');
    assert.equal(status.status, 'running');
    assert.deepEqual(status.progress_data, job.history[1]);
  });

  test('answers "ping" with "pong"', async () => {
    const client = open(sim.createJob().id);
    await client.opened;
    client.send('ping');
    await client.nextFrame((frame) => frame.text === 'pong');
  });

  test('polling reports progress, then the result', async () => {
    const job = sim.createJob();
    job.tick();
    job.tick();
    const running = await call(sim, 'GET', `/api/v2/solve/async/${job.id}`, sim.apiKey);
    assert.equal(running.body.status, 'running');
    assert.equal(running.body.progress, job.history[1]!.progress);
    runToEnd(job);
    const done = await call(sim, 'GET', `/api/v2/solve/async/${job.id}`, sim.apiKey);
    assert.deepEqual(done.body, { task_id: job.id, status: 'completed', progress: 1, result: job.final!.result, error: null });
  });

  test('an unknown execution gets an error message, then the socket closes', async () => {
    const client = open('exe_missing');
    assert.equal((await client.ended).code, 1000);
    assert.deepEqual(client.messages(), [{ type: 'error', message: 'Execution exe_missing not found' }]);
  });

  test('a finished execution sends its status and terminal message, then closes', async () => {
    const job = sim.createJob();
    runToEnd(job);
    const client = open(job.id);
    await client.ended;
    assert.deepEqual(client.messages().map((msg) => msg.type), ['status', 'completed']);
  });
});

describe('matcraft specifics', () => {
  const started: VendorSim[] = [];
  const start = async (options: Parameters<typeof startMatcraftSim>[0] = {}): Promise<VendorSim> => {
    const sim = await startMatcraftSim({ job: { events: 11, autoStart: false }, ...options });
    started.push(sim);
    return sim;
  };
  afterEach(() => Promise.all(started.splice(0).map((sim) => sim.close())));

  const open = (sim: VendorSim, id: string, path = '/api/v1/ws/campaigns'): Client => new Client(`${wsBase(sim)}${path}/${id}?token=${sim.apiKey}`);

  test('the self-hosted path streams the same run, every message shaped {type, timestamp, data}', async () => {
    const sim = await start();
    const job = sim.createJob();
    const client = open(sim, job.id, '/v1/ws/campaigns');
    await client.opened;
    runToEnd(job);
    await client.ended;
    assert.deepEqual(client.messages(), job.history);
    const iteration = ['iteration_start', 'evaluation_complete', 'evaluation_complete', 'evaluation_complete', 'iteration_complete'];
    assert.deepEqual(
      client.messages().map((msg) => msg.type),
      [...iteration, ...iteration, 'campaign_complete'],
    );
    for (const msg of client.messages()) assert.deepEqual(Object.keys(msg).sort(), ['data', 'timestamp', 'type']);
  });

  test('refuses the 11th socket of one key; a freed slot can be used again', async () => {
    const sim = await start();
    const job = sim.createJob();
    const clients = Array.from({ length: 10 }, (_, i) => open(sim, job.id, i % 2 ? '/v1/ws/campaigns' : '/api/v1/ws/campaigns'));
    await Promise.all(clients.map((client) => client.opened));
    assert.equal((await open(sim, job.id).ended).code, 1008);

    clients[0]!.ws.close();
    await clients[0]!.ended;
    // The server learns of that close on its own schedule: retry until a socket is let in and gets the next message.
    for (;;) {
      const client = open(sim, job.id);
      await client.opened;
      job.tick();
      const accepted = await client.next(() => true).then(
        () => true,
        () => false,
      );
      if (accepted) break;
    }
  });

  test('sends ping frames on the configured interval and cuts a client that never answers', async () => {
    const sim = await start({ pingIntervalMs: 5 });
    const job = sim.createJob();
    await once(open(sim, job.id).ws, 'ping');
    const silent = new Client(`${wsBase(sim)}/api/v1/ws/campaigns/${job.id}?token=${sim.apiKey}`, { autoPong: false });
    assert.equal((await silent.ended).code, 1006);
  });

  test('closes a socket after the idle timeout without progress', async () => {
    const sim = await start({ idleTimeoutMs: 5 });
    assert.deepEqual(await open(sim, sim.createJob().id).ended, { code: 1000, reason: 'idle timeout' });
  });

  test('a wrong token gets close code 4001 and an unknown campaign 4004', async () => {
    const sim = await start();
    const job = sim.createJob();
    assert.equal((await new Client(`${wsBase(sim)}/api/v1/ws/campaigns/${job.id}?token=nope`).ended).code, 4001);
    assert.equal((await open(sim, 'camp_missing').ended).code, 4004);
  });
});

describe('mutagent specifics', () => {
  let sim: VendorSim;
  beforeEach(async () => {
    sim = await startMutagentSim({ job: { events: EVENTS, autoStart: false } });
  });
  afterEach(() => sim.close());

  const connect = async (): Promise<Client> => {
    const client = new Client(`${wsBase(sim)}/ws/optimization`);
    await client.opened;
    return client;
  };
  const events = (client: Client, jobId: string): Msg[] =>
    client.messages().flatMap((msg) => (msg.type === 'event' && msg.jobId === jobId ? [msg.event as Msg] : []));

  test('subscribe with afterEventId replays what came after it, then streams live events', async () => {
    const job = sim.createJob();
    for (let i = 0; i < 4; i++) job.tick();
    const client = await connect();
    client.send({ type: 'subscribe', jobId: job.id, afterEventId: 2 });
    assert.deepEqual(await client.next((msg) => msg.type === 'subscribed'), { type: 'subscribed', jobId: job.id });
    const replay = await client.next((msg) => msg.type === 'replay');
    assert.deepEqual((replay.data as Msg[]).map((e) => e.id), [3, 4]);
    job.tick();
    const live = await client.next((msg) => msg.type === 'event');
    assert.deepEqual(live, { type: 'event', jobId: job.id, event: job.history[4] });
  });

  test('replay and unsubscribe need a subscription; unknown jobs are reported', async () => {
    const job = sim.createJob();
    const client = await connect();
    client.send({ type: 'replay', jobId: job.id });
    assert.deepEqual(await client.next((msg) => msg.type === 'error'), { type: 'error', error: 'Not subscribed to job', jobId: job.id });
    client.send({ type: 'subscribe', jobId: 'missing' });
    await client.next((msg) => msg.error === 'Job not found' && msg.jobId === 'missing');
    client.send({ type: 'subscribe', jobId: job.id });
    client.send({ type: 'unsubscribe', jobId: job.id });
    await client.next((msg) => msg.type === 'unsubscribed');
    const mark = client.frames.length;
    client.send({ type: 'unsubscribe', jobId: job.id });
    assert.equal((await client.next((msg) => msg.type === 'error', mark)).error, 'Not subscribed to job');
  });

  test('answers ping with pong', async () => {
    const client = await connect();
    client.send({ type: 'ping' });
    assert.deepEqual(await client.next((msg) => msg.type === 'pong'), { type: 'pong' });
  });

  test('one socket carries several jobs; pause and resume appear as events with consecutive ids', async () => {
    const [a, b] = [sim.createJob(), sim.createJob()];
    const client = await connect();
    client.send({ type: 'subscribe', jobId: a.id });
    client.send({ type: 'subscribe', jobId: b.id });
    await client.next((msg) => msg.type === 'subscribed' && msg.jobId === b.id);
    a.tick();
    assert.equal((await call(sim, 'POST', `/api/optimization/jobs/${a.id}/pause`, sim.apiKey)).status, 200);
    assert.equal((await call(sim, 'POST', `/api/optimization/jobs/${a.id}/resume`, sim.apiKey)).status, 200);
    runToEnd(a);
    runToEnd(b);
    await client.next((msg) => msg.type === 'event' && msg.jobId === a.id && (msg.event as Msg).eventType === 'job_completed');
    await client.next((msg) => msg.type === 'event' && msg.jobId === b.id && (msg.event as Msg).eventType === 'job_completed');

    assert.deepEqual(events(client, a.id), a.history);
    assert.deepEqual(events(client, b.id), b.history);
    assert.deepEqual(
      a.history.map((e) => e.eventType),
      ['job_started', 'job_paused', 'job_resumed', 'iteration_completed', 'iteration_completed', 'iteration_completed', 'iteration_completed', 'job_completed'],
    );
    assert.deepEqual(
      a.history.map((e) => e.id),
      a.history.map((_, i) => i + 1),
    );
  });
});
