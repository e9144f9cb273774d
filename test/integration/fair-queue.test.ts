import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { api, range, TENANT_KEYS, useTestBridge, type TestBridge } from '../helpers/bridge.js';
import { waitFor } from '../helpers/wait.js';

const EDGES = [[0, 1], [1, 2], [2, 0]];

async function submit(bridge: TestBridge, key: string, timeLimitS: number): Promise<string> {
  const response = await api(bridge.http, 'POST', '/v1/optimize/maxcut', { key, body: { edges: EDGES, time_limit_s: timeLimitS, solver: 'cpu' } });
  assert.equal(response.status, 202, JSON.stringify(response.body));
  return response.body.job_id;
}

const statusOf = async (bridge: TestBridge, key: string, jobId: string): Promise<string> => (await api(bridge.http, 'GET', `/v1/jobs/${jobId}`, { key })).body.status;

describe("the built-in solver's queue between tenants", () => {
  const suite = useTestBridge('postgres');

  test("tenant A's 200 queued jobs do not stop tenant B's job from starting next", async () => {
    const { bridge } = suite;
    // Long enough that no thread frees up by itself while the queue fills: the test frees one when B is waiting.
    const busy = await Promise.all(range(1, availableParallelism()).map(() => submit(bridge, TENANT_KEYS.acme, 600)));
    await waitFor(async () => (await Promise.all(busy.map((id) => statusOf(bridge, TENANT_KEYS.acme, id)))).every((s) => s === 'running'));
    const queued: string[] = [];
    for (let i = 0; i < 200; i++) queued.push(await submit(bridge, TENANT_KEYS.acme, 1));
    const other = await submit(bridge, TENANT_KEYS.globex, 1);
    await api(bridge.http, 'POST', `/v1/jobs/${busy[0]}/cancel`, { key: TENANT_KEYS.acme });

    await waitFor(async () => (await statusOf(bridge, TENANT_KEYS.globex, other)) !== 'queued');
    const aheadOfB = (await Promise.all(queued.map((id) => statusOf(bridge, TENANT_KEYS.acme, id)))).filter((s) => s !== 'queued');
    assert.deepEqual(aheadOfB, [], "none of A's queued jobs started before B's");

    for (const id of [...busy, ...queued]) await api(bridge.http, 'POST', `/v1/jobs/${id}/cancel`, { key: TENANT_KEYS.acme });
  });
});
