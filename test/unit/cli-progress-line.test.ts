import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WatchState } from '../../src/cli/progress-line.js';
import { sparkline } from '../../src/cli/sparkline.js';
import type { JobEvent } from '../../src/core/event.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const event = (seq: number, s: number, fields: Partial<JobEvent> = {}): JobEvent => ({ jobId: 'job_a', seq, type: 'progress', at: at(s), ...fields });

test('sparkline scales between the min and max and keeps each stretch\'s last value', () => {
  assert.equal(sparkline([]), '');
  assert.equal(sparkline([5, 5, 5]), '▁▁▁');
  assert.equal(sparkline([0, 7]), '▁█');
  assert.equal(sparkline([10, 9, 8, 7, 6, 5, 4, 3], 4), '█▆▃▁');
  assert.equal(sparkline(Array.from({ length: 1000 }, (_, i) => i), 24).length, 24);
});

test('ETA from the time limit when that is all that is known', () => {
  const state = new WatchState(10);
  state.add(event(1, 0, { type: 'started' }));
  state.add(event(2, 4, { iteration: 100, bestObjective: 12.5 }));
  assert.equal(state.fraction, 0.4);
  assert.equal(state.etaMs, 6000);
  assert.equal(state.line(), 'iter 100 | best 12.5 | 4s elapsed | ETA 6s | ▁');
});

test('ETA from the iteration budget, then from reported progress, which takes precedence', () => {
  const state = new WatchState(undefined);
  state.add(event(1, 0, { type: 'started' }));
  state.add(event(2, 5, { iteration: 25, totalIterations: 100, objective: 3 }));
  assert.equal(state.etaMs, 15_000);
  assert.match(state.line(), /^iter 25\/100 \| best 3 \| 5s elapsed \| ETA 15s/);
  state.add(event(3, 10, { progress: 0.8, bestObjective: 1 }));
  assert.equal(state.etaMs, 2500);
});

test('no ETA without a limit, budget or progress; a stage stands in for the iteration', () => {
  const state = new WatchState(undefined);
  state.add(event(1, 0, { type: 'status', stage: 'queued' }));
  assert.equal(state.etaMs, undefined);
  assert.equal(state.line(), 'queued | best - | 0s elapsed');
});
