import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { DIALECTS } from '../../adapters/index.js';
import { createMatcraftDialect, matcraftDialect } from '../../adapters/matcraft/dialect.js';
import { encodeMatcraft } from '../../adapters/matcraft/encode.js';
import { decodeMatcraft } from '../../adapters/matcraft/upstream.js';
import { api, openTestStore, range, startTestBridge, submitTsp, TENANT_KEYS, type StoreHandle, type TestBridge } from '../helpers/bridge.js';
import { storedEvents, useDialectSuite } from '../helpers/dialect-suite.js';
import { MATCRAFT_EXAMPLES } from '../helpers/doc-messages.js';
import { runExample } from '../helpers/examples.js';
import { collect } from '../helpers/ws-client.js';

const KEY = TENANT_KEYS.acme;
const SEED = 9;

/** matcraft.txt's example of each message type, in the order a campaign sends them, and a cancelled end. */
const DOC_MESSAGES: Record<string, any>[] = [
  MATCRAFT_EXAMPLES.iteration_start!,
  MATCRAFT_EXAMPLES.evaluation_complete!,
  MATCRAFT_EXAMPLES.iteration_complete!,
  MATCRAFT_EXAMPLES.campaign_complete!,
  // The doc shows no cancel; ended early, a campaign's campaign_complete carries status "cancelled".
  {
    type: 'campaign_complete',
    timestamp: '2026-04-01T10:31:00Z',
    data: { status: 'cancelled', total_iterations: 15, total_evaluations: 225, final_hypervolume: 0.847, pareto_size: 18 },
  },
  MATCRAFT_EXAMPLES.error!,
];

function campaignUrl(bridge: TestBridge, jobId: string, query: Record<string, string> = {}, prefix = '/api/v1'): string {
  return `${bridge.ws}${prefix}/ws/campaigns/${jobId}?${new URLSearchParams({ token: KEY, ...query })}`;
}

function opened(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/**
 * Opens a socket and returns it once the server has let it in. The key is checked after the upgrade, so
 * with `after=0` an admitted socket shows itself by its first history message and a refused one by its
 * error. A refusal for the limit is tried again: a client sees its own close before the server has counted
 * that socket out.
 */
async function admitted(url: string): Promise<WebSocket> {
  for (;;) {
    const ws = await opened(url);
    const first = await new Promise<any>((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()))));
    if (first.type !== 'error') return ws;
    assert.equal(first.data.code, 'TOO_MANY_CONNECTIONS');
    await new Promise((resolve) => ws.once('close', resolve));
  }
}

const seqOf = (message: any): number => message.data.x_bridge.seq;

/** The progress events a live client saw, from the first one it printed on. */
function progressFrom(stored: any[], firstIteration: number): any[] {
  const progress = stored.filter((e) => e.type === 'progress');
  const from = progress.findIndex((e) => e.iteration === firstIteration);
  assert.ok(from >= 0, `iteration ${firstIteration} is not among the stored progress events`);
  return progress.slice(from);
}

describe('MatCraft dialect', () => {
  const suite = useDialectSuite(SEED, (bridge, jobId) => campaignUrl(bridge, jobId, { after: '0' }));

  test("the doc's JavaScript client prints each iteration and its hypervolume, then the end", async () => {
    const jobId = await submitTsp(suite.bridge, 2.5, SEED);
    const run = await runExample('matcraft/monitor_campaign.mjs', { 'wss://api.matcraft.ai': suite.bridge.ws, camp_abc123: jobId, mc_live_abc123: KEY });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.lines[0], 'Connected to campaign stream');
    assert.equal(run.lines.at(-1), 'Campaign finished!');
    const printed = run.lines.slice(1, -1);
    const first = Number(/^Iteration (\d+) complete$/.exec(printed[0] ?? '')?.[1]);
    const expected = progressFrom(await storedEvents(suite.bridge, jobId), first).flatMap((e) => [
      `Iteration ${e.iteration} complete`,
      `Hypervolume: ${e.bestObjective}`,
    ]);
    assert.deepEqual(printed, expected);
  });

  test("the doc's Python client prints each iteration's hypervolume, then the end", async () => {
    const jobId = await submitTsp(suite.bridge, 2.5, SEED);
    const run = await runExample('matcraft/monitor_campaign.py', { 'wss://api.matcraft.ai': suite.bridge.ws, camp_abc123: jobId, mc_live_abc123: KEY });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.lines.at(-1), 'Campaign finished!');
    const printed = run.lines.slice(0, -1).map((line) => {
      const match = /^Iter (\d+): HV=(-?\d+\.\d{4})$/.exec(line);
      assert.ok(match, line);
      return { iteration: Number(match[1]), hv: Number(match[2]) };
    });
    const expected = progressFrom(await storedEvents(suite.bridge, jobId), printed[0]!.iteration);
    assert.deepEqual(printed.map((p) => p.iteration), expected.map((e) => e.iteration));
    printed.forEach((p, i) => assert.ok(Math.abs(p.hv - expected[i].bestObjective) <= 5e-5, `${p.hv} vs ${expected[i].bestObjective}`));
  });

  test('?after= catches up from the store, on both URL prefixes; without it a finished campaign sends its end', async () => {
    const stored = await storedEvents(suite.bridge, suite.finishedJob);
    const all = await collect(campaignUrl(suite.bridge, suite.finishedJob, { after: '0' }));
    assert.deepEqual(all.messages.map(seqOf), range(1, stored.length));
    assert.equal(all.messages.at(-1).type, 'campaign_complete');
    assert.equal(all.closeCode, 1000);
    const selfHosted = await collect(campaignUrl(suite.bridge, suite.finishedJob, { after: '0' }, '/v1'));
    assert.deepEqual(selfHosted.texts, all.texts);
    const resumed = await collect(campaignUrl(suite.bridge, suite.finishedJob, { after: '3' }));
    assert.deepEqual(resumed.texts, all.texts.slice(3));
    const live = await collect(campaignUrl(suite.bridge, suite.finishedJob));
    assert.deepEqual([live.texts, live.closeCode, live.closeReason], [all.texts.slice(-1), 1000, 'job finished']);
  });

  test("a TSP's events in MatCraft's shape: progress is iteration_complete, the end campaign_complete", async () => {
    const stored = await storedEvents(suite.bridge, suite.finishedJob);
    const { messages } = await collect(campaignUrl(suite.bridge, suite.finishedJob, { after: '0' }));
    for (const [i, message] of messages.entries()) {
      const event = stored[i];
      assert.deepEqual(Object.keys(message), ['type', 'timestamp', 'data']);
      assert.equal(message.timestamp, event.at);
      if (event.type !== 'progress') continue;
      assert.equal(message.type, 'iteration_complete');
      assert.equal(message.data.iteration, event.iteration);
      assert.deepEqual(message.data.best_objectives, { objective: event.bestObjective });
      assert.equal(message.data.hypervolume, event.bestObjective);
      assert.equal(message.data.x_bridge.objective, event.objective);
      assert.deepEqual(message.data.x_bridge.bestSolution, event.bestSolution);
    }
    const end = messages.at(-1).data;
    assert.equal(end.status, stored.at(-1).result.status);
    assert.equal(end.final_hypervolume, stored.at(-1).result.objective);
    assert.deepEqual(end.x_bridge.result.solution, stored.at(-1).result.solution);
  });

  test('an 11th socket on one API key is refused with the reason, whatever the state of its job and its path; closing one makes room', async () => {
    const jobId = await submitTsp(suite.bridge, 30, SEED);
    // Every solver thread busy, so the next job waits in the queue.
    const busy = await Promise.all([submitTsp(suite.bridge, 30, SEED), submitTsp(suite.bridge, 30, SEED)]);
    const queuedJob = await submitTsp(suite.bridge, 30, SEED);
    const url = campaignUrl(suite.bridge, jobId, { after: '0' });
    const selfHosted = campaignUrl(suite.bridge, jobId, { after: '0' }, '/v1');
    const sockets = await Promise.all(range(1, 10).map((i) => admitted(i % 2 ? url : selfHosted)));
    const refusals = await Promise.all(
      [jobId, suite.finishedJob, queuedJob].flatMap((job) => ['/api/v1', '/v1'].map((prefix) => collect(campaignUrl(suite.bridge, job, { after: '0' }, prefix)))),
    );
    for (const eleventh of refusals) {
      assert.equal(eleventh.closeCode, 4029);
      assert.equal(eleventh.messages.length, 1, 'the refusal alone, no campaign data');
      assert.equal(eleventh.messages[0].type, 'error');
      assert.equal(eleventh.messages[0].data.code, 'TOO_MANY_CONNECTIONS');
      assert.match(eleventh.messages[0].data.message, /already has 10 open WebSocket connections \(limit 10\)/);
      assert.match(eleventh.closeReason, /limit 10/);
    }
    for (const job of [...busy, queuedJob]) await api(suite.bridge.http, 'POST', `/v1/jobs/${job}/cancel`, { key: KEY });

    await new Promise((resolve) => sockets[0]!.once('close', resolve).close());
    sockets[0] = await admitted(url);
    const lastMessages = sockets.map(
      (ws) => new Promise<any>((resolve) => {
        let last: any;
        ws.on('message', (data) => (last = JSON.parse(data.toString())));
        ws.once('close', () => resolve(last));
      }),
    );
    assert.equal((await api(suite.bridge.http, 'POST', `/v1/jobs/${jobId}/cancel`, { key: KEY })).status, 202);
    for (const last of await Promise.all(lastMessages)) {
      assert.equal(last.type, 'campaign_complete', 'every admitted socket, the new one too, follows the campaign to its end');
      assert.equal(last.data.status, 'cancelled');
    }
  });

  test('malformed JSON and unknown messages get an error; the socket stays open to the end', async () => {
    const jobId = await submitTsp(suite.bridge, 1, SEED);
    const watched = await collect(campaignUrl(suite.bridge, jobId, { after: '0' }), {
      onOpen: (ws: WebSocket) => {
        ws.send('{oops');
        ws.send('{"type": "subscribe"}');
      },
    });
    const errors = watched.messages.filter((m) => m.type === 'error').map((m) => m.data);
    assert.deepEqual(errors.map((e) => e.code), ['INVALID_JSON', 'INVALID_REQUEST']);
    assert.match(errors[1].message, /unknown message type "subscribe"; the campaign stream takes no client messages/);
    assert.equal(watched.messages.at(-1).type, 'campaign_complete');
    assert.equal(watched.closeCode, 1000);
  });

  test("unknown and another tenant's campaigns look the same; wrong keys and bad after= are refused", async () => {
    const refusals: [string, string, number, string][] = [
      [campaignUrl(suite.bridge, 'job_nope'), 'NOT_FOUND', 4004, 'Campaign job_nope not found'],
      [campaignUrl(suite.bridge, suite.finishedJob, { token: TENANT_KEYS.globex }), 'NOT_FOUND', 4004, `Campaign ${suite.finishedJob} not found`],
      [campaignUrl(suite.bridge, suite.finishedJob, { token: 'wrong-key-000000' }), 'UNAUTHORIZED', 4001, 'invalid or missing API key'],
      [campaignUrl(suite.bridge, suite.finishedJob, { after: 'x' }), 'INVALID_REQUEST', 4000, 'after must be a non-negative integer, got "x"'],
    ];
    for (const [url, code, closeCode, message] of refusals) {
      const refused = await collect(url);
      assert.equal(refused.messages.length, 1);
      assert.equal(refused.messages[0].type, 'error');
      assert.deepEqual(refused.messages[0].data, { code, message });
      assert.equal(refused.closeCode, closeCode);
    }
  });

  test('REST: creating a campaign needs the MatCraft upstream; any job reads as a campaign; errors in one shape', async () => {
    const created = await api(suite.bridge.http, 'POST', '/api/v1/campaigns', { key: KEY, body: { name: 'membranes' } });
    assert.equal(created.status, 503);
    assert.deepEqual(created.body, {
      error: { code: 'PROVIDER_UNAVAILABLE', message: 'provider "matcraft" is not configured: set MATCRAFT_URL and MATCRAFT_API_KEY' },
    });
    const notObject = await api(suite.bridge.http, 'POST', '/api/v1/campaigns', { key: KEY, body: ['membranes'] });
    assert.deepEqual([notObject.status, notObject.body.error.code], [400, 'INVALID_REQUEST']);
    const malformed = await api(suite.bridge.http, 'POST', '/api/v1/campaigns', { key: KEY, rawBody: '{"name"' });
    assert.deepEqual([malformed.status, malformed.body.error.code], [400, 'INVALID_JSON']);

    const campaign = await api(suite.bridge.http, 'GET', `/api/v1/campaigns/${suite.finishedJob}`, { key: KEY });
    assert.equal(campaign.status, 200);
    assert.equal(campaign.body.id, suite.finishedJob);
    assert.equal(campaign.body.status, 'completed');
    assert.equal(campaign.body.name, null);
    assert.equal(campaign.body.x_bridge.kind, 'tsp');

    const unknown = await api(suite.bridge.http, 'GET', '/api/v1/campaigns/job_nope', { key: KEY });
    const foreign = await api(suite.bridge.http, 'GET', `/api/v1/campaigns/${suite.finishedJob}`, { key: TENANT_KEYS.globex });
    assert.deepEqual([unknown.status, unknown.body], [404, { error: { code: 'NOT_FOUND', message: 'Campaign job_nope not found' } }]);
    assert.deepEqual([foreign.status, foreign.body], [404, { error: { code: 'NOT_FOUND', message: `Campaign ${suite.finishedJob} not found` } }]);
    const unauthorized = await api(suite.bridge.http, 'GET', `/api/v1/campaigns/${suite.finishedJob}`, { key: 'wrong-key-000000' });
    assert.deepEqual([unauthorized.status, unauthorized.body.error.code], [401, 'UNAUTHORIZED']);
  });

  test("the doc's messages round-trip through the MatCraft provider's decoding and this encoder", () => {
    let seq = 0;
    let total: number | undefined;
    for (const original of DOC_MESSAGES) {
      const [draft] = decodeMatcraft(original, total);
      const { dedupKey: _dedupKey, ...event } = draft!;
      total = event.totalIterations ?? total;
      const encoded = JSON.parse(encodeMatcraft({ ...event, jobId: 'camp_abc123', seq: ++seq }));
      const { x_bridge: extra, ...data } = encoded.data;
      assert.deepEqual({ ...encoded, data }, original, original.type);
      assert.equal(extra.seq, seq);
    }
  });

  test('metrics with no MatCraft field stay under data.x_bridge, never over a documented one', () => {
    const metrics = { hypervolume: 0.682, pareto_size: 11, acquisition_s: 1.5 };
    const encoded = JSON.parse(encodeMatcraft({ jobId: 'job_c', seq: 12, type: 'iteration_completed', at: '2026-04-01T10:06:30Z', iteration: 5, metrics }));
    assert.deepEqual(encoded.data, { iteration: 5, hypervolume: 0.682, pareto_size: 11, x_bridge: { seq: 12, metrics: { acquisition_s: 1.5 } } });
  });
});

describe('MatCraft keepalive', () => {
  let store: StoreHandle;
  let bridge: TestBridge;

  before(async () => {
    const dialects = DIALECTS.map((d) => (d === matcraftDialect ? createMatcraftDialect({ pingIntervalS: 0.2, idleCloseS: 1 }) : d));
    store = await openTestStore('postgres');
    // A run that reports no progress after it starts, so the idle timeout is what ends the socket.
    bridge = await startTestBridge(store, { dialects, configure: (config) => (config.solver.progressIntervalMs = 60_000) });
  });

  after(async () => {
    await bridge.close();
    await store.dispose();
  });

  test('the server sends ping frames, and closes a socket once its campaign has made no progress for a while', async () => {
    const jobId = await submitTsp(bridge, 30, SEED);
    const ws = await opened(campaignUrl(bridge, jobId));
    let pings = 0;
    ws.on('ping', () => pings++);
    const [code, reason] = await new Promise<[number, string]>((resolve) => ws.once('close', (c, r) => resolve([c, r.toString()])));
    assert.deepEqual([code, reason], [1000, 'idle: no progress']);
    assert.ok(pings >= 1, 'a ping frame arrived before the idle close');
    const job = await api(bridge.http, 'GET', `/api/v1/campaigns/${jobId}`, { key: KEY });
    assert.equal(job.body.status, 'running', 'the campaign goes on; only the idle socket was closed');
    await api(bridge.http, 'POST', `/v1/jobs/${jobId}/cancel`, { key: KEY });
  });
});
