/** Vendor simulators: one local HTTP + WebSocket server per vendor, speaking the vendor's documented protocol. */
export { startJaotSim } from './jaot.js';
export { startMatcraftSim, type MatcraftOptions } from './matcraft.js';
export { startMutagentSim } from './mutagent.js';
export { startNeroxSim } from './nerox.js';
export type { Faults, JobSpec, JobStatus, Msg, SimJob, SimOptions, SimStats, VendorSim } from './harness.js';
