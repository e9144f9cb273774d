import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { sql } from 'kysely';
import { api, openTestStore, startTestBridge, STORES, TENANT_KEYS, type StoreHandle, type TestBridge } from '../helpers/bridge.js';
import { collect, tourLength, type Collected } from '../helpers/ws-client.js';

const CLIENTS = 100;

function cities(n: number, seed: number): [number, number][] {
  let state = seed;
  const next = (): number => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 100;
  return Array.from({ length: n }, () => [next(), next()]);
}

function seqOf(message: any): number {
  return message.x_bridge.seq;
}

for (const storeKind of STORES) {
  describe(`foundation on ${storeKind}`, () => {
    let store: StoreHandle;
    let bridge: TestBridge;
    const spans = new InMemorySpanExporter();

    before(async () => {
      store = await openTestStore(storeKind);
      bridge = await startTestBridge(store, { spanProcessors: [new SimpleSpanProcessor(spans)] });
    });

    after(async () => {
      await bridge.close();
      await store.dispose();
    });

    test('a 30-city job streams every event, in order, exactly once, to 100 clients; recorded once; one trace', async () => {
      const points = cities(30, 7);
      const submitted = await api(bridge.http, 'POST', '/v1/optimize/tsp', {
        key: TENANT_KEYS.acme,
        body: { coordinates: points, time_limit_s: 2, seed: 42 },
      });
      assert.equal(submitted.status, 202);
      const jobId: string = submitted.body.job_id;
      assert.match(submitted.body.stream_url, new RegExp(`/v1/jobs/${jobId}/stream$`));

      const streamUrl = `${bridge.ws}/v1/jobs/${jobId}/stream?token=${TENANT_KEYS.acme}&after=0`;
      const clients: Promise<Collected>[] = [];
      for (let i = 0; i < CLIENTS; i++) {
        clients.push(collect(streamUrl));
        // Spread the connects over the run so some clients catch up from the store and then join live.
        if (i % 25 === 24) await new Promise((resolve) => setTimeout(resolve, 300));
      }
      const results = await Promise.all(clients);

      const stored = await api(bridge.http, 'GET', `/bridge/v1/jobs/${jobId}/events`, { key: TENANT_KEYS.acme });
      const events: any[] = stored.body.events;
      const lastSeq = events.length;
      assert.ok(lastSeq >= 5, `expected several progress events, got ${lastSeq}`);
      assert.deepEqual(events.map((e) => e.seq), Array.from({ length: lastSeq }, (_, i) => i + 1));

      for (const [i, result] of results.entries()) {
        assert.equal(result.closeCode, 1000, `client ${i} closed with ${result.closeCode}`);
        assert.deepEqual(result.messages.map(seqOf), Array.from({ length: lastSeq }, (_, k) => k + 1), `client ${i}`);
        assert.equal(new Set(result.texts).size, result.texts.length, `client ${i} got a duplicate`);
      }
      const progress = results[0]!.messages.filter((m) => m.type === 'progress');
      assert.ok(progress.length >= 3);
      for (const message of progress) {
        assert.equal(typeof message.iteration, 'number');
        assert.equal(typeof message.energy, 'number');
        assert.equal(typeof message.best_energy, 'number');
        assert.equal(typeof message.temperature, 'number');
        assert.equal(message.best_solution.length, 30);
        assert.ok(!Number.isNaN(Date.parse(message.timestamp)));
      }

      const completed = results[0]!.messages.at(-1);
      assert.equal(completed.type, 'completed');
      const tour: number[] = completed.result.solution;
      assert.deepEqual([...tour].sort((a, b) => a - b), Array.from({ length: 30 }, (_, i) => i));
      const distances = points.map(([x1, y1]) => points.map(([x2, y2]) => Math.hypot(x1 - x2, y1 - y2)));
      assert.ok(Math.abs(completed.result.objective - tourLength(distances, tour)) < 1e-6);
      assert.equal(typeof completed.result.runtime_s, 'number');
      assert.equal(typeof completed.result.gpu_seconds, 'number');

      const db = bridge.bridge.database.db;
      const counts = await sql<{ n: number; distinct_seqs: number; max_seq: number }>`
        select count(*)::int as n, count(distinct seq)::int as distinct_seqs, max(seq) as max_seq
        from events where job_id = ${jobId}`.execute(db);
      assert.deepEqual(counts.rows[0], { n: lastSeq, distinct_seqs: lastSeq, max_seq: lastSeq });
      assert.equal(events.filter((e) => e.type === 'started').length, 1);

      const job = await api(bridge.http, 'GET', `/v1/jobs/${jobId}`, { key: TENANT_KEYS.acme });
      assert.equal(job.body.status, 'completed');
      assert.deepEqual(job.body.result.solution, tour);

      const finished = spans.getFinishedSpans();
      const solverRuns = finished.filter((s) => s.name === 'solver run');
      assert.equal(solverRuns.length, 1, 'the solver ran once for 100 watchers');
      const submit = finished.find((s) => s.name === 'job submit');
      assert.ok(submit);
      const traceId = submit.spanContext().traceId;
      const publishes = finished.filter((s) => s.name === 'hub publish');
      assert.equal(publishes.length, lastSeq);
      for (const span of [...solverRuns, ...publishes, ...finished.filter((s) => s.name === 'ingest event')]) {
        assert.equal(span.spanContext().traceId, traceId, `${span.name} is outside the submit trace`);
      }
      assert.ok(finished.some((s) => s.name === 'store flush' && s.spanContext().traceId === traceId));
      assert.ok(finished.some((s) => s.name === 'POST /v1/optimize/tsp' && s.spanContext().traceId === traceId));
    });

    test('a slow replay whose client leaves stops: its wait and its store cursor end with the socket', async () => {
      const submitted = await api(bridge.http, 'POST', '/v1/optimize/tsp', { key: TENANT_KEYS.acme, body: { coordinates: cities(12, 3), time_limit_s: 0.6 } });
      const jobId: string = submitted.body.job_id;
      await collect(`${bridge.ws}/v1/jobs/${jobId}/stream?token=${TENANT_KEYS.acme}&after=0`);
      const replays = (): number => spans.getFinishedSpans().filter((s) => s.name === 'replay').length;
      const before = replays();
      const url = `${bridge.ws}/v1/jobs/${jobId}/stream?token=${TENANT_KEYS.acme}&replay=1&speed=0.01`;
      const sockets = await Promise.all(
        Array.from({ length: 5 }, () => new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(url);
          ws.once('message', () => resolve(ws));
          ws.once('error', reject);
        })),
      );
      for (const ws of sockets) ws.close();
      // At a hundredth of real time the next event is most of a minute away: only a replay that notices its socket is gone ends sooner.
      for (let waited = 0; replays() < before + 5 && waited < 5_000; waited += 50) await sleep(50);
      assert.equal(replays(), before + 5);
    });
  });
}
