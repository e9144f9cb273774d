import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeNerox } from '../../adapters/nerox/encode.js';
import { eventFromNerox } from '../../src/client/nerox-events.js';
import type { JobEvent } from '../../src/core/event.js';

const AT = '2026-04-19T12:03:11.482Z';
const EVENTS: JobEvent[] = [
  { jobId: 'job_a', seq: 1, type: 'started', at: AT, stage: 'annealing' },
  { jobId: 'job_a', seq: 2, type: 'status', at: AT, stage: 'queued', message: 'waiting for a solver thread' },
  {
    jobId: 'job_a', seq: 3, type: 'progress', at: AT, iteration: 4500, totalIterations: 10_000, progress: 0.45,
    objective: -142.3, bestObjective: -147.8, bestSolution: [1, 0, 1], temperature: 0.082, gap: 0.02,
    metrics: { flips: 12 }, stage: 'annealing', message: 'ok',
  },
  { jobId: 'job_a', seq: 4, type: 'iteration_completed', at: AT, iteration: 2, objective: 3, metrics: { hypervolume: 0.4 } },
  { jobId: 'job_a', seq: 5, type: 'evaluation', at: AT, metrics: { score: 0.9 } },
  { jobId: 'job_a', seq: 6, type: 'gap', at: AT, message: 'upstream reconnected; events may be missing' },
  {
    jobId: 'job_a', seq: 7, type: 'completed', at: AT,
    result: { status: 'time_limit', objective: -147.8, solution: { x: 1 }, runtimeS: 8.4, gpuSeconds: 8.4, device: 'cpu', data: { k: 1 } },
  },
  { jobId: 'job_a', seq: 8, type: 'failed', at: AT, error: { code: 'upstream_error', message: 'boom', data: { status: 502 } } },
  { jobId: 'job_a', seq: 9, type: 'cancelled', at: AT, result: { objective: 4 } },
];

test('a Nerox stream message reads back into the canonical event it was encoded from, less its source', () => {
  for (const event of EVENTS) {
    const withSource = { ...event, source: { provider: 'builtin', raw: { anything: 1 } } };
    assert.deepEqual(eventFromNerox('job_a', JSON.parse(encodeNerox(withSource))), event, `seq ${event.seq} (${event.type})`);
  }
});

test('a message without x_bridge.seq is a protocol error, not a guess', () => {
  assert.throws(() => eventFromNerox('job_a', { type: 'progress', iteration: 1 }), { name: 'BridgeClientError', code: 'protocol' });
});
