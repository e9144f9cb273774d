/**
 * Solution quality in a fixed budget: each of the harder instances runs once per seed for the whole time limit, one
 * run at a time, on the device `SOLVER_DEVICE=auto` picks on this machine; progress reports say when the best first
 * reached the optimum / best known. `BENCH_QUICK=1` runs 2 seeds of 2 s and leaves README.md alone; `BENCH_SEEDS` and `BENCH_BUDGET_S` override
 * the counts, and `BENCH_ONLY=ch150,G22` picks instances (README.md is then left alone too).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { probeDevice } from '../../src/solver/gpu/adapter-probe.js';
import { solveAnnealing } from '../../src/solver/index.js';
import type { SolveOutcome } from '../../src/solver/types.js';
import { replaceSection } from './readme.js';
import { type Instance, gset, tsp } from './solver-instances.js';

const quick = process.env.BENCH_QUICK === '1';
const seedCount = Number(process.env.BENCH_SEEDS ?? (quick ? 2 : 5));
const budgetS = Number(process.env.BENCH_BUDGET_S ?? (quick ? 2 : 10));
const only = process.env.BENCH_ONLY?.split(',');
const INSTANCES = [tsp('ch150', 6528), tsp('a280', 2579), gset('G22', 13359), gset('G43', 6660)].filter(
  (instance) => only === undefined || only.includes(instance.name),
);
const loadAtStart = loadavg()[0]!;

interface Run {
  seed: number;
  outcome: SolveOutcome;
  value: number;
  /** Seconds from the request until a progress report first carried the reference value; null when none did. */
  reachedS: number | null;
  throughput: number;
  localSearchRate: number;
}

/** Progress every 100 ms: the resolution of the time to reach the reference. */
const PROGRESS_MS = 100;

async function solve(instance: Instance, seed: number, device: 'cpu' | 'gpu'): Promise<Run> {
  const problem = await instance.load();
  const started = performance.now();
  let reachedS: number | null = null;
  const target = instance.objective(instance.reference);
  const outcome = await solveAnnealing({
    problem,
    params: { timeLimitS: budgetS, seed, device },
    progressIntervalMs: PROGRESS_MS,
    signal: new AbortController().signal,
    onProgress: (progress) => {
      if (reachedS === null && progress.bestEnergy <= target) reachedS = (performance.now() - started) / 1000;
    },
  });
  if (reachedS === null && outcome.objective <= target) reachedS = outcome.runtimeS;
  return {
    seed,
    outcome,
    value: instance.value(outcome.objective),
    reachedS,
    throughput: (outcome.moveAttempts ?? 0) / outcome.runtimeS,
    localSearchRate: (outcome.localSearchSteps ?? 0) / outcome.runtimeS,
  };
}

const compact = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0));
const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const gapPct = (instance: Instance, value: number): number => (100 * Math.abs(instance.reference - value)) / instance.reference;

const choice = await probeDevice();
const seeds = Array.from({ length: seedCount }, (_, k) => k + 1);
const lines: string[] = [];
let device = choice.device as string;
for (const instance of INSTANCES) {
  const runs: Run[] = [];
  for (const seed of seeds) {
    const run = await solve(instance, seed, choice.device);
    device = run.outcome.device;
    runs.push(run);
    process.stderr.write(
      `${instance.name} seed ${seed}: ${run.value}, reached at ${run.reachedS?.toFixed(1) ?? '–'} s (${compact(run.throughput)} ${instance.unit}, ${compact(run.localSearchRate)} kicks/s)\n`,
    );
  }
  // Lengths are minimised and cuts maximised: order the values from best to worst.
  const better = instance.unit === 'moves/s' ? 1 : -1;
  const values = runs.map((r) => r.value).sort((a, b) => better * (a - b));
  const times = runs.map((r) => r.reachedS).filter((t): t is number => t !== null);
  const hits = times.length;
  const localSearch = median(runs.map((r) => r.localSearchRate));
  lines.push(
    [
      instance.name,
      instance.reference,
      values[0]!,
      median(values),
      values[values.length - 1]!,
      gapPct(instance, values[values.length - 1]!).toFixed(2),
      `${hits}/${runs.length}`,
      hits > 0 ? `${median(times).toFixed(1)} / ${Math.max(...times).toFixed(1)}` : '–',
      `${compact(median(runs.map((r) => r.throughput)))} ${instance.unit}`,
      localSearch > 0 ? `${compact(localSearch)} kicks/s` : '–',
    ].join(' | '),
  );
}

const header =
  '| instance | optimal / BK | best | median | worst | worst gap % | seeds at opt / BK | s to opt / BK (median / worst) | annealer (median) | local search (median) |';
const rule = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
const table = [header, rule, ...lines.map((l) => `| ${l} |`)].join('\n');
const machine = [
  `- CPU: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} logical cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, shared with other work`,
  `- Device (SOLVER_DEVICE=auto): ${device} (${choice.reason})`,
  `- Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, seeds ${seeds.join(', ')}, ${budgetS} s each, default replica counts`,
  `- 1-minute load average: ${loadAtStart.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at the end`,
].join('\n');

console.log(`${machine}\n\n${table}`);
if (!quick && only === undefined) await replaceSection('solver-quality', `Latest full run:\n\n${machine}\n\n${table}`);
