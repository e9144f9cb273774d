/** The optbridge client SDK (`optbridge/client`): Node 20 and browsers alike. */
export { Client, type BinaryKind } from './client.js';
export { BridgeClientError } from './errors.js';
export { Job } from './job.js';
export type { ClientOptions } from './transport.js';
export type { StreamOptions } from './event-stream.js';
export type { ReplayOptions } from './replay.js';
export type { RecomputedChain } from './chain.js';
export { chainStep } from './chain.js';
/** The bytes each event's hash covers, for showing an event in its canonical form. */
export { canonicalJson } from '../core/canonical.js';
export type { IsingInput, MaxCutInput, QuboInput, SolveOptions, TspInput } from './problems.js';
export { DIALECTS } from './types.js';
export type * from './types.js';
