/**
 * The event pipeline's benches: store throughput, fan-out CPU and replay memory in one table, then replay,
 * catch-up and export speed against COPY in a table of their own.
 */
import { loadavg } from 'node:os';
import { benchFanout } from './fanout.js';
import { machineDescription, markdownTable, replaceSection } from './readme.js';
import { benchReplayMemory } from './replay-memory.js';
import { benchReplaySpeed } from './replay-speed.js';
import { benchStore } from './store.js';

const record = process.env.BENCH_QUICK !== '1';

const pipelineLoad = loadavg()[0]!;
const rows = [...(await benchStore()).rows, ...(await benchFanout()).rows, ...(await benchReplayMemory()).rows];
const pipeline = `${machineDescription(pipelineLoad)}\n\n${markdownTable(rows)}`;
console.log(pipeline);
if (record) await replaceSection('pipeline', `Latest full run:\n\n${pipeline}`);

const replayLoad = loadavg()[0]!;
const replay = `${machineDescription(replayLoad)}\n\n${markdownTable((await benchReplaySpeed()).rows)}`;
console.log(replay);
if (record) await replaceSection('replay', `Latest full run:\n\n${replay}`);
