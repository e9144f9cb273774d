import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BridgeClientError, Client, type JobEvent } from '../../src/client/index.js';
import { openTestStore, startTestBridge, TENANT_KEYS, type StoreHandle, type TestBridge } from '../helpers/bridge.js';
import { PRODUCTION_PLANNING } from '../helpers/doc-messages.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

function cities(n: number): [number, number][] {
  return Array.from({ length: n }, (_, i) => [Math.cos(i * 2.4) * (10 + i), Math.sin(i * 2.4) * (10 + i)]);
}

function withoutSource(event: JobEvent): JobEvent {
  const { source: _source, ...rest } = event;
  return rest;
}

async function stored(client: Client, id: string): Promise<JobEvent[]> {
  const events: JobEvent[] = [];
  for await (const event of client.jobs.events(id)) events.push(event);
  return events;
}

describe('client SDK against a real bridge', () => {
  let store: StoreHandle;
  let bridge: TestBridge;
  let proxy: TcpProxy;
  let client: Client;

  before(async () => {
    store = await openTestStore('postgres');
    bridge = await startTestBridge(store);
    proxy = await startTcpProxy(bridge.bridge.port);
    client = new Client({ url: proxy.url, key: TENANT_KEYS.acme });
  });

  after(async () => {
    await proxy.close();
    await bridge.close();
    await store.dispose();
  });

  test('stream() yields every event once, in order, through two dropped connections mid-job', async () => {
    const job = await client.optimize.tsp({ coordinates: cities(40), timeLimitS: 2.5 });
    const seen: JobEvent[] = [];
    const connectionsBefore = proxy.connections;
    for await (const event of job.stream()) {
      seen.push(event);
      // Every connection through the proxy is cut, the stream's socket among them.
      if (event.seq === 3 || event.seq === 8) proxy.dropAll();
    }
    assert.ok(proxy.connections - connectionsBefore >= 3, 'the stream reconnected after each drop');
    assert.equal(seen.at(-1)?.type, 'completed');
    assert.deepEqual(seen.map((e) => e.seq), seen.map((_, i) => i + 1));
    assert.ok(seen.length > 8, `the job outlived both drops (${seen.length} events)`);
    assert.deepEqual(seen, (await stored(client, job.id)).map(withoutSource));
  });

  test('stream({after}) starts after that seq; result() returns the completed result', async () => {
    const job = await client.optimize.qubo({ Q: [[-1, 2], [0, -1]], timeLimitS: 0.5 });
    const result = await job.result();
    assert.equal(result.objective, -1);
    const all = await stored(client, job.id);
    const tail: JobEvent[] = [];
    for await (const event of job.stream({ after: 2 })) tail.push(event);
    assert.deepEqual(tail, all.slice(2).map(withoutSource));
    for await (const event of job.stream({ after: all.length })) assert.fail(`nothing follows the terminal event, got ${event.seq}`);
    const replayed: JobEvent[] = [];
    for await (const event of client.jobs.replayEvents(job.id, { speed: 0, after: 1 })) replayed.push(event);
    assert.deepEqual(replayed, all.slice(1).map(withoutSource));
  });

  test('maxcut, ising and LP (through the JAOT route) submit and complete', async () => {
    const maxcut = await client.optimize.maxcut({ gset: '3 3\n1 2 1\n2 3 1\n1 3 1\n', timeLimitS: 0.5 });
    assert.equal((await maxcut.result()).objective, -2);
    const ising = await client.optimize.ising({ h: [1, 0], J: [[0, 1, -1]], timeLimitS: 0.5 });
    assert.equal((await ising.result()).objective, -2);
    const lp = await client.optimize.lp(PRODUCTION_PLANNING);
    const result = await lp.result();
    assert.equal(result.objective, 3550);
    assert.equal((await client.jobs.get(lp.id)).kind, 'lp');
  });

  test('cancel() ends a running job cancelled; result() then throws code "cancelled"', async () => {
    const job = await client.optimize.tsp({ coordinates: cities(60), timeLimitS: 30 });
    for await (const event of job.stream()) {
      if (event.type === 'progress') break;
    }
    await job.cancel();
    await assert.rejects(job.result(), (error: unknown) => error instanceof BridgeClientError && error.code === 'cancelled');
    assert.equal((await client.jobs.get(job.id)).status, 'cancelled');
  });

  test('jobs.list pages newest first; jobs.get and export agree with events', async () => {
    const first = await client.jobs.list({ limit: 2 });
    assert.equal(first.jobs.length, 2);
    assert.ok(first.nextBefore);
    const second = await client.jobs.list({ limit: 2, before: first.nextBefore! });
    assert.ok(second.jobs.every((job) => job.id < first.jobs[1]!.id));
    const id = first.jobs[0]!.id;
    let ndjson = '';
    for await (const chunk of client.jobs.export(id, { format: 'ndjson' })) ndjson += chunk;
    assert.deepEqual(ndjson.trimEnd().split('\n').map((line) => JSON.parse(line)), await stored(client, id));
  });

  test("errors carry the bridge's code: unknown job, another tenant's job, wrong key, unreachable bridge", async () => {
    await assert.rejects(client.jobs.get('job_doesnotexist'), { name: 'BridgeClientError', code: 'not_found', status: 404 });
    const [own] = (await client.jobs.list({ limit: 1 })).jobs;
    const other = new Client({ url: bridge.http, key: TENANT_KEYS.globex });
    await assert.rejects(other.jobs.get(own!.id), { code: 'not_found' });
    await assert.rejects(async () => {
      for await (const _ of other.jobs.handle(own!.id).stream()) assert.fail('no event of another tenant');
    }, { code: 'not_found' });
    const wrong = new Client({ url: bridge.http, key: 'not-a-key' });
    await assert.rejects(wrong.jobs.list(), { code: 'unauthorized', status: 401 });
    await assert.rejects(client.optimize.tsp({ coordinates: [], timeLimitS: 1 }), { code: 'invalid_request', message: /coordinates/ });
    const closed = await startTcpProxy(1);
    await closed.close();
    await assert.rejects(new Client({ url: closed.url, key: 'k' }).jobs.list(), { code: 'unreachable', message: /cannot reach the bridge/ });
  });
});
