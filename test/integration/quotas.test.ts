import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, range, TENANT_KEYS, useTestBridge, type TestBridge } from '../helpers/bridge.js';
import { PRODUCTION_PLANNING } from '../helpers/doc-messages.js';
import { waitFor } from '../helpers/wait.js';

/** Big enough to run for its whole time limit rather than converge at once. */
const TSP = { coordinates: range(0, 59).map((i) => [Math.cos(i) * 100 + i, Math.sin(i * 3) * 100]), time_limit_s: 30, solver: 'cpu' };

async function post(bridge: TestBridge, path: string, body: unknown, key: string = TENANT_KEYS.acme): Promise<{ status: number; retryAfter: string | null; body: any }> {
  const response = await fetch(bridge.http + path, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: JSON.stringify(body) });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
}

describe('per-tenant submission rate', () => {
  const suite = useTestBridge('postgres', { configure: (config) => (config.limits.submissionsPerMinute = 2) });

  test("past it, a 429 with Retry-After in the dialect's error shape; other tenants are not affected", async () => {
    const accepted = [await post(suite.bridge, '/v1/optimize/tsp', TSP), await post(suite.bridge, '/api/v2/solve/async', PRODUCTION_PLANNING)];
    assert.deepEqual(accepted.map((r) => r.status), [202, 202]);
    const nerox = await post(suite.bridge, '/v1/optimize/tsp', TSP);
    assert.equal(nerox.status, 429);
    assert.ok(Number(nerox.retryAfter) >= 1, `Retry-After: ${nerox.retryAfter}`);
    assert.equal(nerox.body.error.code, 'rate_limited');
    const jaot = await post(suite.bridge, '/api/v2/solve/async', PRODUCTION_PLANNING);
    assert.equal(jaot.status, 429);
    assert.match(jaot.body.detail, /submissions a minute; retry in \d+ s/);
    assert.equal((await post(suite.bridge, '/v1/optimize/tsp', TSP, TENANT_KEYS.globex)).status, 202);
    for (const { body } of accepted) await api(suite.bridge.http, 'POST', `/v1/jobs/${body.job_id ?? body.task_id}/cancel`, { key: TENANT_KEYS.acme });
  });
});

describe('built-in jobs running or queued per tenant', () => {
  const suite = useTestBridge('postgres', { configure: (config) => (config.limits.maxActiveBuiltinJobsPerTenant = 2) });

  test('past the cap, a 429 naming it; a finished job makes room', async () => {
    const first = await post(suite.bridge, '/v1/optimize/tsp', TSP);
    const second = await post(suite.bridge, '/v1/optimize/tsp', TSP);
    const third = await post(suite.bridge, '/v1/optimize/tsp', TSP);
    assert.equal(third.status, 429);
    assert.match(third.body.error.message, /2 built-in jobs already running or queued/);
    assert.equal((await post(suite.bridge, '/v1/optimize/tsp', TSP, TENANT_KEYS.globex)).status, 202, "another tenant's share is its own");
    await api(suite.bridge.http, 'POST', `/v1/jobs/${first.body.job_id}/cancel`, { key: TENANT_KEYS.acme });
    await waitFor(async () => (await api(suite.bridge.http, 'GET', `/v1/jobs/${first.body.job_id}`, { key: TENANT_KEYS.acme })).body.status === 'cancelled');
    const fourth = await post(suite.bridge, '/v1/optimize/tsp', TSP);
    assert.equal(fourth.status, 202);
    for (const job of [second, fourth]) await api(suite.bridge.http, 'POST', `/v1/jobs/${job.body.job_id}/cancel`, { key: TENANT_KEYS.acme });
  });
});

describe('stored events per job', () => {
  const suite = useTestBridge('postgres', {
    configure: (config) => {
      config.limits.maxEventsPerJob = 12;
      config.solver.progressIntervalMs = 10;
    },
  });

  test('a job that reaches the cap fails with the reason as its last stored event, and its run stops', async () => {
    const submitted = await post(suite.bridge, '/v1/optimize/tsp', { ...TSP, time_limit_s: 60 });
    const jobId = submitted.body.job_id as string;
    await waitFor(async () => (await api(suite.bridge.http, 'GET', `/v1/jobs/${jobId}`, { key: TENANT_KEYS.acme })).body.status === 'failed');
    const { events } = (await api(suite.bridge.http, 'GET', `/bridge/v1/jobs/${jobId}/events`, { key: TENANT_KEYS.acme })).body;
    assert.equal(events.length, 12);
    assert.deepEqual(events.map((e: any) => e.seq), range(1, 12));
    assert.equal(events.at(-1).type, 'failed');
    assert.equal(events.at(-1).error.code, 'event_limit');
    assert.match(events.at(-1).error.message, /limit of 12 stored events/);
    // Nothing more is recorded: the run was stopped, not left to emit into a finished job.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await api(suite.bridge.http, 'GET', `/bridge/v1/jobs/${jobId}/events`, { key: TENANT_KEYS.acme })).body.events.length, 12);
  });
});
