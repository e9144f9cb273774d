import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config/config.js';
import type { JobEvent } from '../../src/core/event.js';
import { migrateToLatest, openDatabase } from '../../src/store/database.js';
import { EventStore, type StoreBatch } from '../../src/store/event-store.js';
import { JobRepository } from '../../src/store/job-repository.js';
import { TenantRepository } from '../../src/store/tenant-repository.js';
import { openTestStore, STORES } from '../helpers/bridge.js';

const AWKWARD = 'tab\there, newline\nthere, back\\slash, "quotes", \\N, ünïcødé ✓, \r';

function batch(jobId: string, seqs: number[]): StoreBatch {
  const events = seqs.map((seq) => {
    const event: JobEvent = {
      jobId, seq, type: 'progress', at: new Date(1_700_000_000_000 + seq).toISOString(),
      message: AWKWARD, metrics: { score: seq / 3 }, source: { provider: 'jaot', raw: { text: AWKWARD, n: seq } },
    };
    return { event, hash: `hash-${seq}` };
  });
  return { events, jobs: [{ id: jobId, status: 'running', lastSeq: Math.max(...seqs), lastHash: `hash-${Math.max(...seqs)}` }] };
}

for (const storeKind of STORES) {
  describe(`event store on ${storeKind}`, () => {
    test('first attempts (COPY on Postgres) and retries store the same events, exactly once, awkward text intact', async () => {
      const store = await openTestStore(storeKind);
      const handle = await openDatabase(loadConfig(store.env));
      try {
        await migrateToLatest(handle.db);
        await new TenantRepository(handle.db).addKey('t', 'key-0123456789', 'test');
        const now = new Date().toISOString();
        await new JobRepository(handle.db).create({
          id: 'job_s', tenantId: 't', provider: 'jaot', kind: 'lp', status: 'queued', problem: { kind: 'lp', model: {} }, params: {},
          upstreamId: null, lastSeq: 0, result: null, error: null, device: null, gpuSeconds: null, createdAt: now, updatedAt: now, finishedAt: null,
        });
        const events = new EventStore(handle.db, handle.copyPool);
        await events.append(batch('job_s', [1, 2, 3]), { retry: false });
        // The same rows again as a first attempt: COPY meets existing rows and falls back to the idempotent insert.
        await events.append(batch('job_s', [2, 3, 4]), { retry: false });
        await events.append(batch('job_s', [4, 5]), { retry: true });

        const stored = await events.read('job_s', 0, 100);
        assert.deepEqual(stored.map((e) => e.seq), [1, 2, 3, 4, 5]);
        for (const event of stored) {
          assert.equal(event.message, AWKWARD);
          assert.deepEqual(event.source, { provider: 'jaot', raw: { n: event.seq, text: AWKWARD } });
        }
        const count = await sql<{ n: number }>`select count(*)::int as n from events`.execute(handle.db);
        assert.equal(count.rows[0]!.n, 5);
        const job = await new JobRepository(handle.db).get('job_s');
        assert.equal(job?.lastSeq, 5);
        assert.equal(job?.status, 'running');
      } finally {
        await handle.close();
        await store.dispose();
      }
    });

    for (const retry of [false, true]) {
      test(`a batch carrying a stale epoch stores nothing of that job and the rest of the batch (${retry ? 'retry' : 'first attempt'})`, async () => {
        const store = await openTestStore(storeKind);
        const handle = await openDatabase(loadConfig(store.env));
        try {
          await migrateToLatest(handle.db);
          await new TenantRepository(handle.db).addKey('t', 'key-0123456789', 'test');
          const jobs = new JobRepository(handle.db);
          const now = new Date().toISOString();
          for (const id of ['job_old', 'job_other']) {
            await jobs.create({
              id, tenantId: 't', provider: 'jaot', kind: 'lp', status: 'running', problem: { kind: 'lp', model: {} }, params: {},
              upstreamId: null, lastSeq: 0, result: null, error: null, device: null, gpuSeconds: null, createdAt: now, updatedAt: now, finishedAt: null,
            }, 'node-a');
          }
          const events = new EventStore(handle.db, handle.copyPool);
          const withEpoch = (b: StoreBatch, epoch: number): StoreBatch => ({ ...b, jobs: b.jobs.map((j) => ({ ...j, epoch })) });
          assert.equal((await events.append(withEpoch(batch('job_old', [1, 2]), 1), { retry })).size, 0);
          // Another node takes job_old over: epoch 2. node-a resumes from its pause and writes on with epoch 1.
          assert.equal(await jobs.claim('job_old', 'node-b'), 2);
          const mixed: StoreBatch = {
            events: [...batch('job_old', [3, 4]).events, ...batch('job_other', [1]).events],
            jobs: [...withEpoch(batch('job_old', [3, 4]), 1).jobs, ...withEpoch(batch('job_other', [1]), 1).jobs],
          };
          assert.deepEqual([...(await events.append(mixed, { retry }))], ['job_old']);
          assert.deepEqual((await events.read('job_old', 0, 100)).map((e) => e.seq), [1, 2], 'the fenced writer added nothing');
          assert.equal((await jobs.get('job_old'))?.lastSeq, 2);
          assert.deepEqual((await events.read('job_other', 0, 100)).map((e) => e.seq), [1], 'the same batch’s other job is stored');
          // The new owner continues the seqs where the store left them.
          assert.equal((await events.append(withEpoch(batch('job_old', [3]), 2), { retry })).size, 0);
          assert.deepEqual((await events.read('job_old', 0, 100)).map((e) => e.seq), [1, 2, 3]);
        } finally {
          await handle.close();
          await store.dispose();
        }
      });
    }
  });
}
