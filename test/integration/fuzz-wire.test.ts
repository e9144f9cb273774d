import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import WebSocket from 'ws';
import { range, submitTsp, TENANT_KEYS, useTestBridge, type TestBridge } from '../helpers/bridge.js';
import { collect } from '../helpers/ws-client.js';

/** Seeded and bounded for CI; `npm run fuzz` runs far more (FUZZ_RUNS). */
const RUNS = Math.min(Number(process.env.FUZZ_RUNS ?? 60), 5_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);

const bodies = fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.anything().map((v) => String(v)));
const frames = fc.oneof(fc.string({ maxLength: 200 }), fc.jsonValue().map((v) => JSON.stringify(v)), fc.constantFrom('ping', '{"type":"ping"}', '{"type":"subscribe"}'));

/** What each dialect's refusal looks like, so a fuzzed request can be checked to be answered in its own words. */
const CREATE_ROUTES: [string, (body: any) => boolean][] = [
  ['/v1/optimize/tsp', (b) => typeof b?.error?.message === 'string'],
  ['/v1/optimize/qubo', (b) => typeof b?.error?.message === 'string'],
  ['/v1/optimize/maxcut', (b) => typeof b?.error?.message === 'string'],
  ['/api/v2/solve/async', (b) => typeof b?.detail === 'string'],
  ['/api/v1/campaigns', (b) => typeof b?.error?.message === 'string'],
  ['/api/optimization/jobs', (b) => typeof b?.error === 'string'],
];

function socketUrl(bridge: TestBridge, dialect: number, jobId: string): string {
  const token = `token=${TENANT_KEYS.acme}`;
  return [
    `${bridge.ws}/v1/jobs/${jobId}/stream?${token}&after=0`,
    `${bridge.ws}/api/v2/ws/executions/${jobId}?${token}`,
    `${bridge.ws}/api/v1/ws/campaigns/${jobId}?${token}&after=0`,
    `${bridge.ws}/ws/optimization?${token}`,
  ][dialect]!;
}

describe('fuzzed requests and frames against a running bridge', () => {
  const suite = useTestBridge('postgres');

  test('every create route answers a fuzzed body with a refusal in its own error shape, never a server error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CREATE_ROUTES), bodies, async ([path, isDialectError], body) => {
        const response = await fetch(suite.bridge.http + path, { method: 'POST', headers: { authorization: `Bearer ${TENANT_KEYS.acme}` }, body });
        const text = await response.text();
        // Campaigns and prompt jobs go to vendors this bridge has no keys for: that 503 names the settings.
        const unconfigured = response.status === 503 && /is not configured: set [A-Z]+_URL and [A-Z]+_API_KEY/.test(text);
        assert.ok(response.status < 500 || unconfigured, `${path} answered ${response.status}: ${text}`);
        if (response.status >= 400) assert.ok(isDialectError(JSON.parse(text)), `${path}: ${text}`);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  test('fuzzed frames on every dialect socket get errors or nothing; a watching client gets every event once, in order', async () => {
    const jobId = await submitTsp(suite.bridge, 3, 7);
    const watcher = collect(socketUrl(suite.bridge, 0, jobId));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.array(frames, { minLength: 1, maxLength: 5 }), async (dialect, sent) => {
        const ws = new WebSocket(socketUrl(suite.bridge, dialect, jobId));
        await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
        for (const frame of sent) ws.send(frame);
        await new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          setTimeout(() => {
            ws.close();
          }, 20);
        });
      }),
      { numRuns: RUNS, seed: SEED },
    );
    const watched = await watcher;
    const seqs = watched.messages.map((m) => m.x_bridge.seq);
    assert.deepEqual(seqs, range(1, seqs.length));
    assert.equal(watched.messages.at(-1).type, 'completed');
    assert.equal((await fetch(`${suite.bridge.http}/healthz`)).status, 200);
  });
});
