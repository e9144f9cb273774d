import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { encodeMutagent, mutagentEvent } from '../../adapters/mutagent/encode.js';
import { MAX_SUBSCRIPTIONS } from '../../adapters/mutagent/session.js';
import { PROJECT_ROOT } from '../../src/config/paths.js';
import { JOB_EVENT_TYPES, type JobEvent, type JobEventType } from '../../src/core/event.js';
import { newJobId } from '../../src/core/ids.js';
import { PAGE_SIZE } from '../../src/server/feed.js';
import { EventStore } from '../../src/store/event-store.js';
import { JobRepository } from '../../src/store/job-repository.js';
import { api, openTestStore, range, startTestBridge, submitTsp as submitTspWith, TENANT_KEYS, type StoreHandle, type TestBridge } from '../helpers/bridge.js';

const EXAMPLES = join(PROJECT_ROOT, 'test', 'examples', 'mutagent');
const TERMINAL = new Set(['job_completed', 'job_failed', 'job_cancelled']);
/** The seed keeps the suite's runs the same from one test run to the next. */
const SEED = 5;

/** One `/ws/optimization` socket: what it received, and a way to wait for what it has not yet. */
class Client {
  readonly messages: any[] = [];
  readonly closed: Promise<number>;
  readonly #ws: WebSocket;
  #waiters: (() => void)[] = [];

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data) => {
      const text = data.toString();
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        message = text;
      }
      this.messages.push(message);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => {
      resolve(code);
      for (const wake of this.#waiters.splice(0)) wake();
    }));
  }

  static open(url: string): Promise<Client> {
    const ws = new WebSocket(url);
    const client = new Client(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.#ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  close(): void {
    this.#ws.close();
  }

  /** Resolves once `count` received messages match; rejects if the socket closes first. */
  async waitFor(match: (message: any) => boolean, count = 1): Promise<any[]> {
    for (;;) {
      const found = this.messages.filter(match);
      if (found.length >= count) return found;
      if (this.#ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed; got ${JSON.stringify(this.messages).slice(0, 2000)}`);
      await new Promise<void>((wake) => this.#waiters.push(wake));
    }
  }

  /** The job's events in arrival order, from live `event`s and `replay` batches alike. */
  events(jobId: string, messages: any[] = this.messages): any[] {
    return messages.flatMap((m) => (m.jobId !== jobId ? [] : m.type === 'event' ? [m.event] : m.type === 'replay' ? m.data : []));
  }

  finished(jobId: string): Promise<any[]> {
    return this.waitFor(() => this.events(jobId).some((e) => TERMINAL.has(e.eventType)));
  }
}

const subscribe = (jobId: string, afterEventId?: number) => ({ type: 'subscribe', jobId, ...(afterEventId !== undefined && { afterEventId }) });
const isError = (text: string | RegExp) => (m: any) => m.type === 'error' && (typeof text === 'string' ? m.error === text : text.test(m.error));
const ids = (events: any[]): number[] => events.map((e) => e.id);

describe('mutagent encoder', () => {
  const base: JobEvent = { jobId: 'job_x', seq: 3, type: 'started', at: '2026-04-19T12:03:11.482Z', iteration: 2, stage: 'evaluating' };

  test("every canonical type gets MAPPING.md's eventType", () => {
    const table = readFileSync(join(PROJECT_ROOT, 'adapters', 'mutagent', 'MAPPING.md'), 'utf8');
    const rows = [...table.matchAll(/^\| `(\w+)` \| `(\w+)` \|$/gm)];
    assert.deepEqual(rows.map(([, canonical]) => canonical).sort(), [...JOB_EVENT_TYPES].sort(), 'the table names every canonical type');
    for (const [, canonical, eventType] of rows) {
      assert.equal(mutagentEvent({ ...base, type: canonical as JobEventType }).eventType, eventType, canonical);
    }
  });

  test("the doc's data fields come from nested result and error data; the rest stays under x_bridge", () => {
    const completed = mutagentEvent({ ...base, type: 'completed', result: { objective: 0.91, data: { resultPromptId: 'p_9', credits: 2 } } });
    assert.deepEqual(completed.data, { resultPromptId: 'p_9', finalScore: 0.91, x_bridge: { result: { data: { credits: 2 } } } });
    const failed = mutagentEvent({
      ...base,
      type: 'failed',
      error: { code: 'E', message: 'Evaluation model unavailable', data: { errorStack: 'Error: …', willRetry: false } },
    });
    assert.deepEqual(failed.data, { error: 'Evaluation model unavailable', errorStack: 'Error: …', willRetry: false, x_bridge: { error: { code: 'E' } } });
    const cancelled = mutagentEvent({ ...base, type: 'cancelled', result: { data: { cancelledAt: '2026-04-19T12:00:00Z', finalIteration: 4 } } });
    assert.deepEqual(cancelled.data, { cancelledAt: '2026-04-19T12:00:00Z', finalIteration: 4 });
    assert.deepEqual(JSON.parse(encodeMutagent({ ...base, type: 'iteration_completed', objective: 0.7 })), {
      type: 'event',
      jobId: 'job_x',
      event: { id: 3, eventType: 'iteration_completed', iteration: 2, stage: 'evaluating', data: { score: 0.7 }, timestamp: base.at },
    });
  });
});

describe('mutagent dialect on postgres', () => {
  let store: StoreHandle;
  let bridge: TestBridge;
  let url: string;
  let finishedJob: string;
  let tenantId: string;

  const submitTsp = (timeLimitS: number, key: string = TENANT_KEYS.acme): Promise<string> => submitTspWith(bridge, timeLimitS, SEED, key);

  async function stored(jobId: string): Promise<any[]> {
    return (await api(bridge.http, 'GET', `/bridge/v1/jobs/${jobId}/events`, { key: TENANT_KEYS.acme })).body.events;
  }

  /** The job ran to completion and `received` holds each of its stored events once, in order. */
  async function assertExactlyOnce(jobId: string, received: any[]): Promise<void> {
    const events = await stored(jobId);
    assert.equal(events.at(-1).type, 'completed');
    assert.deepEqual(ids(received), range(1, events.length));
  }

  /** A job row with no run behind it (its events, if any, written straight to the store). */
  async function jobRow(events: JobEvent[] = []): Promise<string> {
    const id = newJobId();
    const now = new Date().toISOString();
    const db = bridge.bridge.database.db;
    await new JobRepository(db).create({
      id, tenantId, provider: 'mutagent', kind: 'prompt', status: 'queued', problem: { kind: 'prompt', spec: {} }, params: {},
      upstreamId: null, lastSeq: 0, result: null, error: null, device: null, gpuSeconds: null, createdAt: now, updatedAt: now, finishedAt: null,
    });
    if (events.length > 0) {
      await new EventStore(db).append({
        events: events.map((event) => ({ event: { ...event, jobId: id }, hash: `hash-${event.seq}` })),
        jobs: [{ id, status: 'completed', lastSeq: events.length, lastHash: `hash-${events.length}`, finishedAt: now }],
      });
    }
    return id;
  }

  before(async () => {
    store = await openTestStore('postgres');
    bridge = await startTestBridge(store);
    url = `${bridge.ws}/ws/optimization?token=${TENANT_KEYS.acme}`;
    finishedJob = await submitTsp(0.5);
    tenantId = (await api(bridge.http, 'GET', `/bridge/v1/jobs/${finishedJob}`, { key: TENANT_KEYS.acme })).body.tenantId;
    const watcher = await Client.open(url);
    watcher.send(subscribe(finishedJob, 0));
    await watcher.finished(finishedJob);
    watcher.close();
  });

  after(async () => {
    await bridge.close();
    await store.dispose();
  });

  test('several jobs on one socket: each gets every event once, in order; the socket outlives them', async () => {
    const jobs = [await submitTsp(1), await submitTsp(0.6)];
    const client = await Client.open(url);
    for (const jobId of jobs) client.send(subscribe(jobId, 0));
    for (const jobId of jobs) await client.finished(jobId);
    assert.deepEqual(client.messages.filter((m) => m.type === 'subscribed'), jobs.map((jobId) => ({ type: 'subscribed', jobId })));
    for (const jobId of jobs) {
      const events = client.events(jobId);
      await assertExactlyOnce(jobId, events);
      const progress = (await stored(jobId)).filter((e) => e.type === 'progress');
      assert.equal(events[0].eventType, 'job_started');
      assert.equal(events.at(-1).eventType, 'job_completed');
      const iterations = events.filter((e) => e.eventType === 'iteration_completed');
      assert.deepEqual(iterations.map((e) => e.data.score), progress.map((e) => e.bestObjective));
      assert.deepEqual(iterations.map((e) => e.iteration), progress.map((e) => e.iteration));
    }
    client.send({ type: 'ping' });
    await client.waitFor((m) => m.type === 'pong');
    client.close();
  });

  test('subscribe without afterEventId is live from now; after unsubscribe no event of that job arrives', async () => {
    const jobId = await submitTsp(1.5);
    const observer = await Client.open(url);
    observer.send(subscribe(jobId, 0));
    await observer.waitFor(() => observer.events(jobId).length >= 3);
    const live = await Client.open(url);
    live.send(subscribe(jobId));
    await live.waitFor(() => live.events(jobId).length >= 2);
    live.send({ type: 'unsubscribe', jobId });
    await live.waitFor((m) => m.type === 'unsubscribed');
    await observer.finished(jobId);
    live.send({ type: 'ping' });
    await live.waitFor((m) => m.type === 'pong');

    const unsubscribedAt = live.messages.findIndex((m) => m.type === 'unsubscribed');
    assert.deepEqual(live.messages[unsubscribedAt], { type: 'unsubscribed', jobId });
    assert.deepEqual(live.events(jobId, live.messages.slice(unsubscribedAt)), []);
    assert.ok(live.messages.every((m) => m.type !== 'replay'), 'no history without afterEventId');
    const seen = ids(live.events(jobId));
    assert.ok(seen[0]! > 3, `started at the live point, not at ${seen[0]}`);
    assert.deepEqual(seen, range(seen[0]!, seen.at(-1)!));
    await assertExactlyOnce(jobId, observer.events(jobId));
    observer.close();
    live.close();
  });

  test('a finished job subscribed without afterEventId sends its terminal event', async () => {
    const client = await Client.open(url);
    client.send(subscribe(finishedJob));
    const [message] = await client.waitFor((m) => m.type === 'event');
    assert.equal(message.event.eventType, 'job_completed');
    assert.equal(message.event.id, (await stored(finishedJob)).length);
    client.close();
  });

  test('errors use the doc\'s texts and clear ones for bad frames; the socket stays open and others are unaffected', async () => {
    const running = await submitTsp(1);
    const bystander = await Client.open(url);
    bystander.send(subscribe(running, 0));
    const foreignJob = await submitTsp(0.2, TENANT_KEYS.globex);

    const client = await Client.open(url);
    const frames: [unknown, any][] = [
      [subscribe('job_unknown'), { type: 'error', error: 'Job not found', jobId: 'job_unknown' }],
      [subscribe(foreignJob), { type: 'error', error: 'Job not found', jobId: foreignJob }],
      [subscribe('../../etc'), { type: 'error', error: 'Job not found', jobId: '../../etc' }],
      [{ type: 'unsubscribe', jobId: running }, { type: 'error', error: 'Not subscribed to job', jobId: running }],
      [{ type: 'replay', jobId: running }, { type: 'error', error: 'Not subscribed to job', jobId: running }],
      ['{"type": "subscribe"', /^Invalid message: not valid JSON/],
      ['[1, 2]', /^Invalid message: expected a JSON object/],
      [{ type: 'hello' }, /^Unknown message type: "hello"/],
      [{ type: 'subscribe' }, /^Invalid message: subscribe requires a jobId/],
      [{ type: 'subscribe', jobId: running, afterEventId: -1 }, /^Invalid message: afterEventId must be a non-negative integer/],
    ];
    for (const [frame] of frames) client.send(frame);
    client.send({ type: 'ping' });
    await client.waitFor((m) => m.type === 'pong');
    const errors = client.messages.slice(0, -1);
    assert.equal(errors.length, frames.length);
    for (const [i, [, expected]] of frames.entries()) {
      if (expected instanceof RegExp) assert.match(errors[i].error, expected);
      else assert.deepEqual(errors[i], expected);
    }
    assert.equal(errors.at(-1).jobId, running);

    await bystander.finished(running);
    await assertExactlyOnce(running, bystander.events(running));
    client.close();
    bystander.close();
  });

  test('a wrong or missing key gets an error and close 4001; an oversized frame closes with 1009', async () => {
    for (const query of ['?token=wrong-key-00000', '']) {
      const client = await Client.open(`${bridge.ws}/ws/optimization${query}`);
      assert.equal(await client.closed, 4001);
      assert.deepEqual(client.messages, [{ type: 'error', error: 'Invalid or missing API key' }]);
    }
    const client = await Client.open(url);
    client.send('x'.repeat(bridge.bridge.config.limits.maxWsPayloadBytes + 1));
    assert.equal(await client.closed, 1009);
    assert.match(client.messages[0].error, /exceeds the \d+-byte limit/);
  });

  test('a client that drops mid-run and resubscribes with its last afterEventId gets a replay, then live, every event once', async () => {
    const jobId = await submitTsp(1.5);
    const first = await Client.open(url);
    first.send(subscribe(jobId, 0));
    await first.waitFor(() => first.events(jobId).length >= 3);
    first.close();
    await first.closed;
    const last = first.events(jobId).at(-1).id;
    // Resubscribe only once more was recorded, so there is something to replay.
    while ((await stored(jobId)).length <= last + 1) await new Promise((resolve) => setTimeout(resolve, 50));

    const second = await Client.open(url);
    second.send(subscribe(jobId, last));
    await second.finished(jobId);
    assert.deepEqual(second.messages[0], { type: 'subscribed', jobId });
    assert.equal(second.messages[1].type, 'replay');
    assert.equal(second.messages[1].data[0].id, last + 1);
    await assertExactlyOnce(jobId, [...first.events(jobId), ...second.events(jobId)]);
    second.close();
  });

  test('a replay request sends stored history after afterEventId beside the subscription', async () => {
    const count = (await stored(finishedJob)).length;
    const client = await Client.open(url);
    client.send(subscribe(finishedJob));
    await client.waitFor((m) => m.type === 'event');
    client.send({ type: 'replay', jobId: finishedJob, afterEventId: 2 });
    client.send({ type: 'replay', jobId: finishedJob, afterEventId: count });
    const [some, none] = await client.waitFor((m) => m.type === 'replay', 2);
    assert.deepEqual(ids(some.data), range(3, count));
    assert.deepEqual(some.data, (await stored(finishedJob)).slice(2).map(mutagentEvent));
    assert.deepEqual(none, { type: 'replay', jobId: finishedJob, data: [] });
    client.send({ type: 'replay', jobId: finishedJob });
    const [, , all] = await client.waitFor((m) => m.type === 'replay', 3);
    assert.deepEqual(ids(all.data), range(1, count));
    client.close();
  });

  test('history longer than a store page arrives as several replay batches, in order', async () => {
    const at = (seq: number) => new Date(Date.UTC(2026, 3, 19, 12) + seq * 10).toISOString();
    const total = 2 * PAGE_SIZE + 201;
    const events: JobEvent[] = Array.from({ length: total }, (_, i) => ({ jobId: '', seq: i + 1, type: 'iteration_completed', at: at(i + 1), iteration: i, objective: i / total }));
    events[0] = { jobId: '', seq: 1, type: 'started', at: at(1) };
    events[total - 1] = { jobId: '', seq: total, type: 'completed', at: at(total), result: { objective: 0.99, data: { resultPromptId: 'p_1' } } };
    const jobId = await jobRow(events);
    const client = await Client.open(url);
    client.send(subscribe(jobId, 0));
    const batches = await client.waitFor((m) => m.type === 'replay', 3);
    assert.deepEqual(batches.map((b) => b.data.length), [PAGE_SIZE, PAGE_SIZE, 201]);
    assert.deepEqual(ids(client.events(jobId)), range(1, total));
    assert.deepEqual(client.events(jobId).at(-1).data, { resultPromptId: 'p_1', finalScore: 0.99 });
    client.send({ type: 'replay', jobId, afterEventId: 100 });
    const again = (await client.waitFor((m) => m.type === 'replay', 6)).slice(3);
    assert.deepEqual(again.map((b) => b.data.length), [PAGE_SIZE, PAGE_SIZE, 101]);
    client.send({ type: 'ping' });
    await client.waitFor((m) => m.type === 'pong');
    assert.ok(client.messages.every((m) => m.type !== 'event'), 'a finished job sends nothing live');
    client.close();
  });

  test('?replay=1&speed=0 plays every subscribed job as event messages, then carries on live', async () => {
    const running = await submitTsp(1);
    const client = await Client.open(`${url}&replay=1&speed=0`);
    client.send(subscribe(finishedJob));
    client.send(subscribe(running));
    await client.finished(finishedJob);
    await client.finished(running);
    assert.ok(client.messages.every((m) => m.type !== 'replay'));
    await assertExactlyOnce(finishedJob, client.events(finishedJob));
    await assertExactlyOnce(running, client.events(running));
    client.close();
  });

  test(`one socket follows at most ${MAX_SUBSCRIPTIONS} jobs`, async () => {
    const jobs: string[] = [];
    for (let i = 0; i <= MAX_SUBSCRIPTIONS; i++) jobs.push(await jobRow());
    const client = await Client.open(url);
    for (const [i, jobId] of jobs.entries()) {
      client.send(subscribe(jobId));
      await client.waitFor((m) => m.type === 'subscribed' || m.type === 'error', i + 1);
    }
    assert.equal(client.messages.filter((m) => m.type === 'subscribed').length, MAX_SUBSCRIPTIONS);
    const [refused] = await client.waitFor(isError(/^Subscription limit reached/));
    assert.equal(refused.jobId, jobs.at(-1));
    client.send({ type: 'unsubscribe', jobId: jobs[0] });
    client.send(subscribe(jobs.at(-1)!));
    await client.waitFor((m) => m.type === 'subscribed' && m.jobId === jobs.at(-1));
    client.close();
  });

  test('POST /api/optimization/jobs is a 503 naming the settings while no Mutagent upstream is configured', async () => {
    const spec = { promptId: 'prompt_1', datasetId: 'dataset_1', config: { maxIterations: 5 } };
    const response = await api(bridge.http, 'POST', '/api/optimization/jobs', { key: TENANT_KEYS.acme, body: spec });
    assert.equal(response.status, 503);
    assert.match(response.body.error, /MUTAGENT_URL and MUTAGENT_API_KEY/);
    const unauthorized = await api(bridge.http, 'POST', '/api/optimization/jobs', { body: spec });
    assert.equal(unauthorized.status, 401);
    assert.equal(typeof unauthorized.body.error, 'string');
    const bad = await api(bridge.http, 'POST', '/api/optimization/jobs', { key: TENANT_KEYS.acme, body: { promptId: 7 } });
    assert.deepEqual(bad, { status: 400, body: { error: 'promptId must be a string' } });
  });

  test('GET /api/optimization/jobs/{id} shows any job of the tenant; another tenant\'s is "Job not found"', async () => {
    const response = await api(bridge.http, 'GET', `/api/optimization/jobs/${finishedJob}`, { key: TENANT_KEYS.acme });
    assert.equal(response.status, 200);
    assert.equal(response.body.jobId, finishedJob);
    assert.equal(response.body.status, 'completed');
    assert.equal(response.body.x_bridge.lastEventId, (await stored(finishedJob)).length);
    for (const [jobId, key] of [[finishedJob, TENANT_KEYS.globex], ['job_unknown', TENANT_KEYS.acme]] as const) {
      assert.deepEqual(await api(bridge.http, 'GET', `/api/optimization/jobs/${jobId}`, { key }), { status: 404, body: { error: 'Job not found' } });
    }
  });

  describe("the doc's client examples, run with node against the bridge", () => {
    /** Runs an example to its exit; `onLine` sees its output as it comes. */
    const node = (file: string, jobId: string, onLine: (line: string) => void = () => {}): Promise<string[]> => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--import', pathToFileURL(join(EXAMPLES, 'websocket-global.mjs')).href, join(EXAMPLES, file)],
        { cwd: PROJECT_ROOT, env: { ...process.env, BRIDGE_WS: bridge.ws, BRIDGE_TOKEN: TENANT_KEYS.acme, JOB_ID: jobId } },
      );
      const lines: string[] = [];
      createInterface({ input: child.stdout }).on('line', (line) => {
        lines.push(line);
        onLine(line);
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      return new Promise((resolve, reject) => {
        child.on('close', (code) => (code === 0 ? resolve(lines) : reject(new Error(`${file} exited with ${code}: ${stderr}`))));
      });
    };

    test('the first example prints the subscription, then every event of the job up to job_completed', async () => {
      const jobId = await submitTsp(1);
      const lines = await node('subscribe.mjs', jobId);
      const events = await stored(jobId);
      assert.equal(lines[0], `Subscribed to job: ${jobId}`);
      const printed = lines.filter((line) => line.startsWith('['));
      assert.equal(printed.length, events.length);
      assert.equal(printed[0], '[job_started] Iteration 0 - Stage: annealing');
      assert.match(printed[1]!, /^\[iteration_completed\] Iteration \d+ - Stage: running$/);
      assert.equal(printed.at(-1), `[job_completed] Iteration ${events.at(-1).iteration} - Stage: completed`);
      assert.equal(lines.filter((line) => line.startsWith(' Data: ')).length, events.length);
      assert.ok(lines.some((line) => /^\s+score: \d/.test(line)));
    });

    test('the reconnection example resumes with afterEventId after a drop and sees every event exactly once', async () => {
      // A long job, cancelled once the example has reconnected: it ends only after the resume.
      const jobId = await submitTsp(60);
      let cancelled: Promise<unknown> | undefined;
      const output = await node('reconnect.ts', jobId, (line) => {
        if (line.startsWith('#2 ')) cancelled ??= api(bridge.http, 'POST', `/v1/jobs/${jobId}/cancel`, { key: TENANT_KEYS.acme });
      });
      await cancelled;
      const lines = output.filter((line) => line.startsWith('#'));
      const received = lines.flatMap((line) => {
        const list = line.split(' ')[2];
        return list ? list.split(',').map(Number) : [];
      });
      const events = await stored(jobId);
      assert.equal(events.at(-1).type, 'cancelled');
      assert.deepEqual(received, range(1, events.length));
      const secondConnection = lines.filter((line) => line.startsWith('#2 '));
      assert.match(secondConnection[0]!, /^#2 subscribed /);
      assert.match(secondConnection[1]!, /^#2 replay \d+/);
      assert.ok(lines.every((line) => !line.startsWith('#3 ')), 'one reconnect was enough');
      assert.match(lines.at(-1)!, new RegExp(`lastEventId=${events.length}$`));
    });
  });
});
