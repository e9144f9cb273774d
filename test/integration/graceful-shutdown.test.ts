import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { api, range, TENANT_KEYS } from '../helpers/bridge.js';
import { startBridgeProcess, type BridgeProcess } from '../helpers/bridge-process.js';
import { freshPostgresDatabase } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';

const KEY = TENANT_KEYS.acme;

/** One client per dialect, each tracking the last seq it saw, the way its doc's client resumes. */
interface Watcher {
  dialect: string;
  seqs: number[];
  closed: Promise<{ code: number; reason: string }>;
}

function watch(bridge: BridgeProcess, dialect: string, jobId: string, after: number): Watcher {
  const urls: Record<string, string> = {
    nerox: `${bridge.ws}/v1/jobs/${jobId}/stream?token=${KEY}&after=${after}`,
    jaot: `${bridge.ws}/api/v2/ws/executions/${jobId}?token=${KEY}`,
    matcraft: `${bridge.ws}/api/v1/ws/campaigns/${jobId}?token=${KEY}&after=${after}`,
    mutagent: `${bridge.ws}/ws/optimization?token=${KEY}`,
  };
  const ws = new WebSocket(urls[dialect]!);
  const watcher: Watcher = {
    dialect,
    seqs: [],
    closed: new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
  };
  ws.on('open', () => dialect === 'mutagent' && ws.send(JSON.stringify({ type: 'subscribe', jobId, afterEventId: after })));
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    const events = message.type === 'event' ? [message.event] : message.type === 'replay' ? message.data : [];
    if (dialect === 'mutagent') watcher.seqs.push(...events.map((e: any) => e.id));
    else if (message.x_bridge?.seq ?? message.data?.x_bridge?.seq) watcher.seqs.push(message.x_bridge?.seq ?? message.data.x_bridge.seq);
    const terminal = ['job_completed', 'job_failed', 'job_cancelled'];
    if (dialect === 'mutagent' && events.some((e: any) => terminal.includes(e.eventType))) ws.close();
  });
  return watcher;
}

const DIALECTS = ['nerox', 'jaot', 'matcraft', 'mutagent'];

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
