/**
 * Solver benchmark: each instance runs on the CPU path and the WebGPU path in the same process with
 * the same budget and seed, so the throughput ratio compares like with like on this machine.
 * `BENCH_QUICK=1` shortens every budget and leaves README.md alone.
 */
import { replaceSection } from './readme.js';
import { cpus, loadavg, totalmem } from 'node:os';
import type { AnnealingProblem } from '../../src/solver/types.js';
import { bqp, gset, tsp } from './solver-instances.js';
import { solveAnnealing } from '../../src/solver/index.js';
import type { SolveOutcome } from '../../src/solver/types.js';

const quick = process.env.BENCH_QUICK === '1';
const loadAtStart = loadavg()[0]!;
const budgetS = quick ? 2 : 10;

const INSTANCES = [
  tsp('berlin52', 7542),
  tsp('eil51', 426),
  tsp('kroA100', 21282),
  gset('G1', 11624),
  bqp('bqp50', 0, 2098),
  bqp('bqp100', 0, 7970),
];

interface Row {
  instance: string;
  device: string;
  outcome: SolveOutcome;
  found: number;
  gapPct: number;
  throughput: number;
  ratio: number | null;
  unit: string;
}

async function run(problem: AnnealingProblem, device: 'cpu' | 'gpu'): Promise<SolveOutcome> {
  return solveAnnealing({
    problem,
    params: { timeLimitS: budgetS, seed: 1, device },
    progressIntervalMs: 500,
    signal: new AbortController().signal,
    onProgress: () => {},
  });
}

function describeDevice(device: string): string {
  return device === 'cpu' ? 'cpu' : device.replace(/^webgpu:/, 'gpu ').replace(/ \(LLVM.*$/, '');
}

const rows: Row[] = [];
for (const instance of INSTANCES) {
  const problem = await instance.load();
  let cpuThroughput = 0;
  for (const device of ['cpu', 'gpu'] as const) {
    const outcome = await run(problem, device);
    const found = instance.value(outcome.objective);
    const seconds = outcome.runtimeS;
    const throughput = (outcome.moveAttempts ?? 0) / seconds;
    if (device === 'cpu') cpuThroughput = throughput;
    rows.push({
      instance: instance.name,
      device: describeDevice(outcome.device),
      outcome,
      found,
      gapPct: (100 * Math.abs(instance.reference - found)) / instance.reference,
      throughput,
      ratio: device === 'gpu' && cpuThroughput > 0 ? throughput / cpuThroughput : null,
      unit: instance.unit,
    });
    process.stderr.write(`${instance.name} ${device}: ${found} (${outcome.stopReason}, ${seconds.toFixed(1)} s)\n`);
  }
}

const compact = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0));
const header = '| instance | device | budget s | best found | optimal / BK | gap % | throughput | GPU/CPU throughput |';
const rule = '|---|---|---:|---:|---:|---:|---:|---:|';
const lines = rows.map((r) =>
  [
    r.instance,
    r.device,
    budgetS,
    r.found,
    INSTANCES.find((i) => i.name === r.instance)!.reference,
    r.gapPct.toFixed(2),
    `${compact(r.throughput)} ${r.unit}`,
    r.ratio === null ? '' : `${r.ratio.toFixed(2)}×`,
  ].join(' | '),
);
const table = [header, rule, ...lines.map((l) => `| ${l} |`)].join('\n');
const cpu = cpus()[0];
const gpuDevice = rows.find((r) => r.device !== 'cpu')?.outcome.device ?? 'none (GPU rows ran on the CPU)';
const machine = [
  `- CPU: ${cpu?.model ?? 'unknown'}, ${cpus().length} logical cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
  `- GPU path: ${gpuDevice}`,
  `- Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, seed 1, default replica counts`,
  `- 1-minute load average at start: ${loadAtStart.toFixed(1)} (other work on the machine slows both paths)`,
].join('\n');

console.log(`${machine}\n\n${table}`);

if (!quick) await replaceSection('solver', `Latest full run:\n\n${machine}\n\n${table}`);
