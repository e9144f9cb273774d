import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { Client } from '../../src/client/index.js';
import { STORES, TENANT_KEYS, useTestBridge } from '../helpers/bridge.js';

interface Bucket { from_seq: number; to_seq: number; count: number; objective?: { min: number; max: number } }

for (const kind of STORES) describe(`convergence series: GET /bridge/v1/jobs/{id}/series (${kind})`, () => {
  const suite = useTestBridge(kind);
  let client: Client;

  async function series(id: string, query: string, key: string = TENANT_KEYS.acme): Promise<Response> {
    return fetch(`${suite.bridge.http}/bridge/v1/jobs/${id}/series?${query}`, { headers: { authorization: `Bearer ${key}` } });
  }

  before(() => {
    client = new Client({ url: suite.bridge.http, key: TENANT_KEYS.acme });
  });

  test('a one-event spike survives a two-point downsample, and a one-seq window returns that single event', async () => {
    const job = await client.optimize.tsp({ coordinates: [[0, 0], [3, 0], [3, 4], [0, 4], [1, 2], [2, 2]], timeLimitS: 0.6 });
    await job.result();
    const db = suite.bridge.bridge.database.db;
    const objectiveSeqs = await db.selectFrom('events').select('seq').where('job_id', '=', job.id)
      .where(sql<boolean>`jsonb_typeof(event->'objective') = 'number'`).orderBy('seq').execute();
    assert.ok(objectiveSeqs.length >= 3, `the job recorded ${objectiveSeqs.length} objective events`);
    const spikeSeq = objectiveSeqs[Math.floor(objectiveSeqs.length / 2)]!.seq;
    await sql`update events set event = event || '{"objective": 1e9}'::jsonb where job_id = ${job.id} and seq = ${spikeSeq}`.execute(db);

    const coarse = await series(job.id, 'points=2');
    assert.equal(coarse.status, 200);
    const coarseBody = (await coarse.json()) as { buckets: Bucket[] };
    assert.ok(coarseBody.buckets.length <= 2);
    assert.equal(Math.max(...coarseBody.buckets.map((b) => b.objective?.max ?? -Infinity)), 1e9);
    assert.equal(coarseBody.buckets.reduce((n, b) => n + b.count, 0) >= objectiveSeqs.length, true);

    const narrow = (await (await series(job.id, `points=100&from=${spikeSeq}&to=${spikeSeq}`)).json()) as { buckets: Bucket[] };
    assert.deepEqual(narrow.buckets.map((b) => [b.from_seq, b.to_seq, b.count, b.objective?.min]), [[spikeSeq, spikeSeq, 1, 1e9]]);
  });

  test("another tenant's job is not found and bad parameters are a 400", async () => {
    const job = await client.optimize.tsp({ coordinates: [[0, 0], [1, 0], [1, 1]], timeLimitS: 0.2 });
    await job.result();
    assert.equal((await series(job.id, 'points=10', TENANT_KEYS.globex)).status, 404);
    for (const bad of ['points=0', 'points=abc', 'from=0', 'from=5&to=2', 'points=1000000']) {
      const response = await series(job.id, bad);
      assert.equal(response.status, 400, bad);
      const body = (await response.json()) as { error: { message: string } };
      assert.match(body.error.message, /points|from|to/);
    }
  });
});
