import { readFileSync } from 'node:fs';
import { parseTsplib } from '../../src/solver/formats.js';
import { solveAnnealing } from '../../src/solver/index.js';
const name = process.argv[2] ?? 'berlin52';
const t = parseTsplib(readFileSync(new URL(`../../../shared/data/${name}.tsp`, import.meta.url), 'utf8'));
const ac = new AbortController();
const out = await solveAnnealing({ problem: t.problem, params: { timeLimitS: Number(process.argv[3] ?? 10), seed: Number(process.argv[4] ?? 1) }, progressIntervalMs: 1000, signal: ac.signal, onProgress: (p) => console.log(p.iteration, p.energy.toFixed(0), p.bestEnergy, p.temperature.toFixed(2)) });
console.log(out.objective, out.iterations, out.stopReason, out.runtimeS);
