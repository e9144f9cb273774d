/**
 * `npm run demo`: the four vendor simulators and a bridge configured against them, in one process, so a newcomer
 * sees every upstream provider work without a vendor account. It prints the URLs and an API key, runs one job at
 * each vendor while a Nerox-dialect client watches it (any job works on any dialect's stream), then keeps serving
 * until Ctrl-C. DATABASE_URL, when set, is used; otherwise an embedded PGlite store in a temporary directory.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startBridge } from '../src/bridge.js';
import { loadConfig } from '../src/config/config.js';
import { PROBLEMS, VENDORS, type Vendor } from './integration/providers-support.js';
import { startJaotSim, startMatcraftSim, startMutagentSim, startNeroxSim } from './vendors/index.js';

const job = { events: 24, intervalMs: 150 };
const sims = { nerox: await startNeroxSim({ job }), jaot: await startJaotSim({ job }), matcraft: await startMatcraftSim({ job }), mutagent: await startMutagentSim({ job }) };
const key = `demo_${randomBytes(18).toString('base64url')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'optbridge-demo-'));

const env: Record<string, string | undefined> = { ...process.env, PORT: process.env.PORT ?? '8080', BRIDGE_API_KEYS: `demo:${key}`, BRIDGE_DATA_DIR: dataDir };
for (const [vendor, sim] of Object.entries(sims)) {
  env[`${vendor.toUpperCase()}_URL`] = sim.url;
  env[`${vendor.toUpperCase()}_API_KEY`] = sim.apiKey;
}
const bridge = await startBridge(loadConfig(env), { log: (line) => console.log(`  ${line}`) });
const http = `http://127.0.0.1:${bridge.port}`;
const ws = `ws://127.0.0.1:${bridge.port}`;

console.log(`
optbridge demo — every upstream provider against its simulator

  bridge     ${http}
  API key    ${key}   (tenant "demo")
${Object.entries(sims).map(([vendor, sim]) => `  ${vendor.padEnd(10)} ${sim.url}   (simulated vendor)`).join('\n')}

Try it yourself:
  curl -s -X POST ${http}/v1/optimize/tsp -H "Authorization: Bearer ${key}" \\
    -d '{"coordinates": [[0,0],[3,0],[3,4],[0,4]], "provider": "nerox"}'
  websocat "${ws}/v1/jobs/<job_id>/stream?token=${key}&after=0"
  curl -s "${http}/bridge/v1/jobs/<job_id>/events" -H "Authorization: Bearer ${key}"

One job at each vendor, watched in the Nerox dialect:
`);

async function submit(vendor: Vendor): Promise<string> {
  if (vendor === 'nerox') {
    const response = await fetch(`${http}/v1/optimize/tsp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      body: JSON.stringify({ coordinates: [[0, 0], [3, 0], [3, 4], [0, 4], [1, 2]], provider: 'nerox' }),
    });
    return ((await response.json()) as { job_id: string }).job_id;
  }
  return (await bridge.jobService.submit({ tenantId: 'demo', problem: PROBLEMS[vendor], params: {}, provider: vendor })).id;
}

function summary(message: Record<string, any>): string {
  const extra = message.x_bridge ?? {};
  const fields = {
    iteration: message.iteration ?? extra.iteration,
    objective: message.energy ?? message.result?.objective,
    best: message.best_energy,
    progress: extra.progress,
    stage: extra.stage,
    message: extra.message ?? extra.error?.message,
  };
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${typeof value === 'number' ? Number(value.toFixed(4)) : value}`)
    .join(' ');
}

/** Prints every message of the job as a Nerox client receives it, until the stream closes after the terminal one. */
function watch(vendor: Vendor, jobId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${ws}/v1/jobs/${jobId}/stream?token=${key}&after=0`);
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, any>;
      const type = message.x_bridge?.type ?? message.type;
      console.log(`  [${vendor.padEnd(8)}] ${String(message.x_bridge?.seq ?? '').padStart(3)} ${type.padEnd(19)} ${summary(message)}`);
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

await Promise.all(VENDORS.map(async (vendor) => watch(vendor, await submit(vendor))));
console.log('\nEvery provider ran a job to its end. The bridge keeps serving; Ctrl-C stops it.');

const stop = async (): Promise<void> => {
  await bridge.close();
  await Promise.all(Object.values(sims).map((sim) => sim.close()));
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
