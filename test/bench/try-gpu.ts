import { readFileSync } from 'node:fs';
import { parseBqp, parseGset } from '../../src/solver/formats.js';
import { binaryModel, modelEnergy } from '../../src/solver/binary-model.js';
import { gpuContext } from '../../src/solver/gpu/gpu-context.js';
import { PtGpuAnnealer } from '../../src/solver/gpu/pt-gpu-annealer.js';
const name = process.argv[2] ?? 'bqp50';
const problem = name.startsWith('bqp') ? parseBqp(readFileSync(new URL(`../../../shared/data/${name}.txt`, import.meta.url), 'utf8'))[0]! : parseGset(readFileSync(new URL(`../../../shared/data/${name}.txt`, import.meta.url), 'utf8'));
const ctx = (await gpuContext())!;
console.log(ctx.description);
const model = binaryModel(problem);
const eng = await PtGpuAnnealer.create(ctx, model, { seed: 1, replicas: Number(process.argv[3] ?? 16) });
let snap = await eng.snapshot();
console.log('init', snap.energies.slice(0, 4), snap.states.slice(0, 4).map((s) => modelEnergy(model, s)));
const t0 = performance.now();
for (let e = 0; e < Number(process.argv[4] ?? 10); e++) { await eng.epoch(); console.log(e, eng.sweeps, eng.bestEnergy, eng.current(), modelEnergy(model, eng.bestSolution()), ((performance.now() - t0) / 1000).toFixed(2), eng.gpuSeconds.toFixed(2)); }
snap = await eng.snapshot();
console.log('after', snap.energies.slice(0, 4), snap.states.slice(0, 4).map((s) => modelEnergy(model, s)));
process.exit(0);
