import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Joiner } from '../../src/hub/fanout.js';
import { EventStore } from '../../src/store/event-store.js';
import { openTestStore, TENANT_KEYS, type StoreHandle, type TestBridge } from '../helpers/bridge.js';
import { collect } from '../helpers/ws-client.js';
import { startNeroxSim, type VendorSim } from '../vendors/index.js';
import { range, startVendorBridge, submit, upstreamIdOf, waitFor } from './providers-support.js';

const EVENTS = 20_000;
const KEY = TENANT_KEYS.acme;

async function lines(bridge: TestBridge, path: string): Promise<string[]> {
  const response = await fetch(bridge.http + path, { headers: { authorization: `Bearer ${KEY}` } });
  assert.equal(response.status, 200);
  return (await response.text()).split('\n').slice(0, -1);
}

/**
 * One long job recorded live from the Nerox simulator while a Nerox and a MatCraft client watched it from the
 * first event; then read back every way the bridge offers. Each must be the live stream's bytes.
 */
describe(`replay, catch-up and export of a ${EVENTS}-event job`, () => {
  let store: StoreHandle;
  let sim: VendorSim;
  let bridge: TestBridge;
  let jobId: string;
  const live: Record<'nerox' | 'matcraft', string[]> = { nerox: [], matcraft: [] };
  const streams = { nerox: '', matcraft: '' };

  before(async () => {
    store = await openTestStore('postgres');
    sim = await startNeroxSim({ job: { autoStart: false, events: EVENTS, intervalMs: 1 } });
    bridge = await startVendorBridge(store, { nerox: sim });
    jobId = await submit(bridge, 'nerox');
    const upstreamId = await upstreamIdOf(bridge, jobId);
    await waitFor(() => sim.connectionsFor(upstreamId) === 1);
    streams.nerox = `${bridge.ws}/v1/jobs/${jobId}/stream?token=${KEY}`;
    streams.matcraft = `${bridge.ws}/api/v1/ws/campaigns/${jobId}?token=${KEY}`;

    // Both watchers must be on the live topic before the first event, so what they get is the live stream only.
    const fanout = bridge.bridge.server.fanout;
    const join = fanout.join.bind(fanout);
    let joined = 0;
    fanout.join = (id: string, joiner: Joiner) => {
      const accepted = join(id, joiner);
      if (accepted && id === jobId) joined++;
      return accepted;
    };
    const watching = Promise.all([collect(streams.nerox), collect(streams.matcraft)]);
    await waitFor(() => joined === 2);
    fanout.join = join;
    const run = sim.job(upstreamId)!;
    for (let i = 0; i < EVENTS; i++) run.tick();
    const [nerox, matcraft] = await watching;
    live.nerox = nerox.texts;
    live.matcraft = matcraft.texts;
  });

  after(async () => {
    await bridge.close();
    await sim.close();
    await store.dispose();
  });

  test('the live stream carried every event once, in order', () => {
    assert.deepEqual(live.nerox.map((text) => JSON.parse(text).x_bridge.seq), range(1, EVENTS));
    assert.equal(JSON.parse(live.nerox.at(-1)!).type, 'completed');
    assert.equal(live.matcraft.length, EVENTS);
  });

  for (const dialect of ['nerox', 'matcraft'] as const) {
    test(`${dialect}: replay at speed 0 and catch-up from after=0 send the live stream's bytes`, async () => {
      const [replayed, caughtUp] = await Promise.all([collect(`${streams[dialect]}&replay=1&speed=0`), collect(`${streams[dialect]}&after=0`)]);
      assert.deepEqual(replayed.texts, live[dialect], 'replay');
      assert.deepEqual(caughtUp.texts, live[dialect], 'catch-up');
    });

    test(`${dialect}: the ndjson export in the dialect is the live stream's bytes, a line each`, async () => {
      assert.deepEqual(await lines(bridge, `/bridge/v1/jobs/${jobId}/events?format=ndjson&dialect=${dialect}`), live[dialect]);
    });
  }

  test('catch-up from the middle of a page sends exactly the rest', async () => {
    const from = 12_345;
    const caughtUp = await collect(`${streams.nerox}&after=${from}`);
    assert.deepEqual(caughtUp.texts, live.nerox.slice(from));
  });

  test('the canonical ndjson export is the hashed record: its lines rebuild the stored hash chain', async () => {
    const exported = await lines(bridge, `/bridge/v1/jobs/${jobId}/events?format=ndjson`);
    assert.deepEqual(exported.map((line) => JSON.parse(line).seq), range(1, EVENTS));
    assert.ok(exported.every((line) => JSON.parse(line).source.raw !== undefined), 'the upstream message is kept for audit');
    let hash = '';
    for (const line of exported) hash = createHash('sha256').update(hash).update(line).digest('hex');
    assert.equal(hash, (await new EventStore(bridge.bridge.database.db).lastEvent(jobId))?.hash);
  });
});
