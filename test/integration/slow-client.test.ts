import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config/paths.js';
import { api, range, TENANT_KEYS, useTestBridge, type TestBridge } from '../helpers/bridge.js';
import { collect } from '../helpers/ws-client.js';

const LIMIT_BYTES = 512 * 1024;

function streamUrl(bridge: TestBridge, jobId: string, after?: number): string {
  return `${bridge.ws}/v1/jobs/${jobId}/stream?token=${TENANT_KEYS.acme}${after === undefined ? '' : `&after=${after}`}`;
}

/** Python's `websockets` with a small receive buffer, so a stall reaches the server's send buffer at once. */
function stalledClient(url: string, stallS: number): Promise<{ seqs: number[]; code: number; reason: string }> {
  const script = join(PROJECT_ROOT, 'test', 'helpers', 'stalled_client.py');
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/python3', [script, url, String(stallS)], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`stalled client failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

/** Progress as fast as the solver can report, each with a 20 000-vertex cut: megabytes a second. */
function maxCutEdges(n: number): number[][] {
  return range(0, n - 1).map((i) => [i, (i + 1) % n, 1 + (i % 7)]);
}

describe('a subscriber too slow for the live stream', () => {
  const suite = useTestBridge('postgres', {
    configure: (config) => {
      config.limits.maxWsBackpressureBytes = LIMIT_BYTES;
      config.solver.progressIntervalMs = 1;
    },
  });

  test('is closed with 4008 and the reason, resumes with ?after= without loss, and the others get everything', async () => {
    const { bridge } = suite;
    const submitted = await api(bridge.http, 'POST', '/v1/optimize/maxcut', { key: TENANT_KEYS.acme, body: { edges: maxCutEdges(20_000), time_limit_s: 12, seed: 2 } });
    const jobId = submitted.body.job_id as string;
    // The stalled client starts at the live point: one that asked for history would still be catching up when it
    // stalls (on a busy machine Python starts late), and catch-up waits for a reader rather than closing it.
    const [slow, steady] = await Promise.all([stalledClient(streamUrl(bridge, jobId), 8), collect(streamUrl(bridge, jobId, 0))]);

    assert.equal(slow.code, 4008, `closed with ${slow.code} ${slow.reason}`);
    assert.match(slow.reason, /slow consumer: over 524288 bytes unsent/);
    // Resumed as the doc's clients reconnect: from the last seq seen, until the terminal message.
    const seen = [...slow.seqs];
    for (let last: any; last?.type !== 'completed'; ) {
      const rest = await collect(streamUrl(bridge, jobId, seen.at(-1) ?? 0));
      seen.push(...rest.messages.map((m) => m.x_bridge.seq));
      last = rest.messages.at(-1);
    }
    const lastSeq = seen.at(-1)!;
    assert.deepEqual(seen, range(seen[0]!, lastSeq), 'every event exactly once, in order, across the close and the resume');

    assert.equal(steady.closeCode, 1000);
    assert.deepEqual(steady.messages.map((m) => m.x_bridge.seq), range(1, lastSeq), 'a client that keeps up is not affected');
  });
});

describe('a subscriber still behind when its job ends', () => {
  const suite = useTestBridge('postgres', { configure: (config) => void (config.solver.progressIntervalMs = 1) });

  test('gets every event, the terminal one included, before the close', async () => {
    const { bridge } = suite;
    const submitted = await api(bridge.http, 'POST', '/v1/optimize/maxcut', { key: TENANT_KEYS.acme, body: { edges: maxCutEdges(20_000), time_limit_s: 4, seed: 3 } });
    const jobId = submitted.body.job_id as string;
    // Stalled past the job's end, with megabytes unsent: more than the kernel's buffers hold, less than the limit.
    const slow = await stalledClient(streamUrl(bridge, jobId), 9);
    const stored = await api(bridge.http, 'GET', `/bridge/v1/jobs/${jobId}`, { key: TENANT_KEYS.acme });
    assert.equal(slow.code, 1000, `closed with ${slow.code} ${slow.reason}`);
    assert.deepEqual(slow.seqs, range(slow.seqs[0]!, stored.body.lastSeq), 'every event from the live point to the end');
  });
});
