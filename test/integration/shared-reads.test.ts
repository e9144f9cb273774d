import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pagesAhead, PAGE_SIZE, STORE_PAGE } from '../../src/server/feed.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/store/database.js';
import { EventStore } from '../../src/store/event-store.js';
import { JobRepository } from '../../src/store/job-repository.js';
import { TenantRepository } from '../../src/store/tenant-repository.js';
import { openTestStore, STORES, type StoreHandle } from '../helpers/bridge.js';
import { range } from './providers-support.js';

const JOB = 'job_sharedreads';
const EVENTS = 2 * STORE_PAGE + 200;

async function recordedJob(handle: DatabaseHandle): Promise<void> {
  await new TenantRepository(handle.db).addKey('acme', 'acme-key-shared-reads', 'test');
  const now = new Date().toISOString();
  await new JobRepository(handle.db).create({
    id: JOB, tenantId: 'acme', provider: 'builtin', kind: 'tsp', status: 'completed', problem: { kind: 'tsp', distances: [] },
    params: {}, upstreamId: null, lastSeq: 0, result: null, error: null, device: null, gpuSeconds: null,
    createdAt: now, updatedAt: now, finishedAt: null,
  });
  const events = range(1, EVENTS).map((seq) => ({
    event: {
      jobId: JOB, seq, type: 'progress' as const, at: new Date(seq).toISOString(), iteration: seq, bestSolution: [seq, 0, 1],
      source: { provider: 'nerox', raw: { iteration: seq, zeta: 1, alpha: { b: 2, a: 1 } } },
    },
    hash: `h${seq}`,
  }));
  await new EventStore(handle.db).append({ events, jobs: [{ id: JOB, status: 'completed', lastSeq: EVENTS, lastHash: `h${EVENTS}` }] });
}

for (const kind of STORES) {
  describe(`shared store reads on ${kind}`, () => {
    let storeHandle: StoreHandle;
    let handle: DatabaseHandle;
    let store: EventStore;

    before(async () => {
      storeHandle = await openTestStore(kind);
      handle = await openDatabase({ databaseUrl: storeHandle.env.DATABASE_URL ?? null, dataDir: storeHandle.env.BRIDGE_DATA_DIR ?? '' });
      await migrateToLatest(handle.db);
      await recordedJob(handle);
      store = new EventStore(handle.db);
    });

    after(async () => {
      await handle.close();
      await storeHandle.dispose();
    });

    test('two readers of the same page at once are served by one read, and get the same events', async () => {
      const before = store.queries;
      const [a, b] = await Promise.all([store.read(JOB, 100, PAGE_SIZE, { withRaw: false }), store.read(JOB, 100, PAGE_SIZE, { withRaw: false })]);
      assert.equal(store.queries - before, 1);
      assert.equal(a, b);
      assert.deepEqual(a.map((e) => e.seq), range(101, 100 + PAGE_SIZE));
    });

    test('only reads in flight are shared: a later reader, another position or another form reads again', async () => {
      const before = store.queries;
      const first = await store.read(JOB, 0, PAGE_SIZE);
      const again = await store.read(JOB, 0, PAGE_SIZE);
      await Promise.all([store.read(JOB, 1, PAGE_SIZE), store.read(JOB, 0, PAGE_SIZE - 1), store.read(JOB, 0, PAGE_SIZE, { withRaw: false })]);
      assert.equal(store.queries - before, 5);
      assert.notEqual(first, again);
      assert.deepEqual(first, again);
    });

    test('two sockets catching up side by side from the same seq share every page, read ahead', async () => {
      const readAll = async (readers: AsyncGenerator<readonly { seq: number }[]>[]): Promise<{ reads: number; seen: number[][] }> => {
        const before = store.queries;
        const seen: number[][] = readers.map(() => []);
        for (;;) {
          const pages = await Promise.all(readers.map((reader) => reader.next()));
          if (pages.every((page) => page.done)) return { reads: store.queries - before, seen };
          for (const page of pages) assert.equal(page.value, pages[0]!.value, 'the same page object: one read, one encoding');
          for (const [i, page] of pages.entries()) seen[i]!.push(...(page.value ?? []).map((event: { seq: number }) => event.seq));
        }
      };
      // From different seqs: a read the lone reader left in flight past its last page must not serve the pair.
      const alone = await readAll([pagesAhead(store, JOB, 0)]);
      const together = await readAll([pagesAhead(store, JOB, 100), pagesAhead(store, JOB, 100)]);
      assert.ok(alone.reads >= Math.ceil(EVENTS / STORE_PAGE));
      assert.equal(together.reads, alone.reads, 'two readers cost the store what one does');
      assert.deepEqual(together.seen, [range(101, EVENTS), range(101, EVENTS)]);
    });

    test('a storm of sockets opening on one job asks for its latest event once', async () => {
      const before = store.queries;
      const answers = await Promise.all(Array.from({ length: 20 }, () => store.latest(JOB)));
      assert.equal(store.queries - before, 1);
      assert.ok(answers.every((answer) => answer === answers[0]));
      assert.equal(answers[0]!.seq, EVENTS);
    });

    test('events read back are as the live event was: keys sorted at every depth, raw upstream message back under source', async () => {
      const [event] = await store.read(JOB, 0, 1);
      assert.deepEqual(Object.keys(event!), ['at', 'bestSolution', 'iteration', 'jobId', 'seq', 'source', 'type']);
      assert.deepEqual(event!.source, { provider: 'nerox', raw: { alpha: { a: 1, b: 2 }, iteration: 1, zeta: 1 } });
      assert.deepEqual(Object.keys((event!.source!.raw as { alpha: object }).alpha), ['a', 'b']);
      const [bare] = await store.read(JOB, 0, 1, { withRaw: false });
      assert.deepEqual(bare!.source, { provider: 'nerox' });
    });
  });
}
