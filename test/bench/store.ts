/**
 * Store throughput: events appended through the batched EventWriter against one round trip per event,
 * both on the same Postgres in the same run. Target (DESIGN.md): 50 000 events/s on one node.
 */
import { createHash } from 'node:crypto';
import { migrateToLatest, openDatabase } from '../../src/store/database.js';
import { EventStore, type JobStateUpdate, type StoredEvent } from '../../src/store/event-store.js';
import { EventWriter } from '../../src/store/event-writer.js';
import { JobRepository } from '../../src/store/job-repository.js';
import { TenantRepository } from '../../src/store/tenant-repository.js';
import type { JobEvent } from '../../src/core/event.js';
import { freshPostgresDatabase } from '../helpers/services.js';

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
 * An event as ingest hands it to the store, hash already chained. Inputs are built before the clock
 * starts: ingest builds them in production, and the bench measures what the store adds.
 */
function input(jobId: string, seq: number): [StoredEvent, JobStateUpdate] {
  const hash = createHash('sha256').update(`${jobId}/${seq}`).digest('hex');
  return [{ event: progress(jobId, seq), hash }, { id: jobId, status: 'running', lastSeq: seq, lastHash: hash }];
}

export async function benchStore(): Promise<{ rows: string[][] }> {
  const database = await freshPostgresDatabase();
  const handle = await openDatabase({ databaseUrl: database.url, dataDir: '' });
  try {
    await migrateToLatest(handle.db);
    await new TenantRepository(handle.db).addKey('bench', 'bench-key-000000', 'bench');
    const jobs = new JobRepository(handle.db);
    const store = new EventStore(handle.db, handle.copyPool);
    const now = new Date().toISOString();
    const newJob = async (id: string) =>
      jobs.create({
        id, tenantId: 'bench', provider: 'builtin', kind: 'tsp', status: 'running', problem: { kind: 'tsp', distances: [] },
        params: {}, upstreamId: null, lastSeq: 0, result: null, error: null, device: null, gpuSeconds: null,
        createdAt: now, updatedAt: now, finishedAt: null,
      });

    await newJob('job_single');
    const single = Array.from({ length: SINGLE_EVENTS }, (_, i) => input('job_single', i + 1));
    let started = performance.now();
    for (const [stored, job] of single) await store.append({ events: [stored], jobs: [job] });
    const singleRate = SINGLE_EVENTS / ((performance.now() - started) / 1000);

    const jobIds = Array.from({ length: JOBS }, (_, i) => `job_batched_${i}`);
    for (const id of jobIds) await newJob(id);
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
  } finally {
    await handle.close();
    await database.drop();
  }
}

