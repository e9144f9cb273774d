import { HASH_WGSL } from '../annealing/counter-hash.js';

/**
 * WGSL shared by the replica kernels (pt-kernels.ts, tsp-kernels.ts). Both run a workgroup per
 * replica with the same bindings `params`, `reals` and `control`, and declare the workgroup scratch
 * these pieces use: `partial: array<f32, WG>`, `shared_energy: f32` and `first: atomic<u32>`.
 */
export function kernelPrelude(workgroup: number, capacity: number): string {
  return /* wgsl */ `
${HASH_WGSL}

const WG: u32 = ${workgroup}u;
const CAP: u32 = ${capacity}u;
const NONE: u32 = 0xffffffffu;
const HEAD: u32 = 4u;
`;
}

/**
 * `replica_energy` sums one term per invocation in a fixed order, so a seeded run gets the same
 * float energy every time. `next_accepted` finds the first candidate at or after `cursor` that passes
 * its Metropolis test, WG at a time: draws depend on the candidate alone, so testing ahead is the
 * sequential chain. Each kernel defines `accepts(key, sweep, candidate, t) -> bool`.
 */
export const REPLICA_WGSL = /* wgsl */ `
fn replica_energy(r: u32, term: f32, lid: u32) -> f32 {
  partial[lid] = term;
  workgroupBarrier();
  if (lid == 0u) {
    var total = 0.0;
    for (var t = 0u; t < WG; t++) { total += partial[t]; }
    shared_energy = total;
    reals[r] = total;
  }
  return workgroupUniformLoad(&shared_energy);
}

fn next_accepted(cursor: u32, lid: u32, key: u32, sweep: u32, t: f32) -> u32 {
  var c = cursor;
  loop {
    if (c >= params.n) { return NONE; }
    if (lid == 0u) { atomicStore(&first, NONE); }
    workgroupBarrier();
    let m = c + lid;
    if (m < params.n && accepts(key, sweep, m, t)) { atomicMin(&first, m); }
    let a = workgroupUniformLoad(&first);
    if (a != NONE) { return a; }
    c += WG;
  }
}
`;

/**
 * Each kernel runs a workgroup per replica through `init_replica(r, lid)` and `sweep_replica(r, lid)`,
 * which it defines.
 */
export const REPLICA_ENTRY_POINTS = /* wgsl */ `
@compute @workgroup_size(WG)
fn init(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) { init_replica(wid.x, lid); }

@compute @workgroup_size(WG)
fn sweep(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) { sweep_replica(wid.x, lid); }
`;

/** Where a kernel keeps what `reduce` reads and writes; each field is a WGSL expression or name. */
export interface ReduceLayout {
  /** Offset in `reals` of best_energy[R]. */
  bestEnergies: string;
  /** Index in `reals` of the global best energy. */
  globalBest: string;
  /** Index in `control` of the best replica. */
  bestReplica: string;
  /** The storage array laid out state[R·n] | best_state[R·n] | global_best_state[n]. */
  states: string;
  /** A workgroup array<u32, WG> free during `reduce`; a kernel short of workgroup memory lends one it has. */
  indexScratch: string;
  /** A workgroup u32 that broadcasts the winner. */
  chosen: string;
}

/**
 * The entry point that finds the replica with the lowest best energy, ties to the lowest index so the
 * choice is reproducible, records it, and copies its best state to the global slot.
 */
export function reduceWgsl(layout: ReduceLayout): string {
  const { bestEnergies, globalBest, bestReplica, states, indexScratch, chosen } = layout;
  return /* wgsl */ `
@compute @workgroup_size(WG)
fn reduce(@builtin(local_invocation_index) lid: u32) {
  let n = params.n;
  let R = params.replicas;
  var best = reals[${bestEnergies}];
  var index = 0u;
  for (var r = lid; r < R; r += WG) {
    if (reals[${bestEnergies} + r] < best) {
      best = reals[${bestEnergies} + r];
      index = r;
    }
  }
  partial[lid] = best;
  ${indexScratch}[lid] = index;
  workgroupBarrier();
  if (lid == 0u) {
    var b = partial[0];
    var g = ${indexScratch}[0];
    for (var t = 1u; t < WG; t++) {
      if (partial[t] < b || (partial[t] == b && ${indexScratch}[t] < g)) {
        b = partial[t];
        g = ${indexScratch}[t];
      }
    }
    ${chosen} = g;
    control[${bestReplica}] = g;
    reals[${globalBest}] = b;
  }
  let g = workgroupUniformLoad(&${chosen});
  for (var i = lid; i < n; i += WG) { ${states}[2u * R * n + i] = ${states}[R * n + g * n + i]; }
}
`;
}
