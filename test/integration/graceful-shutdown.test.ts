import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, range, TENANT_KEYS } from '../helpers/bridge.js';
import { startBridgeProcess, type BridgeProcess } from '../helpers/bridge-process.js';
import { freshPostgresDatabase } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';
import { STREAM_DIALECTS, watchSeqs, type SeqWatcher, type StreamDialect } from '../helpers/seq-watcher.js';

const KEY = TENANT_KEYS.acme;
const DIALECTS = STREAM_DIALECTS;
const watch = (bridge: BridgeProcess, dialect: StreamDialect, jobId: string, after: number): SeqWatcher => watchSeqs(bridge.ws, dialect, jobId, after);

describe('SIGTERM: a graceful shutdown', () => {
  let database: { url: string; drop: () => Promise<void> };
  const env = (): Record<string, string> => ({ DATABASE_URL: database.url, SOLVER_DEVICE: 'cpu', BRIDGE_SHUTDOWN_TIMEOUT_S: '10' });

  before(async () => {
    database = await freshPostgresDatabase();
  });

  after(async () => {
    await database.drop();
  });

  test('closes every socket with 1001, exits in time, and a restart resumes the job for clients that reconnect', async () => {
    const first = await startBridgeProcess(env());
    const coordinates = range(0, 29).map((i) => [Math.cos(i) * 100 + i, Math.sin(i * 2) * 100]);
    const submitted = await api(first.http, 'POST', '/v1/optimize/tsp', { key: KEY, body: { coordinates, time_limit_s: 60, seed: 1 } });
    const jobId = submitted.body.job_id as string;
    const watchers = DIALECTS.map((dialect) => watch(first, dialect, jobId, 0));
    await waitFor(() => watchers.every((w) => w.seqs.length >= 2));

    first.child.kill('SIGTERM');
    const closes = await Promise.all(watchers.map((w) => w.closed));
    for (const [i, { code, reason }] of closes.entries()) {
      assert.equal(code, 1001, `${DIALECTS[i]} got ${code}`);
      assert.match(reason, /shutting down; reconnect with your last seq/);
    }
    assert.equal(await first.exited, 0, `exits by itself within BRIDGE_SHUTDOWN_TIMEOUT_S:\n${first.output()}`);

    const second = await startBridgeProcess(env());
    try {
      const resumed = watchers.map((w) => watch(second, w.dialect, jobId, w.seqs.at(-1)!));
      await waitFor(() => resumed.every((w) => w.seqs.length >= 1));
      assert.equal((await api(second.http, 'POST', `/v1/jobs/${jobId}/cancel`, { key: KEY })).status, 202);
      await Promise.all(resumed.map((w) => w.closed));
      const stored = (await api(second.http, 'GET', `/bridge/v1/jobs/${jobId}/events?limit=1000`, { key: KEY })).body.events;
      const lastSeq: number = stored.at(-1).seq;
      assert.equal(stored.at(-1).type, 'cancelled');
      assert.ok(stored.some((e: any) => e.type === 'started' && /restart/.test(e.message)), 'the job resumed on the new process');
      for (const [i, dialect] of DIALECTS.entries()) {
        const seen = [...watchers[i]!.seqs, ...resumed[i]!.seqs];
        // JAOT has no resume: its client joins the live point, so only the others can show every seq.
        if (dialect === 'jaot') assert.equal(seen.at(-1), lastSeq, dialect);
        else assert.deepEqual(seen, range(1, lastSeq), `${dialect}: every event once, across the shutdown`);
      }
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});
