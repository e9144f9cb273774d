import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BridgeClientError, Client, type JobListing } from '../../src/client/index.js';
import { recordJobWithGap } from '../browser/recorded-job.js';
import { STORES, TENANT_KEYS, useTestBridge } from '../helpers/bridge.js';

for (const kind of STORES) describe(`the dashboard's queries: jobs list filters, series gaps, event pages, aborted streams (${kind})`, () => {
  const suite = useTestBridge(kind);
  let client: Client;
  let tsp: string;
  let recorded: string;

  before(async () => {
    client = new Client({ url: suite.bridge.http, key: TENANT_KEYS.acme });
    const job = await client.optimize.tsp({ coordinates: [[0, 0], [3, 0], [3, 4], [0, 4], [1, 2]], timeLimitS: 0.4 });
    await job.result();
    tsp = job.id;
    recorded = 'job_recorded_filters';
    await recordJobWithGap(suite.bridge.bridge.database, { id: recorded, tenantId: 'acme', events: 300, gapAt: 150 });
  });

  const ids = (jobs: readonly JobListing[]) => jobs.map((job) => job.id);

  test('provider, kind, status, creation time and part of the id narrow the page; each row has its best objective', async () => {
    const all = await client.jobs.list();
    assert.deepEqual(new Set(ids(all.jobs)), new Set([tsp, recorded]));
    assert.deepEqual(ids((await client.jobs.list({ provider: 'nerox' })).jobs), [recorded]);
    assert.deepEqual(ids((await client.jobs.list({ kind: 'tsp' })).jobs), [tsp]);
    assert.deepEqual(ids((await client.jobs.list({ kind: 'tsp', status: 'running' })).jobs), []);
    assert.deepEqual(ids((await client.jobs.list({ q: tsp.slice(8, 16) })).jobs), [tsp]);
    // The recorded job was created on 2025-12-31, the TSP today.
    assert.deepEqual(ids((await client.jobs.list({ to: '2026-01-01' })).jobs), [recorded]);
    assert.deepEqual(ids((await client.jobs.list({ from: '2026-01-01T00:00:00Z' })).jobs), [tsp]);
    const listed = new Map(all.jobs.map((job) => [job.id, job.bestObjective]));
    assert.equal(listed.get(tsp), (await client.jobs.get(tsp)).result!.objective);
    assert.equal(listed.get(recorded), -150);
    assert.deepEqual(ids((await client.jobs.list({ provider: 'nerox', limit: 1, before: recorded })).jobs), []);
  });

  test('a filter the bridge cannot read is a 400 naming it', async () => {
    for (const [name, value] of [['status', 'done'], ['kind', 'knapsack'], ['from', 'yesterday'], ['to', '2026-13-01'], ['q', 'a b'], ['provider', 'Ne/rox']]) {
      await assert.rejects(client.jobs.list({ [name!]: value }), (error: BridgeClientError) => {
        assert.equal(error.status, 400, `${name}=${value}`);
        assert.match(error.message, new RegExp(`^${name} `));
        return true;
      });
    }
    await assert.rejects(client.jobs.list({ from: '2026-02-01', to: '2026-01-01' }), { status: 400, message: /later than from/ });
  });

  test('series buckets carry time and iteration extremes, and the window lists its gap markers', async () => {
    const report = await client.jobs.series(recorded, { points: 50 });
    assert.deepEqual(report.gaps.map((gap) => gap.seq), [150]);
    for (const bucket of report.buckets) {
      assert.ok(bucket.at_ms && bucket.at_ms.min <= bucket.at_ms.max);
      assert.ok(bucket.iteration && bucket.iteration.min === bucket.from_seq * 500 && bucket.iteration.max === bucket.to_seq * 500);
    }
    assert.deepEqual((await client.jobs.series(recorded, { from: 1, to: 100 })).gaps, []);
  });

  test('eventPage reads one page with raw messages; an aborted stream ends without an error', async () => {
    const page = await client.jobs.eventPage(recorded, { after: 10, limit: 5 });
    assert.deepEqual(page.events.map((event) => event.seq), [11, 12, 13, 14, 15]);
    assert.equal(page.nextAfter, 15);
    assert.equal((page.events[0]!.source!.raw as { type: string }).type, 'progress');

    // Recorded 1 ms apart: at 0.05× a whole replay would take 6 s.
    const replaying = new AbortController();
    const replayed: number[] = [];
    for await (const event of client.jobs.replayEvents(recorded, { speed: 0.05, signal: replaying.signal })) {
      replayed.push(event.seq);
      if (event.seq === 3) replaying.abort();
    }
    assert.deepEqual(replayed.slice(0, 3), [1, 2, 3]);
    assert.ok(replayed.length < 300, `the replay stopped after ${replayed.length} events`);

    const job = await client.optimize.tsp({ coordinates: [[0, 0], [3, 0], [3, 4], [0, 4], [1, 2]], timeLimitS: 1.5 });
    const watching = new AbortController();
    let progress = 0;
    for await (const event of job.stream({ signal: watching.signal })) {
      if (event.type === 'progress' && ++progress === 1) watching.abort();
      assert.notEqual(event.type, 'completed', 'the stream went on after its abort');
    }
    assert.equal((await job.outcome()).status, 'completed');
  });
});
