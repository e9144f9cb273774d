import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { api, TENANT_KEYS, useTestBridge, type TestBridge } from '../helpers/bridge.js';
import { probeDevice } from '../../src/solver/gpu/adapter-probe.js';
import { collect } from '../helpers/ws-client.js';

const SQUARE = [[0, 0], [3, 0], [3, 4], [0, 4]];

async function submit(bridge: TestBridge, kind: string, body: unknown): Promise<string> {
  const response = await api(bridge.http, 'POST', `/v1/optimize/${kind}`, { key: TENANT_KEYS.acme, body });
  assert.equal(response.status, 202, JSON.stringify(response.body));
  return response.body.job_id;
}

const stream = (bridge: TestBridge, jobId: string) => `${bridge.ws}/v1/jobs/${jobId}/stream?token=${TENANT_KEYS.acme}&after=0`;

describe('built-in solver jobs through the bridge', () => {
  const suite = useTestBridge('postgres');

  test('a target energy stops the job as soon as it is reached, long before its time limit', async () => {
    const jobId = await submit(suite.bridge, 'tsp', { coordinates: SQUARE, time_limit_s: 600, target_energy: 14 });
    const watched = await collect(stream(suite.bridge, jobId));
    const completed = watched.messages.at(-1);
    assert.equal(completed.type, 'completed');
    assert.equal(completed.result.objective, 14);
    assert.equal(completed.x_bridge.result.status, 'target_reached');
  });

  test('cancel ends a running job within one progress interval, with the best solution so far', async () => {
    const coordinates = Array.from({ length: 60 }, (_, i) => [Math.cos(i * 1.7) * 50 + i, Math.sin(i * 0.9) * 50]);
    const jobId = await submit(suite.bridge, 'tsp', { coordinates, time_limit_s: 600 });
    let cancelAt = -1;
    const watched = await collect(stream(suite.bridge, jobId), {
      onMessage: (message: any) => {
        if (message.type === 'progress' && cancelAt < 0 && message.x_bridge.seq >= 3) {
          cancelAt = message.x_bridge.seq;
          void api(suite.bridge.http, 'POST', `/v1/jobs/${jobId}/cancel`, { key: TENANT_KEYS.acme }).then((r) => assert.equal(r.status, 202));
        }
      },
    });
    const last = watched.messages.at(-1);
    assert.equal(last.type, 'cancelled');
    const progressAfterCancel = watched.messages.filter((m) => m.type === 'progress' && m.x_bridge.seq > cancelAt);
    assert.ok(progressAfterCancel.length <= 2, `${progressAfterCancel.length} progress events after the cancel request`);
    assert.equal(last.x_bridge.result.solution.length, 60);
    const job = await api(suite.bridge.http, 'GET', `/v1/jobs/${jobId}`, { key: TENANT_KEYS.acme });
    assert.equal(job.body.status, 'cancelled');
  });

  test('solver "gpu" runs QUBO and Max-Cut on the WebGPU adapter, whatever it is, and records the device and GPU time', async () => {
    const qubo = await submit(suite.bridge, 'qubo', { Q: [[-1, 2, 0], [0, -1, 2], [0, 0, -1]], time_limit_s: 0.5, seed: 1, solver: 'gpu' });
    const maxcut = await submit(suite.bridge, 'maxcut', { edges: [[0, 1], [1, 2], [2, 3], [3, 0], [0, 2]], time_limit_s: 0.5, seed: 1, solver: 'gpu' });
    const [q, m] = await Promise.all([collect(stream(suite.bridge, qubo)), collect(stream(suite.bridge, maxcut))]);
    assert.equal(q.messages.at(-1).result.objective, -2);
    assert.deepEqual(q.messages.at(-1).result.solution, [1, 0, 1]);
    assert.equal(m.messages.at(-1).result.objective, -4);
    for (const jobId of [qubo, maxcut]) {
      const job = await api(suite.bridge.http, 'GET', `/v1/jobs/${jobId}`, { key: TENANT_KEYS.acme });
      assert.match(job.body.device, /^webgpu:/);
      assert.ok(job.body.result.gpu_seconds > 0);
    }
  });

  test('by default (auto) a job runs on a hardware GPU, or on the CPU path when the only adapter is a software one; the job says which', async () => {
    const choice = await probeDevice();
    const jobId = await submit(suite.bridge, 'maxcut', { edges: [[0, 1], [1, 2], [2, 0]], time_limit_s: 0.3, seed: 1 });
    await collect(stream(suite.bridge, jobId));
    const { body } = await api(suite.bridge.http, 'GET', `/v1/jobs/${jobId}`, { key: TENANT_KEYS.acme });
    if (choice.device === 'gpu') assert.match(body.device, /^webgpu:/);
    else assert.equal(body.device, 'cpu', choice.reason);
  });

  test('an Ising job reports ±1 spins and its energy Σhᵢsᵢ + ΣJᵢⱼsᵢsⱼ', async () => {
    const jobId = await submit(suite.bridge, 'ising', { h: [0.5, 0, 0, 0], J: [[0, 1, -1], [2, 1, -1], [2, 3, -1]], time_limit_s: 0.5, seed: 1, solver: 'gpu' });
    const watched = await collect(stream(suite.bridge, jobId));
    const { result } = watched.messages.at(-1);
    assert.deepEqual(result.solution, [-1, -1, -1, -1]);
    assert.equal(result.objective, -3.5);
    for (const progress of watched.messages.filter((m: { type: string }) => m.type === 'progress')) {
      assert.ok(progress.best_solution.every((s: number) => s === -1 || s === 1));
    }
    assert.match((await api(suite.bridge.http, 'GET', `/v1/jobs/${jobId}`, { key: TENANT_KEYS.acme })).body.device, /^webgpu:/);
  });

  test('past one job per core, jobs queue for a solver thread; one cancelled while queued never runs', async () => {
    const busy = await Promise.all(
      Array.from({ length: availableParallelism() }, () => submit(suite.bridge, 'maxcut', { edges: [[0, 1], [1, 2]], time_limit_s: 2, solver: 'cpu' })),
    );
    const queued = await submit(suite.bridge, 'maxcut', { edges: [[0, 1], [1, 2]], time_limit_s: 0.3, solver: 'cpu' });
    assert.equal((await api(suite.bridge.http, 'GET', `/v1/jobs/${queued}`, { key: TENANT_KEYS.acme })).body.status, 'queued', 'a waiting job does not claim to run');
    const cancelled = await submit(suite.bridge, 'maxcut', { edges: [[0, 1], [1, 2]], time_limit_s: 0.3, solver: 'cpu' });
    assert.equal((await api(suite.bridge.http, 'POST', `/v1/jobs/${cancelled}/cancel`, { key: TENANT_KEYS.acme })).status, 202);

    const events = async (jobId: string) => (await collect(stream(suite.bridge, jobId))).messages;
    const [queuedEvents, cancelledEvents] = await Promise.all([events(queued), events(cancelled)]);
    for (const messages of [queuedEvents, cancelledEvents]) {
      assert.ok(messages.some((m: any) => m.type === 'status' && m.x_bridge.stage === 'queued'), 'the client is told the job waits');
    }
    const types = queuedEvents.map((m: any) => (m.type === 'status' ? m.x_bridge.stage : m.type));
    assert.ok(types.indexOf('queued') < types.indexOf('started'), `queued, then started: ${types.join(', ')}`);
    assert.equal(queuedEvents.at(-1).type, 'completed');
    assert.equal(queuedEvents.at(-1).result.objective, -2);
    assert.equal(cancelledEvents.at(-1).type, 'cancelled');
    assert.ok(!cancelledEvents.some((m: any) => m.type === 'progress'), 'the cancelled job never ran');
    for (const jobId of busy) assert.equal((await events(jobId)).at(-1).type, 'completed');
  });

  test('a TSP given as points is recorded as points, not as their n×n distance matrix', async () => {
    const coordinates = Array.from({ length: 1000 }, (_, i) => [Math.cos(i) * 1000, Math.sin(i * 1.3) * 1000]);
    const jobId = await submit(suite.bridge, 'tsp', { coordinates, time_limit_s: 0.3 });
    const { body } = await api(suite.bridge.http, 'GET', `/bridge/v1/jobs/${jobId}`, { key: TENANT_KEYS.acme });
    assert.deepEqual(body.problem, { kind: 'tsp', coordinates });
    const watched = await collect(stream(suite.bridge, jobId));
    assert.equal(watched.messages.at(-1).type, 'completed');
  });

  test('solver "cpu" forces the CPU path', async () => {
    const jobId = await submit(suite.bridge, 'maxcut', { edges: [[0, 1], [1, 2]], time_limit_s: 0.3, solver: 'cpu' });
    const watched = await collect(stream(suite.bridge, jobId));
    assert.equal(watched.messages.at(-1).result.objective, -2);
    assert.equal((await api(suite.bridge.http, 'GET', `/v1/jobs/${jobId}`, { key: TENANT_KEYS.acme })).body.device, 'cpu');
  });
});
