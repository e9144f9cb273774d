import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { encodeNerox } from '../../adapters/nerox/encode.js';
import { canonicalJson } from '../../src/core/canonical.js';
import type { JobEvent } from '../../src/core/event.js';
import { STORE_PAGE } from '../../src/server/feed.js';
import { migrateDown, migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/store/database.js';
import { chainHash, chainLink } from '../../src/store/event-chain.js';
import { EventStore, type StoredEvent } from '../../src/store/event-store.js';
import { JobRepository } from '../../src/store/job-repository.js';
import { TenantRepository } from '../../src/store/tenant-repository.js';
import { api, openTestStore, startTestBridge, STORES, TENANT_KEYS } from '../helpers/bridge.js';
import { range } from './providers-support.js';

const JOB = 'job_canonical';
/** Recorded before migration 0005 kept canonical bytes: the first page mixes them with events recorded after. */
const BEFORE = STORE_PAGE - 500;
const EVENTS = 2 * STORE_PAGE + 600;

/** Keys out of order, awkward text and numbers whose shortest form JSON and jsonb spell differently. */
function event(seq: number): JobEvent {
  const numbers = [1e21, 0.1 + 0.2, 5e-324, -0, 123456789.125, -1.5e-7];
  const base = {
    type: 'progress', seq, jobId: JOB, at: new Date(1_700_000_000_000 + seq).toISOString(), iteration: seq,
    objective: numbers[seq % numbers.length]!, message: 'tab\t "quoted" \\ ünïcødé ✓ \u2028 😀',
  } as const;
  if (seq % 3 === 0) return base;
  if (seq % 3 === 1) return { ...base, source: { provider: 'nerox' } };
  return {
    ...base,
    bestSolution: [seq, 0.5, -1],
    source: { provider: 'nerox', raw: { zeta: [{ b: 1, a: [2, { d: null, c: 'x' }] }], alpha: seq / 7, nested: { y: true, x: false } } },
  };
}

async function append(handle: DatabaseHandle, seqs: number[], previousHash: string, kept: boolean, retry: boolean): Promise<string> {
  let hash = previousHash;
  const events: StoredEvent[] = seqs.map((seq) => {
    // Through the ingest's chainLink (bytes handed over) or with the hash alone (the store serialises them itself).
    const stored = kept ? chainLink(hash, event(seq)) : { event: event(seq), hash: chainHash(hash, event(seq)) };
    hash = stored.hash;
    return stored;
  });
  const last = seqs[seqs.length - 1]!;
  const status = last === EVENTS ? 'completed' : 'running';
  await new EventStore(handle.db, handle.copyPool).append({ events, jobs: [{ id: JOB, status, lastSeq: last, lastHash: hash }] }, { retry });
  return hash;
}

async function exported(http: string, after = 0): Promise<string> {
  const response = await fetch(`${http}/bridge/v1/jobs/${JOB}/events?format=ndjson&after=${after}`, { headers: { authorization: `Bearer ${TENANT_KEYS.acme}` } });
  assert.equal(response.status, 200);
  return response.text();
}

const lines = (seqs: number[]) => seqs.map((seq) => `${canonicalJson(event(seq))}\n`).join('');

for (const kind of STORES) {
  describe(`canonical export of events recorded before and after migration 0005 (${kind})`, () => {
    test('every line is the canonical JSON of its event, byte for byte, and replay reads the same events; a missing seq stops both', async () => {
      const store = await openTestStore(kind);
      const handle = await openDatabase({ databaseUrl: store.env.DATABASE_URL ?? null, dataDir: store.env.BRIDGE_DATA_DIR ?? '' });
      let closed = false;
      try {
        await migrateToLatest(handle.db);
        await new TenantRepository(handle.db).addKey('acme', TENANT_KEYS.acme, 'test');
        const now = new Date().toISOString();
        await new JobRepository(handle.db).create({
          id: JOB, tenantId: 'acme', provider: 'nerox', kind: 'tsp', status: 'running', problem: { kind: 'tsp', distances: [] }, params: {},
          upstreamId: null, lastSeq: 0, result: null, error: null, device: null, gpuSeconds: null, createdAt: now, updatedAt: now, finishedAt: null,
        });
        let hash = await append(handle, range(1, BEFORE), '', true, false);
        // Down and up again: the column is gone and comes back empty, as for a job recorded before the migration.
        await migrateDown(handle.db);
        await migrateToLatest(handle.db);
        const empty = await sql<{ n: number }>`select count(*)::int as n from events where canonical is not null`.execute(handle.db);
        assert.equal(empty.rows[0]!.n, 0);
        // After: first attempts (COPY on Postgres) and retries (the insert), with the bytes handed over or not.
        hash = await append(handle, range(BEFORE + 1, STORE_PAGE + 300), hash, true, false);
        hash = await append(handle, range(STORE_PAGE + 301, 2 * STORE_PAGE), hash, false, true);
        await append(handle, range(2 * STORE_PAGE + 1, EVENTS), hash, true, false);
        const kept = await sql<{ n: number }>`select count(*)::int as n from events where canonical is not null`.execute(handle.db);
        assert.equal(kept.rows[0]!.n, EVENTS - BEFORE);
        await handle.close();
        closed = true;

        const bridge = await startTestBridge(store);
        try {
          assert.equal(await exported(bridge.http), lines(range(1, EVENTS)));
          assert.equal(await exported(bridge.http, BEFORE + 7), lines(range(BEFORE + 8, EVENTS)));
          const audit = await api(bridge.http, 'GET', `/bridge/v1/jobs/${JOB}/audit`, { key: TENANT_KEYS.acme });
          assert.equal(audit.body.intact, true);
          // Replay and the dialects read parsed pages, from the kept bytes where a page has them all: the same events.
          const sorted = (seq: number): JobEvent => JSON.parse(canonicalJson(event(seq)));
          const nerox = await fetch(`${bridge.http}/bridge/v1/jobs/${JOB}/events?format=ndjson&dialect=nerox`, { headers: { authorization: `Bearer ${TENANT_KEYS.acme}` } });
          assert.equal(await nerox.text(), range(1, EVENTS).map((seq) => `${encodeNerox(sorted(seq))}\n`).join(''));
          for (const after of [0, BEFORE - 10, STORE_PAGE]) {
            const page = await api(bridge.http, 'GET', `/bridge/v1/jobs/${JOB}/events?after=${after}&limit=1000`, { key: TENANT_KEYS.acme });
            assert.deepEqual(page.body.events.map((e: JobEvent) => JSON.stringify(e)), range(after + 1, after + 1000).map((seq) => canonicalJson(event(seq))));
          }

          await sql`delete from events where job_id = ${JOB} and seq = ${STORE_PAGE + 100}`.execute(bridge.bridge.database.db);
          assert.equal(await exported(bridge.http), lines(range(1, STORE_PAGE + 99)));
          const stopped = await api(bridge.http, 'GET', `/bridge/v1/jobs/${JOB}/events?after=${STORE_PAGE}&limit=1000`, { key: TENANT_KEYS.acme });
          assert.deepEqual(stopped.body.events.map((e: JobEvent) => e.seq), range(STORE_PAGE + 1, STORE_PAGE + 99));
        } finally {
          await bridge.close();
        }
      } finally {
        if (!closed) await handle.close();
        await store.dispose();
      }
    });
  });
}
