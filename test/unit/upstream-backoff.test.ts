import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, pause } from '../../src/ingest/upstream/backoff.js';

const policy = { initialMs: 100, maxMs: 1000 };

describe('upstream backoff', () => {
  test('the ceiling doubles per attempt up to the cap, and the delay is a uniform draw below it', () => {
    const almostOne = () => 0.999999;
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, policy, almostOne)), [99, 199, 399, 799, 999, 999]);
    assert.deepEqual([0, 3, 9].map((attempt) => backoffDelay(attempt, policy, () => 0.5)), [50, 400, 500]);
    assert.equal(backoffDelay(7, policy, () => 0), 0, 'full jitter reaches down to no wait at all');
  });

  test('the same random draws give the same schedule', () => {
    const draws = [0.1, 0.7, 0.3, 0.9];
    const schedule = () => {
      let i = 0;
      const random = () => draws[i++ % draws.length]!;
      return [0, 1, 2, 3].map((attempt) => backoffDelay(attempt, policy, random));
    };
    assert.deepEqual(schedule(), [10, 140, 120, 720]);
    assert.deepEqual(schedule(), schedule());
  });

  test('huge attempt numbers stay at the cap instead of overflowing', () => {
    assert.equal(backoffDelay(10_000, policy, () => 0.5), 500);
  });

  test('a pause ends early, without an error, when its signal aborts', async () => {
    const controller = new AbortController();
    const waiting = pause(60_000, controller.signal);
    controller.abort();
    await waiting;
    await pause(60_000, controller.signal);
  });
});
