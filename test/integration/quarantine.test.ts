import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/config.js';
import type { JobEvent } from '../../src/core/event.js';
import type { Job } from '../../src/core/job.js';
import { migrateToLatest, openDatabase } from '../../src/store/database.js';
import { chainHash, storedChain } from '../../src/store/event-chain.js';
import { EventStore } from '../../src/store/event-store.js';
import { EventWriter, type AppendOutcome } from '../../src/store/event-writer.js';
import { JobRepository } from '../../src/store/job-repository.js';
import { TenantRepository } from '../../src/store/tenant-repository.js';
import { openTestStore, range, STORES } from '../helpers/bridge.js';

function job(id: string): Job {
  const now = new Date().toISOString();
  return {
    id, tenantId: 't', provider: 'builtin', kind: 'qubo', status: 'running', problem: { kind: 'qubo', n: 1, terms: [] }, params: {},
    upstreamId: null, lastSeq: 0, result: null, error: null, device: null, gpuSeconds: null, createdAt: now, updatedAt: now, finishedAt: null,
  } as Job;
}

for (const storeKind of STORES) {
  describe(`a poisoned batch on ${storeKind}`, () => {
    test('quarantines the one refused event, fails its job with a reason, and the other job in the batch completes', async () => {
      const store = await openTestStore(storeKind);
      const handle = await openDatabase(loadConfig(store.env));
      try {
        await migrateToLatest(handle.db);
        await new TenantRepository(handle.db).addKey('t', 'key-0123456789', 'test');
        const jobs = new JobRepository(handle.db);
        await jobs.create(job('job_good'), 'node-a');
        await jobs.create(job('job_poisoned'), 'node-a');
        const quarantined: string[] = [];
        const writer = new EventWriter(new EventStore(handle.db, handle.copyPool), {
          flushIntervalMs: 0, maxBatchEvents: 100, concurrency: 1, onQuarantine: (jobId, seq) => quarantined.push(`${jobId}/${seq}`),
        });
        const hashes = new Map<string, string>();
        const append = (jobId: string, seq: number, fields: Partial<JobEvent> = {}): Promise<AppendOutcome> => {
          const event: JobEvent = { jobId, seq, type: 'progress', at: new Date(1_700_000_000_000 + seq).toISOString(), iteration: seq, objective: -seq, ...fields };
          const hash = chainHash(hashes.get(jobId) ?? '', event);
          hashes.set(jobId, hash);
          const terminal = event.type === 'completed';
          return writer.append({ event, hash }, { id: jobId, status: terminal ? 'completed' : 'running', lastSeq: seq, lastHash: hash, epoch: 1, ...(terminal && { finishedAt: event.at }) });
        };
        // One batch (one lane, appended at once): job_poisoned's third event holds a NUL, which jsonb refuses for good.
        const outcomes = await Promise.all([
          ...range(1, 4).map((seq) => append('job_good', seq)),
          append('job_poisoned', 1),
          append('job_poisoned', 2),
          append('job_poisoned', 3, { message: 'bad \u0000 byte' }),
          append('job_poisoned', 4),
          append('job_good', 5, { type: 'completed' }),
        ]);
        await writer.close();

        assert.deepEqual(outcomes.slice(0, 6), Array(6).fill('stored'));
        const replaced = outcomes[6] as { replacedBy: JobEvent[] };
        assert.deepEqual(replaced.replacedBy.map((e) => [e.seq, e.type]), [[3, 'warning'], [4, 'failed']]);
        assert.deepEqual(outcomes.slice(7), ['dropped', 'stored']);
        assert.deepEqual(quarantined, ['job_poisoned/3']);

        const good = await jobs.get('job_good');
        assert.deepEqual([good?.status, good?.lastSeq], ['completed', 5]);
        const poisoned = await jobs.get('job_poisoned');
        assert.equal(poisoned?.status, 'failed');
        assert.equal((poisoned?.error as { code: string }).code, 'store_rejected');
        assert.match((poisoned?.error as { message: string }).message, /refused event 3/);

        const chain: { seq: number; event: JobEvent; hash: string }[] = [];
        for await (const link of storedChain(handle.db, 'job_poisoned', poisoned!.lastSeq)) chain.push(link);
        assert.deepEqual(chain.map((l) => [l.seq, l.event.type, l.event.stage ?? null]), [[1, 'progress', null], [2, 'progress', null], [3, 'warning', 'quarantined'], [4, 'failed', null]]);
        let previous = '';
        for (const link of chain) {
          assert.equal(link.hash, chainHash(previous, link.event), `the chain continues over the marker at seq ${link.seq}`);
          previous = link.hash;
        }
        const kept = await handle.db.selectFrom('quarantined_events').selectAll().execute();
        assert.equal(kept.length, 1);
        assert.deepEqual([kept[0]!.job_id, kept[0]!.seq], ['job_poisoned', 3]);
        assert.equal(JSON.parse(Buffer.from(kept[0]!.bytes).toString()).message, 'bad \u0000 byte', 'the refused bytes are kept as they were');
      } finally {
        await handle.close();
        await store.dispose();
      }
    });
  });
}
