/**
 * End-to-end fan-out: the Nerox simulator → the bridge on Postgres → clients in several processes, against the
 * same clients on a bare-uWS stand-in in the same run; then a connection storm on a running job, and where the
 * bridge's pipeline spends its time. `BENCH_FANOUT_SCALE` (e.g. 0.1) scales the client counts down for a quick run,
 * `BENCH_FANOUT_WINDOW_S` the steady window, `BENCH_FANOUT_PROCESSES` the client processes, `BENCH_FANOUT_ONLY`
 * (e.g. `1000x20,5000x20`) picks loads (the README section then says which ran); BENCH_QUICK=1 leaves README alone.
 */
import { cpus, loadavg } from 'node:os';
import { freshPostgresDatabase } from '../helpers/services.js';
import { runLoad, type Load, type RunResult, type WindowResult } from './fanout-e2e/run.js';
import { ms, ratio } from './fanout-e2e/stats.js';
import { machineDescription, replaceSection } from './readme.js';

const SCALE = Number(process.env.BENCH_FANOUT_SCALE ?? 1);
const WINDOW_MS = Number(process.env.BENCH_FANOUT_WINDOW_S ?? 8) * 1000;
const PROCESSES = Number(process.env.BENCH_FANOUT_PROCESSES ?? Math.min(4, Math.max(2, cpus().length - 1)));
const STORM = Math.round(3000 * SCALE);
/** A client process busier than this share of a core is what limits the delivery, not the server. */
const CLIENT_BOUND = 0.9;

const LOADS: Array<[clients: number, rate: number]> = [[1000, 20], [5000, 20], [5000, 100], [10_000, 5]];
const ONLY = process.env.BENCH_FANOUT_ONLY?.split(',');

const loads: Load[] = LOADS.map(([clients, rate], i) => ({
  clients: Math.max(PROCESSES, Math.round(clients * SCALE)), rate, processes: PROCESSES, windowMs: WINDOW_MS, storm: i === 0 ? STORM : 0,
})).filter((_, i) => ONLY === undefined || ONLY.includes(`${LOADS[i]![0]}x${LOADS[i]![1]}`));

const loadAtStart = loadavg()[0]!;
const database = await freshPostgresDatabase();
const results: Array<{ load: Load; standin: RunResult; bridge: RunResult }> = [];
try {
  for (const load of loads) {
    console.error(`fan-out e2e: ${load.clients} clients × ${load.rate} ev/s`);
    const standin = await runLoad('standin', load, database.url);
    const bridge = await runLoad('bridge', load, database.url);
    results.push({ load, standin, bridge });
  }
} finally {
  await database.drop();
}

const clientLimited = (w: WindowResult) => (w.busiestClient > CLIENT_BOUND || w.delivered < w.offered ? ' (client-limited)' : '');
const row = (label: string, server: string, run: RunResult, w: WindowResult) => [
  label, server, `${run.connected}`, `${w.delivered} / ${w.offered}`, `${ms(w.p50)} / ${ms(w.p99)} / ${ms(w.p999)}`, ms(w.skewP99),
  `${w.gaps}`, (w.serverCpuMicros / Math.max(1, w.delivered)).toFixed(2), `${w.clientCores.toFixed(2)} (max ${(w.busiestClient * 100).toFixed(0)} %)${clientLimited(w)}`,
  (run.rssPerConnection / 1024).toFixed(1), `${ms(w.loopMaxMs)} / ${ms(w.loopP99Ms)}`,
];
const table = (header: string[], rows: string[][]) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

const cpuPerMessage = (w: WindowResult) => w.serverCpuMicros / Math.max(1, w.delivered);
const steady = table(
  ['load (C × R)', 'server', 'connected', 'delivered / offered', 'latency p50 / p99 / p99.9 ms', 'skew p99 ms', 'seq gaps', 'server CPU µs/msg', 'client CPU cores', 'RSS KB/conn', 'loop delay max / p99 ms'],
  results.flatMap(({ load, standin, bridge }) => [
    row(`${load.clients} × ${load.rate}`, 'bare uWS', standin, standin.steady),
    row(`${load.clients} × ${load.rate}`, 'bridge', bridge, bridge.steady),
  ]),
);
const ratios = table(
  ['load (C × R)', 'p99 bridge ÷ uWS (≤ 1.2×)', 'p99.9 (≤ 1.5×)', 'CPU/msg (≤ 1.2×)', 'bridge RSS/conn (< 4 KB)', 'delivered bridge / uWS'],
  results.map(({ load, standin, bridge }) => [
    `${load.clients} × ${load.rate}`, ratio(bridge.steady.p99, standin.steady.p99), ratio(bridge.steady.p999, standin.steady.p999),
    ratio(cpuPerMessage(bridge.steady), cpuPerMessage(standin.steady)), `${(bridge.rssPerConnection / 1024).toFixed(1)} KB`,
    `${bridge.steady.delivered} / ${standin.steady.delivered}`,
  ]),
);
const stormRuns = results.filter(({ standin }) => standin.storm);
const storm = table(
  ['load', 'server', 'storm sockets connected', 'connected clients p99 steady → storm ms', 'storm ÷ steady (≤ 2×)', 'loop delay max in storm ms (< 100)', 'delivered / offered in storm', 'storm clients: CPU cores'],
  stormRuns.flatMap(({ load, standin, bridge }) =>
    ([['bare uWS', standin], ['bridge', bridge]] as const).map(([server, run]) => [
      `${load.clients} × ${load.rate} + ${load.storm} in 2 s`, server, `${run.storm!.connected}`, `${ms(run.steady.p99)} → ${ms(run.storm!.p99)}`,
      ratio(run.storm!.p99, run.steady.p99), ms(run.storm!.loopMaxMs), `${run.storm!.delivered} / ${run.storm!.offered}`,
      run.storm!.stormClientCores.toFixed(2),
    ]),
  ),
);
const stages = table(
  ['load (C × R)', ...Object.keys(results[0]!.bridge.stages!).map((stage) => `${stage} p50 / p99 ms`)],
  results.map(({ load, bridge }) => [`${load.clients} × ${load.rate}`, ...Object.values(bridge.stages!).map(([p50, p99]) => `${ms(p50)} / ${ms(p99)}`)]),
);

const report = [
  machineDescription(loadAtStart),
  `- ${PROCESSES} client processes (\`ws\`, every message JSON-parsed), steady window ${WINDOW_MS / 1000} s from 3 s after the last client connected, client scale ${SCALE}`,
  ...(ONLY ? [`- loads run: ${ONLY.join(', ')} (BENCH_FANOUT_ONLY); the others were left out of this run`] : []),
  '- "client-limited": a client process was busier than 90 % of a core in the window, or not every offered message arrived, so that row measures the clients as much as the server',
  '',
  steady, '', 'Bridge ÷ stand-in, steady state:', '', ratios, '', 'Connection storm (already-connected clients only):', '', storm, '',
  "The bridge's pipeline stages over the whole run (its /metrics, histogram buckets interpolated):", '', stages,
].join('\n');
console.log(report);
if (process.env.BENCH_QUICK !== '1') await replaceSection('fanout-e2e', `Latest full run:\n\n${report}`);
