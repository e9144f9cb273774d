import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { Client } from '../../src/client/index.js';
import { storedChain } from '../../src/store/event-chain.js';
import { api, STORES, TENANT_KEYS, useTestBridge } from '../helpers/bridge.js';

for (const kind of STORES) describe(`the verifiable record: GET /bridge/v1/jobs/{id}/audit (${kind})`, () => {
  const suite = useTestBridge(kind);
  let client: Client;

  async function finishedJob(): Promise<{ id: string; lastSeq: number; lastHash: string }> {
    const job = await client.optimize.tsp({ coordinates: [[0, 0], [3, 0], [3, 4], [0, 4], [1, 2], [2, 2]], timeLimitS: 0.6 });
    await job.result();
    const row = await suite.bridge.bridge.database.db.selectFrom('jobs').select(['last_seq', 'last_hash']).where('id', '=', job.id).executeTakeFirstOrThrow();
    return { id: job.id, lastSeq: row.last_seq, lastHash: row.last_hash! };
  }

  const db = () => suite.bridge.bridge.database.db;

  before(() => {
    client = new Client({ url: suite.bridge.http, key: TENANT_KEYS.acme });
  });

  test('an untouched job is intact, with the head the ingest wrote and every event counted', async () => {
    const job = await finishedJob();
    const report = await client.jobs.verify(job.id);
    assert.deepEqual(report, { job_id: job.id, intact: true, events: job.lastSeq, head: { seq: job.lastSeq, hash: job.lastHash }, broken_at: null, reason: null });
    const withHead = await client.jobs.verify(job.id, { head: job.lastHash });
    assert.equal(withHead.intact, true);
    assert.deepEqual(withHead.expected_head, { hash: job.lastHash, found: true, seq: job.lastSeq });
  });

  test('one stored event changed by hand breaks the chain at exactly that seq', async () => {
    const job = await finishedJob();
    await sql`update events set event = event || '{"objective": 1}'::jsonb where job_id = ${job.id} and seq = 3`.execute(db());
    const report = await client.jobs.verify(job.id);
    assert.equal(report.intact, false);
    assert.equal(report.broken_at, 3);
    assert.match(report.reason!, /event 3 does not match its hash/);
    assert.deepEqual(report.head?.seq, 2);
    assert.equal(report.events, 2);
  });

  test('a rewritten hash is caught at its seq', async () => {
    const job = await finishedJob();
    await sql`update events set hash = repeat('0', 64) where job_id = ${job.id} and seq = 2`.execute(db());
    const report = await client.jobs.verify(job.id);
    assert.equal(report.broken_at, 2);
    assert.equal(report.intact, false);
  });

  test('the kept canonical bytes (what the export sends) changed by hand break the chain at that seq; without them it verifies', async () => {
    const job = await finishedJob();
    await sql`update events set canonical = null where job_id = ${job.id}`.execute(db());
    assert.equal((await client.jobs.verify(job.id)).intact, true, 'events recorded before the bytes were kept');
    await sql`update events set canonical = '{"forged":true}' where job_id = ${job.id} and seq = 4`.execute(db());
    const report = await client.jobs.verify(job.id);
    assert.equal(report.intact, false);
    assert.equal(report.broken_at, 4);
    assert.match(report.reason!, /event 4's stored canonical bytes differ from the event/);
  });

  test('deleting the last event fails; with the job row rewritten to match, only the kept head catches it', async () => {
    const job = await finishedJob();
    await sql`delete from events where job_id = ${job.id} and seq = ${job.lastSeq}`.execute(db());
    const truncated = await client.jobs.verify(job.id);
    assert.equal(truncated.intact, false);
    assert.equal(truncated.broken_at, job.lastSeq);

    await sql`update jobs set last_seq = last_seq - 1 where id = ${job.id}`.execute(db());
    assert.equal((await client.jobs.verify(job.id)).intact, true, 'a consistent truncation passes the chain alone');
    const kept = await client.jobs.verify(job.id, { head: job.lastHash });
    assert.equal(kept.intact, false);
    assert.equal(kept.broken_at, job.lastSeq);
    assert.deepEqual(kept.expected_head, { hash: job.lastHash, found: false, seq: null });
    assert.match(kept.reason!, /does not contain head/);
  });

  test('a hole in the middle names the missing seq', async () => {
    const job = await finishedJob();
    // Seq 2 lies between the start and the verdict however few progress reports a loaded machine lets through.
    assert.ok(job.lastSeq >= 3);
    await sql`delete from events where job_id = ${job.id} and seq = 2`.execute(db());
    const report = await client.jobs.verify(job.id);
    assert.equal(report.broken_at, 2);
    assert.match(report.reason!, /event 2 is missing/);
  });

  test("another tenant's job and an unknown id are not found; a malformed head is a 400", async () => {
    const job = await finishedJob();
    const foreign = await api(suite.bridge.http, 'GET', `/bridge/v1/jobs/${job.id}/audit`, { key: TENANT_KEYS.globex });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.error.code, 'not_found');
    assert.equal((await api(suite.bridge.http, 'GET', '/bridge/v1/jobs/job_nope/audit', { key: TENANT_KEYS.acme })).status, 404);
    const bad = await api(suite.bridge.http, 'GET', `/bridge/v1/jobs/${job.id}/audit?head=xyz`, { key: TENANT_KEYS.acme });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /head must be a sha256 hash/);
    assert.equal((await api(suite.bridge.http, 'GET', `/bridge/v1/jobs/${job.id}/audit`)).status, 401);
  });

  test('the chain is read page by page in seq order, whatever the page size', async () => {
    const job = await finishedJob();
    const seqs: number[] = [];
    for await (const link of storedChain(db(), job.id, job.lastSeq, 2)) seqs.push(link.seq);
    assert.deepEqual(seqs, Array.from({ length: job.lastSeq }, (_, i) => i + 1));
  });
});
