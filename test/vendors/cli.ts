/**
 * Runs the four vendor simulators on fixed local ports for demos and manual testing. The env lines go to stdout
 * (so they can be redirected into an env file); everything else goes to stderr.
 */
import { startJaotSim, startMatcraftSim, startMutagentSim, startNeroxSim } from './index.js';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

const job = { events: intFromEnv('SIM_EVENTS', 20), intervalMs: intFromEnv('SIM_INTERVAL_MS', 50) };
const sims = await Promise.all([
  startNeroxSim({ port: intFromEnv('NEROX_SIM_PORT', 9101), job }),
  startJaotSim({ port: intFromEnv('JAOT_SIM_PORT', 9102), job }),
  startMatcraftSim({ port: intFromEnv('MATCRAFT_SIM_PORT', 9103), job }),
  startMutagentSim({ port: intFromEnv('MUTAGENT_SIM_PORT', 9104), job }),
]);

for (const sim of sims) {
  const prefix = sim.name.toUpperCase();
  console.log(`${prefix}_URL=${sim.url}`);
  console.log(`${prefix}_API_KEY=${sim.apiKey}`);
}
console.error(`vendor simulators up (${job.events} events every ${job.intervalMs} ms per job); Ctrl-C stops them`);

const stop = (): void => {
  void Promise.all(sims.map((sim) => sim.close())).then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
