import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventStore, StoreBatch } from '../../src/store/event-store.js';
import { EventWriter } from '../../src/store/event-writer.js';
import type { JobEvent } from '../../src/core/event.js';

/** A store double: commits after a per-batch delay and can fail a batch once. Pure unit test of ordering. */
function fakeStore(delays: number[], failFirstAttemptOf = new Set<number>()) {
  const batches: StoreBatch[] = [];
  let calls = 0;
  const attempts = new Map<number, number>();
  const store = {
    async append(batch: StoreBatch) {
      const index = calls++;
      const firstSeq = batch.events[0]!.event.seq;
      const attempt = (attempts.get(firstSeq) ?? 0) + 1;
      attempts.set(firstSeq, attempt);
      await new Promise((resolve) => setTimeout(resolve, delays[index % delays.length]));
      if (attempt === 1 && failFirstAttemptOf.has(firstSeq)) throw new Error('connection reset');
      batches.push(batch);
      return new Set<string>();
    },
  } as unknown as EventStore;
  return { store, batches };
}

function event(seq: number): JobEvent {
  return { jobId: 'job_w', seq, type: 'progress', at: new Date(seq).toISOString() };
}

test("a job's appends resolve in append order, in batches", async () => {
  const { store, batches } = fakeStore([30, 5, 1, 20]);
  const writer = new EventWriter(store, { flushIntervalMs: 1, maxBatchEvents: 10, concurrency: 3 });
  const resolved: number[] = [];
  const appends = Array.from({ length: 95 }, (_, i) =>
    writer.append({ event: event(i + 1), hash: 'h' }, { id: 'job_w', status: 'running', lastSeq: i + 1, lastHash: 'h' }).then(() =>
      resolved.push(i + 1),
    ),
  );
  await Promise.all(appends);
  await writer.close();
  assert.deepEqual(resolved, Array.from({ length: 95 }, (_, i) => i + 1));
  assert.ok(batches.length >= 10, 'batched, not one write per event');
  assert.ok(batches.every((b) => b.events.length <= 10));
  assert.equal(batches.reduce((n, b) => n + b.events.length, 0), 95);
  for (const batch of batches) assert.equal(batch.jobs.length, 1, 'one job row update per batch');
});

test('a failed flush is retried with the same batch; nothing is lost or reordered', async () => {
  const errors: number[] = [];
  const { store, batches } = fakeStore([2], new Set([1, 21]));
  const writer = new EventWriter(store, { flushIntervalMs: 1, maxBatchEvents: 10, concurrency: 2, onError: (_e, attempt) => errors.push(attempt) });
  const resolved: number[] = [];
  await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      writer.append({ event: event(i + 1), hash: 'h' }, { id: 'job_w', status: 'running', lastSeq: i + 1, lastHash: 'h' }).then(() => resolved.push(i + 1)),
    ),
  );
  await writer.close();
  assert.deepEqual(resolved, Array.from({ length: 30 }, (_, i) => i + 1));
  assert.deepEqual(errors, [1, 1]);
  assert.deepEqual(batches.flatMap((b) => b.events.map((e) => e.event.seq)).sort((a, b) => a - b), Array.from({ length: 30 }, (_, i) => i + 1));
});

test('appending after close is refused rather than silently dropped', async () => {
  const { store } = fakeStore([1]);
  const writer = new EventWriter(store, { flushIntervalMs: 1, maxBatchEvents: 10, concurrency: 1 });
  await writer.close();
  await assert.rejects(writer.append({ event: event(1), hash: 'h' }, { id: 'job_w', status: 'running', lastSeq: 1, lastHash: 'h' }), /closed/);
});

test("one job's batches never commit concurrently (no holes in its seqs); different jobs' batches do", async () => {
  const inFlight = new Map<string, number>();
  let overlapWithinJob = false;
  let maxConcurrent = 0;
  let concurrent = 0;
  const store = {
    async append(batch: StoreBatch) {
      const jobs = new Set(batch.events.map((e) => e.event.jobId));
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      for (const job of jobs) {
        if (inFlight.get(job)) overlapWithinJob = true;
        inFlight.set(job, 1);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
      for (const job of jobs) inFlight.set(job, 0);
      concurrent--;
      return new Set<string>();
    },
  } as unknown as EventStore;
  const writer = new EventWriter(store, { flushIntervalMs: 1, maxBatchEvents: 5, concurrency: 4 });
  const appends: Promise<unknown>[] = [];
  for (let seq = 1; seq <= 40; seq++) {
    for (const jobId of ['job_a', 'job_b', 'job_c', 'job_d']) {
      appends.push(writer.append({ event: { ...event(seq), jobId }, hash: 'h' }, { id: jobId, status: 'running', lastSeq: seq, lastHash: 'h' }));
    }
  }
  await Promise.all(appends);
  await writer.close();
  assert.equal(overlapWithinJob, false);
  assert.ok(maxConcurrent > 1, 'batches of different jobs overlap');
});
