import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, openTestStore, range, startTestBridge, submitTsp as submitTspWith, TENANT_KEYS, type StoreHandle, type TestBridge } from '../helpers/bridge.js';
import { DIALECTS } from '../../adapters/index.js';
import { JOB_EVENT_TYPES } from '../../src/core/event.js';
import { assertCampaignCompleteFields, assertMutagentEventsComplete } from '../helpers/doc-fields.js';
import type { Observed } from './driver.js';
import { DRIVERS } from './drivers/index.js';

const JOB_SECONDS = 1.5;
const SEED = 3;
const submitTsp = (bridge: TestBridge, timeLimitS = JOB_SECONDS): Promise<string> => submitTspWith(bridge, timeLimitS, SEED);

function seqs(observed: Observed[]): number[] {
  return observed.map((o) => o.seq);
}

describe('every dialect, one behaviour at a time', () => {
  let store: StoreHandle;
  let bridge: TestBridge;
  let finishedJob: string;
  let finishedEvents: any[];

  before(async () => {
    store = await openTestStore('postgres');
    bridge = await startTestBridge(store);
    finishedJob = await submitTsp(bridge, 0.8);
    await DRIVERS[0]!.watch(bridge, TENANT_KEYS.acme, finishedJob, { after: 0 });
    finishedEvents = (await api(bridge.http, 'GET', `/bridge/v1/jobs/${finishedJob}/events`, { key: TENANT_KEYS.acme })).body.events;
  });

  after(async () => {
    await bridge.close();
    await store.dispose();
  });

  test('one job watched at once in every dialect: the same iterations and objective values', async () => {
    const jobId = await submitTsp(bridge);
    const watches = await Promise.all(DRIVERS.map((d) => d.watch(bridge, TENANT_KEYS.acme, jobId, { after: 0 })));
    const stored: any[] = (await api(bridge.http, 'GET', `/bridge/v1/jobs/${jobId}/events`, { key: TENANT_KEYS.acme })).body.events;
    const progress = stored.filter((e) => e.type === 'progress');
    for (const [i, watch] of watches.entries()) {
      const name = DRIVERS[i]!.name;
      const seen = watch.observed.filter((o) => o.type === 'progress');
      assert.deepEqual(seen.map((o) => o.iteration), progress.map((e) => e.iteration), `${name} iterations`);
      assert.deepEqual(seen.map((o) => o.bestObjective), progress.map((e) => e.bestObjective), `${name} objective values`);
      assert.equal(watch.observed.at(-1)?.type, 'completed', `${name} ends with the terminal message`);
      assert.equal(watch.observed.at(-1)?.bestObjective, stored.at(-1).result.objective, `${name} final objective`);
      if (name === 'mutagent') assertMutagentEventsComplete(watch.raw, 'built-in job');
      if (name === 'matcraft') assertCampaignCompleteFields(watch.raw, 'built-in job');
    }
  });

  for (const driver of DRIVERS.filter((d) => d.documented)) {
    test(`${driver.name}: every canonical event type is encoded as a type its doc lists`, () => {
      const dialect = DIALECTS.find((d) => d.name === driver.name)!;
      for (const type of JOB_EVENT_TYPES) {
        const encoded = JSON.parse(dialect.encode({ jobId: 'job_types', seq: 3, type, at: '2026-04-19T12:03:11.482Z', iteration: 2 })!);
        const undocumented = driver.documented!.typesOf(encoded).filter((t) => !driver.documented!.types.has(t));
        assert.deepEqual(undocumented, [], `${type} in ${driver.name}`);
      }
    });

    test(`${driver.name}: a client sees only the message types its doc lists, live, caught up and replayed`, async () => {
      const jobId = await submitTsp(bridge);
      const watches = await Promise.all([
        driver.watch(bridge, TENANT_KEYS.acme, jobId),
        driver.watch(bridge, TENANT_KEYS.acme, finishedJob, { after: 0 }),
        driver.watch(bridge, TENANT_KEYS.acme, finishedJob, { replaySpeed: 0 }),
      ]);
      const { types, typesOf } = driver.documented!;
      for (const watch of watches) {
        const seen = new Set(watch.raw.flatMap(typesOf));
        assert.deepEqual([...seen].filter((type) => !types.has(type)), [], `${driver.name} sent undocumented types`);
      }
      const replayed = watches[2]!.observed;
      assert.ok(replayed.some((o) => o.type === 'started'), 'the lifecycle events still arrive, under a documented type');
    });
  }

  for (const driver of DRIVERS.filter((d) => d.resumes)) {
    test(`${driver.name}: a client that drops mid-run and resumes ends with every event exactly once`, async () => {
      const jobId = await submitTsp(bridge);
      const first = await driver.watch(bridge, TENANT_KEYS.acme, jobId, { after: 0, stopAfter: 3 });
      assert.equal(first.observed.length, 3);
      const resumed = await driver.watch(bridge, TENANT_KEYS.acme, jobId, { after: first.observed.at(-1)!.seq });
      const all = [...first.observed, ...resumed.observed];
      const lastSeq = all.at(-1)!.seq;
      assert.equal(all.at(-1)!.type, 'completed');
      assert.deepEqual(seqs(all), range(1, lastSeq));
    });
  }

  for (const driver of DRIVERS) {
    test(`${driver.name}: a finished job replays at speed=10 in about a tenth of its duration, same events`, async () => {
      const started = Date.now();
      const replay = await driver.watch(bridge, TENANT_KEYS.acme, finishedJob, { replaySpeed: 10 });
      const elapsed = Date.now() - started;
      const recorded = Date.parse(finishedEvents.at(-1).at) - Date.parse(finishedEvents[0].at);
      assert.deepEqual(seqs(replay.observed), finishedEvents.map((e) => e.seq).filter((s) => replay.observed.some((o) => o.seq === s)));
      assert.equal(replay.observed.at(-1)!.type, 'completed');
      // Generous bounds: the point is pacing by recorded time over speed, not a benchmark.
      assert.ok(elapsed >= recorded / 10 * 0.8, `replay took ${elapsed} ms for ${recorded} ms recorded`);
      assert.ok(elapsed < recorded / 2, `replay took ${elapsed} ms for ${recorded} ms recorded`);
    });

    test(`${driver.name}: a wrong key, an unknown job and another tenant's job are refused in the dialect's own words`, async () => {
      const wrongKey = await driver.refused(bridge, 'wrong-key-000000', finishedJob);
      const unknown = await driver.refused(bridge, TENANT_KEYS.acme, 'job_unknown');
      const foreign = await driver.refused(bridge, TENANT_KEYS.globex, finishedJob);
      for (const refusal of [wrongKey, unknown, foreign]) {
        assert.ok(refusal.messages.length >= 1, 'the client is told why');
        assert.ok(!JSON.stringify(refusal.messages).includes('"progress"'), 'no job data leaks');
      }
      assert.deepEqual(unknown.messages.map((m) => JSON.stringify(m).replace(/job_unknown/g, 'ID')), foreign.messages.map((m) => JSON.stringify(m).replace(new RegExp(finishedJob, 'g'), 'ID')), "another tenant's job looks exactly like an unknown one");
    });
  }
});
