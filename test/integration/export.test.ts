import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, openTestStore, startTestBridge, TENANT_KEYS, type StoreHandle, type TestBridge } from '../helpers/bridge.js';
import { collect } from '../helpers/ws-client.js';

async function text(bridge: TestBridge, path: string): Promise<{ status: number; type: string | null; body: string }> {
  const response = await fetch(bridge.http + path, { headers: { authorization: `Bearer ${TENANT_KEYS.acme}` } });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

describe('export of recorded events', () => {
  let store: StoreHandle;
  let bridge: TestBridge;
  let jobId: string;
  let events: any[];

  before(async () => {
    store = await openTestStore('postgres');
    bridge = await startTestBridge(store);
    const submitted = await api(bridge.http, 'POST', '/v1/optimize/tsp', {
      key: TENANT_KEYS.acme,
      body: { coordinates: [[0, 0], [3, 0], [3, 4], [0, 4], [1, 2]], time_limit_s: 0.6 },
    });
    jobId = submitted.body.job_id;
    await collect(`${bridge.ws}/v1/jobs/${jobId}/stream?token=${TENANT_KEYS.acme}&after=0`);
    events = (await api(bridge.http, 'GET', `/bridge/v1/jobs/${jobId}/events`, { key: TENANT_KEYS.acme })).body.events;
  });

  after(async () => {
    await bridge.close();
    await store.dispose();
  });

  test('ndjson streams the canonical events, one per line, after= respected', async () => {
    const all = await text(bridge, `/bridge/v1/jobs/${jobId}/events?format=ndjson`);
    assert.equal(all.status, 200);
    assert.equal(all.type, 'application/x-ndjson');
    assert.deepEqual(all.body.trimEnd().split('\n').map((line) => JSON.parse(line)), events);
    const tail = await text(bridge, `/bridge/v1/jobs/${jobId}/events?format=ndjson&after=2`);
    assert.deepEqual(tail.body.trimEnd().split('\n').map((line) => JSON.parse(line).seq), events.slice(2).map((e) => e.seq));
  });

  test('ndjson in a dialect is byte-identical to what that dialect streamed', async () => {
    const streamed = await collect(`${bridge.ws}/v1/jobs/${jobId}/stream?token=${TENANT_KEYS.acme}&after=0`);
    const exported = await text(bridge, `/bridge/v1/jobs/${jobId}/events?format=ndjson&dialect=nerox`);
    assert.deepEqual(exported.body.trimEnd().split('\n'), streamed.texts);
  });

  test('csv has a header, one row per event, and the structured fields as JSON', async () => {
    const exported = await text(bridge, `/bridge/v1/jobs/${jobId}/events?format=csv`);
    assert.equal(exported.type, 'text/csv; charset=utf-8');
    const lines = exported.body.trimEnd().split('\n');
    assert.equal(lines[0], 'seq,type,at,iteration,totalIterations,progress,objective,bestObjective,temperature,gap,stage,message,extra');
    assert.equal(lines.length, events.length + 1);
    assert.match(lines[1]!, /^1,started,/);
    assert.match(lines.at(-1)!, new RegExp(`^${events.length},completed,.*""solution""`));
  });

  test('bad export parameters are a 400 naming the problem', async () => {
    assert.equal((await text(bridge, `/bridge/v1/jobs/${jobId}/events?format=xml`)).status, 400);
    const unknownDialect = await api(bridge.http, 'GET', `/bridge/v1/jobs/${jobId}/events?format=ndjson&dialect=klingon`, { key: TENANT_KEYS.acme });
    assert.equal(unknownDialect.status, 400);
    assert.match(unknownDialect.body.error.message, /unknown dialect "klingon"/);
  });
});
