/**
 * Replay, catch-up and export of one long recorded job at the store's pace: events per second that one
 * reading client gets from `?replay=1&speed=0`, `?after=0` and `format=ndjson`, against a bare
 * `COPY (SELECT event …) TO STDOUT` of the same rows in the same run; plus the bridge's CPU per event and
 * the heap it retains at peak while a replay runs.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { to as copyTo } from 'pg-copy-streams';
import { loadConfig } from '../../src/config/config.js';
import { startBridge } from '../../src/bridge.js';
import { withBenchDatabase } from './bench-database.js';
import { machineDescription, markdownTable, replaceSection } from './readme.js';
import { recordJob } from './recorded-job.js';

const EVENTS = Number(process.env.BENCH_REPLAY_SPEED_EVENTS ?? 1_000_000);
const JOB_ID = 'job_replaybench';
const KEY = 'bench-key-000000';
const CLIENT_SCRIPT = fileURLToPath(new URL('./replay-client.ts', import.meta.url));
const HEAP_SAMPLE_MS = 100;

interface Run {
  rate: number;
  cpuUsPerEvent: number;
  clientCpuUsPerEvent: number;
}

/** Rows per second of a bare COPY of the job's events, read and counted (not parsed) by this process. */
async function copyRate(pool: import('pg').Pool): Promise<number> {
  const client = await pool.connect();
  try {
    const started = process.hrtime.bigint();
    const stream = client.query(copyTo(`copy (select event from events where job_id = '${JOB_ID}' order by seq) to stdout`));
    let rows = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) rows++;
    }
    if (rows !== EVENTS) throw new Error(`COPY returned ${rows} rows, expected ${EVENTS}`);
    return rows / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    client.release();
  }
}

/** Runs the reading client against `url` and counts the bridge process's CPU meanwhile. */
async function clientRun(mode: 'ws' | 'http', url: string): Promise<Run> {
  const cpuBefore = process.cpuUsage();
  const child = spawn(process.execPath, ['--import', 'tsx', CLIENT_SCRIPT, mode, url], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  for await (const chunk of child.stdout!) output += chunk;
  const cpu = process.cpuUsage(cpuBefore);
  const { count, seconds, cpuUs } = JSON.parse(output) as { count: number; seconds: number; cpuUs: number };
  if (count !== EVENTS) throw new Error(`${mode} client got ${count} messages from ${url}, expected ${EVENTS}`);
  return { rate: count / seconds, cpuUsPerEvent: (cpu.user + cpu.system) / count, clientCpuUsPerEvent: cpuUs / count };
}

/** Peak heap still reachable (collected, then sampled) while `run` goes on, above the heap before it. Needs --expose-gc. */
async function peakRetained(run: () => Promise<unknown>): Promise<number> {
  const gc = global.gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const timer = setInterval(() => {
    gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, HEAP_SAMPLE_MS);
  try {
    await run();
  } finally {
    clearInterval(timer);
  }
  return peak - base;
}

export function benchReplaySpeed(): Promise<{ rows: string[][] }> {
  return withBenchDatabase(async (handle, newJob, url) => {
    await newJob(JOB_ID, 'completed');
    await recordJob(handle, JOB_ID, EVENTS);
    const bridge = await startBridge(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: url }), { spanProcessors: [], log: () => {} });
    try {
      const ws = `ws://127.0.0.1:${bridge.port}/v1/jobs/${JOB_ID}/stream?token=${KEY}`;
      const http = `http://127.0.0.1:${bridge.port}/bridge/v1/jobs/${JOB_ID}/events?token=${KEY}`;
      const copy = await copyRate(handle.copyPool!);
      const replay = await clientRun('ws', `${ws}&replay=1&speed=0`);
      const catchUp = await clientRun('ws', `${ws}&after=0`);
      const exported = await clientRun('http', `${http}&format=ndjson`);
      const exportedNerox = await clientRun('http', `${http}&format=ndjson&dialect=nerox`);
      const heap = await peakRetained(() => clientRun('ws', `${ws}&replay=1&speed=0`));
      const ratio = (run: Run) => `${(run.rate / copy).toFixed(2)}×`;
      const rate = (r: number) => `${Math.round(r)} events/s`;
      const row = (variant: string, run: Run) => [
        ['replay speed', variant, `${EVENTS}`, rate(run.rate), ratio(run)],
        ['replay speed', `${variant}: bridge CPU per event (client: ${run.clientCpuUsPerEvent.toFixed(1)} µs)`, `${EVENTS}`, `${run.cpuUsPerEvent.toFixed(1)} µs CPU/event`, ''],
      ];
      return {
        rows: [
          ['replay speed', 'COPY (SELECT event …) TO STDOUT (baseline)', `${EVENTS}`, `${Math.round(copy)} rows/s`, '1.0×'],
          ...row('Nerox ?replay=1&speed=0, one ws client', replay),
          ...row('Nerox ?after=0 catch-up, one ws client', catchUp),
          ...row('GET …/events?format=ndjson (canonical, raw message included), one http client', exported),
          ...row('GET …/events?format=ndjson&dialect=nerox, one http client', exportedNerox),
          ['replay speed', 'Nerox ?replay=1&speed=0: heap retained at peak', `${EVENTS}`, `${(heap / 1024 / 1024).toFixed(1)} MB`, ''],
        ],
      };
    } finally {
      await bridge.close();
    }
  });
}

/** Alone (`node --expose-gc --import tsx test/bench/replay-speed.ts`), it records only its own section. */
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const load = loadavg()[0]!;
  const section = `${machineDescription(load)}\n\n${markdownTable((await benchReplaySpeed()).rows)}`;
  console.log(section);
  if (process.env.BENCH_QUICK !== '1') await replaceSection('replay', `Latest full run:\n\n${section}`);
}
