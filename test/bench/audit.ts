/**
 * The verifiable record: `GET …/audit`'s chain walk (keyset pages of 500 plus one sha256 per event) against
 * reading the same events without hashing (what an export costs), its peak retained heap against loading
 * the job at once, and the SDK's WebCrypto recomputation against node:crypto, all in one run.
 */
import { cpus, loadavg } from 'node:os';
import { recomputeChain } from '../../src/client/chain.js';
import type { JobEvent } from '../../src/core/event.js';
import { chainHash } from '../../src/store/event-chain.js';
import { auditJob } from '../../src/server/audit.js';
import { storedChain } from '../../src/store/event-chain.js';
import { EventStore } from '../../src/store/event-store.js';
import { EventWriter } from '../../src/store/event-writer.js';
import { JobRepository } from '../../src/store/job-repository.js';
import { withBenchDatabase } from './bench-database.js';
import { replaceSection } from './readme.js';

const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 100_000);
const JOB = 'job_audit';

function event(i: number): JobEvent {
  return {
    jobId: JOB, seq: i + 1, type: i + 1 === EVENTS ? 'completed' : 'progress', at: new Date(Date.UTC(2026, 0, 1) + i * 10).toISOString(),
    iteration: i * 100, objective: 1000 - i / 7, bestObjective: 1000 - i / 7, temperature: 1 / (1 + i), bestSolution: [i % 7, 3, 1, 4, 1, 5, 9, 2, 6],
  };
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: performance.now() - start, value };
}

/** Peak heap still reachable while `read` runs, sampled by `checkpoint` after a collection. Needs --expose-gc. */
async function peakRetained(read: (checkpoint: () => void) => Promise<number>): Promise<number> {
  const gc = global.gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  await read(() => {
    gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  });
  return peak - base;
}

const loadAtStart = loadavg()[0]!;
const rows = await withBenchDatabase(async (handle, newJob) => {
  await newJob(JOB, 'running');
  const store = new EventStore(handle.db);
  const writer = new EventWriter(store, { flushIntervalMs: 5, maxBatchEvents: 2000, concurrency: 1 });
  let hash = '';
  const appends: Promise<unknown>[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const e = event(i);
    hash = chainHash(hash, e);
    appends.push(writer.append({ event: e, hash }, { id: JOB, status: 'running', lastSeq: e.seq, lastHash: hash }));
  }
  await Promise.all(appends);
  await writer.close();
  const job = (await new JobRepository(handle.db).get(JOB))!;

  const read = await timed(async () => {
    let n = 0;
    for await (const _ of store.stream(JOB, 0)) n++;
    return n;
  });
  const audit = await timed(() => auditJob(handle.db, job));
  if (read.value !== EVENTS || !audit.value.intact || audit.value.events !== EVENTS) throw new Error('the audit bench read the wrong events');

  const whole = await peakRetained(async (checkpoint) => {
    const events = await store.read(JOB, 0, EVENTS);
    checkpoint();
    return events.length;
  });
  const walk = await peakRetained(async (checkpoint) => {
    let n = 0;
    let previous = '';
    for await (const link of storedChain(handle.db, JOB, job.lastSeq)) {
      previous = chainHash(previous, link.event);
      if (++n % 500 === 0) checkpoint();
    }
    return n;
  });

  const events = await store.read(JOB, 0, EVENTS);
  const node = await timed(async () => events.reduce((h, e) => chainHash(h, e), ''));
  const web = await timed(() =>
    recomputeChain(
      (async function* () {
        yield* events;
      })(),
    ),
  );
  if (web.value.head?.hash !== node.value || node.value !== audit.value.head?.hash) throw new Error('the SDK and the audit disagree on the head');

  const perSecond = (ms: number) => `${Math.round(EVENTS / (ms / 1000)).toLocaleString('en-US')} events/s`;
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB retained at peak`;
  return [
    ['audit time', 'read every event, no hashing (baseline: what an export reads)', EVENTS, `${read.ms.toFixed(0)} ms, ${perSecond(read.ms)}`, '1.0×'],
    ['audit time', 'GET …/audit walk: keyset pages of 500, sha256 per event', EVENTS, `${audit.ms.toFixed(0)} ms, ${perSecond(audit.ms)}`, `${(audit.ms / read.ms).toFixed(2)}× the time`],
    ['audit memory', 'whole job at once (baseline)', EVENTS, mb(whole), '1.0×'],
    ['audit memory', 'chain walk through the keyset cursor', EVENTS, mb(walk), `${(whole / Math.max(walk, 1)).toFixed(0)}× less`],
    ['recompute', 'node:crypto, the ingest\'s chainHash (baseline)', EVENTS, `${node.ms.toFixed(0)} ms, ${perSecond(node.ms)}`, '1.0×'],
    ['recompute', 'SDK: WebCrypto, as in a browser', EVENTS, `${web.ms.toFixed(0)} ms, ${perSecond(web.ms)}`, `${(web.ms / node.ms).toFixed(2)}× the time`],
  ].map((row) => row.map(String));
});

const table = ['| bench | variant | events | result | vs baseline |', '|---|---|---:|---:|---:|', ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
const machine = `- ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} logical cores; Postgres on the same machine; Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; 1-minute load average at start ${loadAtStart.toFixed(1)}`;
console.log(`${machine}\n\n${table}`);
if (process.env.BENCH_QUICK !== '1') await replaceSection('audit', `Latest full run:\n\n${machine}\n\n${table}`);
