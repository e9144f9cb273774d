import { fork } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config/paths.js';
import { loadConfig } from '../../src/config/config.js';
import { startBridge } from '../../src/bridge.js';
import { freshPostgresDatabase } from '../helpers/services.js';

/**
 * `npm run soak`: SOAK_CONNECTS sockets (default 50 000) open and close across the four dialects while SOAK_JOBS
 * built-in jobs (default 200) run, against one bridge on Postgres; heap (after a full collection) and RSS are
 * sampled as the connections come and go. Memory must not grow with the number of connections that came and went:
 * the slope of heap against connections is printed, and should be near zero. Bounded: it stops by itself.
 */
const CONNECTS = Number(process.env.SOAK_CONNECTS ?? 50_000);
const JOBS = Number(process.env.SOAK_JOBS ?? 200);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 50);
const KEY = 'soak-key-0123456789';
const MB = 1024 * 1024;

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc (npm run soak does)');

interface Sample {
  connections: number;
  heapMb: number;
  rssMb: number;
}

function sample(connections: number): Sample {
  globalThis.gc!();
  const { heapUsed, rss } = process.memoryUsage();
  return { connections, heapMb: heapUsed / MB, rssMb: rss / MB };
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / sxx;
}

const database = await freshPostgresDatabase();
const bridge = await startBridge(
  loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: database.url, BRIDGE_API_KEYS: `soak:${KEY}`, SOLVER_DEVICE: 'cpu' }),
  { log: () => {} },
);
const http = `http://127.0.0.1:${bridge.port}`;
try {
  const coordinates = Array.from({ length: 20 }, (_, i) => [Math.cos(i) * 50 + i, Math.sin(i * 3) * 50]);
  const submit = async (): Promise<string> => {
    const response = await fetch(`${http}/v1/optimize/tsp`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: JSON.stringify({ coordinates, time_limit_s: 0.5, solver: 'cpu' }) });
    return ((await response.json()) as { job_id: string }).job_id;
  };
  const first = await Promise.all(Array.from({ length: Math.min(JOBS, 20) }, submit));
  let submitted = first.length;
  const samples: Sample[] = [sample(0)];
  const started = Date.now();
  const clients = fork(join(PROJECT_ROOT, 'test', 'soak', 'soak-clients.ts'), [`ws://127.0.0.1:${bridge.port}`, KEY, first.join(','), String(CONNECTS), String(CONCURRENCY)], {
    execArgv: ['--import', 'tsx'],
  });
  await new Promise<void>((resolve, reject) => {
    clients.on('message', (message: { finished: number; done?: boolean }) => {
      samples.push(sample(message.finished));
      // The rest of the jobs are submitted as the soak goes, so jobs start and finish throughout.
      const due = Math.min(JOBS, Math.round((message.finished / CONNECTS) * JOBS));
      for (; submitted < due; submitted++) void submit();
      if (message.done) resolve();
    });
    clients.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`soak clients exited with ${code}`))));
  });
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  samples.push(sample(CONNECTS));
  const seconds = (Date.now() - started) / 1000;
  const start = samples[0]!;
  const end = samples.at(-1)!;
  // The first thousand connections warm caches and pools; the slope is taken over the rest.
  const steady = samples.filter((s) => s.connections >= 1000);
  console.log(`soak: ${CONNECTS} connects and disconnects across 4 dialects, ${submitted} jobs, ${seconds.toFixed(0)} s, ${(CONNECTS / seconds).toFixed(0)} connections/s`);
  console.log(`heap: ${start.heapMb.toFixed(1)} MB at start, ${end.heapMb.toFixed(1)} MB at end; slope ${(slope(steady.map((s) => [s.connections / 1000, s.heapMb])) * 1024).toFixed(1)} KB per 1 000 connections`);
  console.log(`rss:  ${start.rssMb.toFixed(1)} MB at start, ${end.rssMb.toFixed(1)} MB at end; slope ${(slope(steady.map((s) => [s.connections / 1000, s.rssMb])) * 1024).toFixed(1)} KB per 1 000 connections`);
} finally {
  await bridge.close();
  await database.drop();
}
