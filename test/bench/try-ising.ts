import { readFileSync } from 'node:fs';
import { parseBqp, parseGset } from '../../src/solver/formats.js';
import { solveAnnealing } from '../../src/solver/index.js';
const name = process.argv[2] ?? 'G1';
const problem = name.startsWith('bqp') ? parseBqp(readFileSync(new URL(`../../../shared/data/${name}.txt`, import.meta.url), 'utf8'))[Number(process.argv[5] ?? 0)]! : parseGset(readFileSync(new URL(`../../../shared/data/${name}.txt`, import.meta.url), 'utf8'));
const out = await solveAnnealing({ problem, params: { timeLimitS: Number(process.argv[3] ?? 10), seed: Number(process.argv[4] ?? 1), device: 'cpu' }, progressIntervalMs: 1000, signal: new AbortController().signal, onProgress: (p) => console.log(p.iteration, p.energy.toFixed(0), p.bestEnergy, p.temperature.toFixed(2)) });
console.log(out.objective, out.iterations, out.stopReason, out.runtimeS);
