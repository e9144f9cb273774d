/**
 * Store throughput: events appended through the batched EventWriter against one round trip per event,
 * both on the same Postgres in the same run. Target (DESIGN.md): 50 000 events/s on one node.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, storable } from '../../src/core/canonical.js';
import { EventStore, type JobStateUpdate, type StoredEvent } from '../../src/store/event-store.js';
import { EventWriter } from '../../src/store/event-writer.js';
import type { JobEvent } from '../../src/core/event.js';
import { withBenchDatabase } from './bench-database.js';

const BATCHED_EVENTS = Number(process.env.BENCH_STORE_EVENTS ?? 100_000);
const SINGLE_EVENTS = 2_000;
/** Jobs streaming at once: one job's batches commit in order, different jobs' in parallel. */
const JOBS = 8;

function progress(jobId: string, seq: number): JobEvent {
  return {
    jobId,
    seq,
    type: 'progress',
    at: new Date(1_700_000_000_000 + seq).toISOString(),
    iteration: seq * 100,
    objective: 1000 - seq / 1000,
    bestObjective: 990 - seq / 1000,
    bestSolution: Array.from({ length: 30 }, (_, i) => (i * 7 + seq) % 30),
    temperature: 1 / seq,
  };
}

/**
 * An event as ingest hands it to the store: keys sorted, hash already chained over its canonical bytes, which
 * come along. Inputs are built before the clock starts: ingest builds them in production, and the bench
 * measures what the store adds.
 */
function input(jobId: string, seq: number): [StoredEvent, JobStateUpdate] {
  const event = storable(progress(jobId, seq));
  const hash = createHash('sha256').update(`${jobId}/${seq}`).digest('hex');
  return [{ event, hash, canonical: canonicalJson(event) }, { id: jobId, status: 'running', lastSeq: seq, lastHash: hash }];
}

export function benchStore(): Promise<{ rows: string[][] }> {
  return withBenchDatabase(async (handle, newJob) => {
    const store = new EventStore(handle.db, handle.copyPool);
    await newJob('job_single', 'running');
    const single = Array.from({ length: SINGLE_EVENTS }, (_, i) => input('job_single', i + 1));
    let started = performance.now();
    for (const [stored, job] of single) await store.append({ events: [stored], jobs: [job] });
    const singleRate = SINGLE_EVENTS / ((performance.now() - started) / 1000);

    const jobIds = Array.from({ length: JOBS }, (_, i) => `job_batched_${i}`);
    for (const id of jobIds) await newJob(id, 'running');
    const writer = new EventWriter(store, { flushIntervalMs: 5, maxBatchEvents: 2000, concurrency: 4 });
    const batched = Array.from({ length: BATCHED_EVENTS }, (_, i) => input(jobIds[i % JOBS]!, Math.floor(i / JOBS) + 1));
    started = performance.now();
    const cpuBefore = process.cpuUsage();
    await Promise.all(batched.map(([stored, job]) => writer.append(stored, job)));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const batchedRate = BATCHED_EVENTS / seconds;
    const nodeMicrosPerEvent = (cpu.user + cpu.system) / BATCHED_EVENTS;
    await writer.close();

    return {
      rows: [
        ['store append', 'one transaction per event (baseline)', `${SINGLE_EVENTS}`, `${Math.round(singleRate)} events/s`, '1.0×'],
        ['store append', `EventWriter (COPY), ${JOBS} jobs, batches of 2000, 4 lanes`, `${BATCHED_EVENTS}`, `${Math.round(batchedRate)} events/s`, `${(batchedRate / singleRate).toFixed(1)}×`],
        ['store append', 'the same: bridge-process CPU per event', `${BATCHED_EVENTS}`, `${nodeMicrosPerEvent.toFixed(1)} µs CPU/event`, ''],
      ],
    };
  });
}
