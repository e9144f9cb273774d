/** The event pipeline's benches in one table: store throughput, fan-out CPU, replay memory. */
import { cpus, loadavg, totalmem } from 'node:os';
import { benchFanout } from './fanout.js';
import { replaceSection } from './readme.js';
import { benchReplayMemory } from './replay-memory.js';
import { benchStore } from './store.js';

const loadAtStart = loadavg()[0]!;
const rows = [...(await benchStore()).rows, ...(await benchFanout()).rows, ...(await benchReplayMemory()).rows];
const table = [
  '| bench | variant | items | result | vs baseline |',
  '|---|---|---:|---:|---:|',
  ...rows.map((row) => `| ${row.join(' | ')} |`),
].join('\n');
const machine = [
  `- CPU: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} logical cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Postgres on the same machine`,
  `- Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
  `- 1-minute load average at start: ${loadAtStart.toFixed(1)}`,
].join('\n');
console.log(`${machine}\n\n${table}`);
if (process.env.BENCH_QUICK !== '1') await replaceSection('pipeline', `Latest full run:\n\n${machine}\n\n${table}`);
