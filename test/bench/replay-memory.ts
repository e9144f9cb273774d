/**
 * Replay memory: reading a long job through the keyset cursor (EventStore.stream, what replay and
 * export use) against loading the whole job at once, as peak heap growth in the same run.
 */
import { EventStore } from '../../src/store/event-store.js';
import { EventWriter } from '../../src/store/event-writer.js';
import { withBenchDatabase } from './bench-database.js';

const EVENTS = Number(process.env.BENCH_REPLAY_EVENTS ?? 50_000);

/**
 * Peak of the heap still reachable while reading: `checkpoint` collects garbage and samples, so the
 * number is what a reader holds, not what the collector has not reclaimed yet. Needs --expose-gc.
 */
async function peakRetained(read: (checkpoint: () => void) => Promise<number>): Promise<{ bytes: number; count: number }> {
  const gc = global.gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const checkpoint = () => {
    gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };
  const count = await read(checkpoint);
  return { bytes: peak - base, count };
}

export function benchReplayMemory(): Promise<{ rows: string[][] }> {
  return withBenchDatabase(async (handle, newJob) => {
    await newJob('job_long', 'completed');
    const store = new EventStore(handle.db);
    const writer = new EventWriter(store, { flushIntervalMs: 5, maxBatchEvents: 2000, concurrency: 4 });
    await Promise.all(
      Array.from({ length: EVENTS }, (_, i) =>
        writer.append(
          {
            event: {
              jobId: 'job_long', seq: i + 1, type: 'progress', at: new Date(i).toISOString(), iteration: i,
              bestObjective: i, bestSolution: Array.from({ length: 100 }, (_, k) => k),
            },
            hash: 'h',
          },
          { id: 'job_long', status: 'running', lastSeq: i + 1, lastHash: 'h' },
        ),
      ),
    );
    await writer.close();

    const whole = await peakRetained(async (checkpoint) => {
      const events = await store.read('job_long', 0, EVENTS);
      checkpoint();
      return events.length;
    });
    const cursor = await peakRetained(async (checkpoint) => {
      let n = 0;
      for await (const _ of store.stream('job_long', 0)) if (++n % 500 === 0) checkpoint();
      return n;
    });
    if (whole.count !== EVENTS || cursor.count !== EVENTS) throw new Error('replay read the wrong number of events');
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB retained at peak`;
    return {
      rows: [
        ['replay read', `whole job at once (baseline), ${EVENTS} events`, `${EVENTS}`, mb(whole.bytes), '1.0×'],
        ['replay read', `keyset cursor, pages of 500`, `${EVENTS}`, mb(cursor.bytes), `${(whole.bytes / Math.max(cursor.bytes, 1)).toFixed(1)}× less`],
      ],
    };
  });
}
