import { REPLICA_ENTRY_POINTS, REPLICA_WGSL, kernelPrelude, reduceWgsl } from './wgsl-common.js';

/**
 * Parallel tempering for x ∈ {0,1}ⁿ, a workgroup per replica. A sweep visits variables in order; the
 * workgroup tests WG of them at once against the current local fields (random draws are keyed by
 * (replica, sweep, variable), so testing ahead changes nothing), flips the first that passes, pushes
 * its couplings into the neighbours' fields in parallel, and resumes right after it: exactly the
 * sequential sweep the CPU runs, with one barrier round per flip or per WG rejected tests.
 *
 * A replica's fields and bits live in workgroup memory for the whole dispatch: on-chip, and only
 * workgroup barriers are needed. Storage, between dispatches
 * (R replicas, L rungs per ladder, n variables, m stored couplings):
 *   graph_u: row_start[n+1] | cols[m]          graph_f: h[n] | weights[m]
 *   spins:   x[R·n] | best_x[R·n] | global_best_x[n]
 *   fields:  f[R·n]
 *   reals:   energy[R] | best_energy[R] | ladder[L] | global_best_energy
 *   control: sweep_base, round, best_replica, exchange_key | keys[R] | rung_replica[R] | replica_rung[R]
 */
export const PT_WORKGROUP = {
  /** A GPU runs many workgroups at once, so a wide one tests many variables per barrier round. */
  hardware: 64,
  /** lavapipe runs a workgroup as 8-wide SIMD on one thread, where each barrier switches between its SIMD groups: 8 wide ran about 2–3× faster than 64. */
  software: 8,
};

/** Workgroup bytes per variable (an f32 field and a bit) plus the fixed scratch, for sizing `capacity`. */
export const PT_BYTES_PER_VARIABLE = 4.125;

export function ptFixedBytes(workgroup: number): number {
  return 8 * workgroup + 64;
}

export function ptWgsl(capacity: number, workgroup: number): string {
  return /* wgsl */ `
${kernelPrelude(workgroup, capacity)}

struct Params { n: u32, replicas: u32, sweeps: u32, rungs: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> graph_u: array<u32>;
@group(0) @binding(2) var<storage, read> graph_f: array<f32>;
@group(0) @binding(3) var<storage, read_write> spins: array<u32>;
@group(0) @binding(4) var<storage, read_write> fields: array<f32>;
@group(0) @binding(5) var<storage, read_write> reals: array<f32>;
@group(0) @binding(6) var<storage, read_write> control: array<u32>;

var<workgroup> f: array<f32, CAP>;
var<workgroup> bits: array<u32, CAP / 32u>;
var<workgroup> first: atomic<u32>;
var<workgroup> partial: array<f32, WG>;
var<workgroup> partial_index: array<u32, WG>;
var<workgroup> chosen: u32;
var<workgroup> shared_energy: f32;

fn bit(i: u32) -> u32 { return (bits[i >> 5u] >> (i & 31u)) & 1u; }

fn load_bits(base: u32, lid: u32) {
  let n = params.n;
  for (var w = lid; w < (n + 31u) / 32u; w += WG) {
    var word = 0u;
    for (var b = 0u; b < 32u && w * 32u + b < n; b++) { word |= (spins[base + w * 32u + b] & 1u) << b; }
    bits[w] = word;
  }
  workgroupBarrier();
}

fn store_bits(to: u32, lid: u32) {
  for (var i = lid; i < params.n; i += WG) { spins[to + i] = bit(i); }
}

fn accepts(key: u32, sweep: u32, i: u32, t: f32) -> bool {
  let delta = select(-f[i], f[i], bit(i) == 0u);
  return delta <= 0.0 || hash_uniform(key, sweep, i) < exp(-delta / t);
}

${REPLICA_WGSL}

${REPLICA_ENTRY_POINTS}

// Local fields and energy from x, from scratch: at the start and every epoch, shedding float drift.
fn init_replica(r: u32, lid: u32) {
  let n = params.n;
  let R = params.replicas;
  let base = r * n;
  let best = reals[R + r];
  load_bits(base, lid);
  var sum = 0.0;
  for (var i = lid; i < n; i += WG) {
    var fi = graph_f[i];
    for (var e = graph_u[i]; e < graph_u[i + 1u]; e++) {
      if (bit(graph_u[n + 1u + e]) == 1u) { fi += graph_f[n + e]; }
    }
    fields[base + i] = fi;
    if (bit(i) == 1u) { sum += 0.5 * (graph_f[i] + fi); }
  }
  let energy = replica_energy(r, sum, lid);
  if (energy < best) {
    store_bits(R * n + base, lid);
    if (lid == 0u) { reals[R + r] = energy; }
  }
}

fn sweep_replica(r: u32, lid: u32) {
  let n = params.n;
  let R = params.replicas;
  let base = r * n;
  let key = control[HEAD + r];
  let t = reals[2u * R + control[HEAD + 2u * R + r]];
  let sweep_base = control[0];
  var energy = reals[r];
  var best = reals[R + r];
  var improved = false;
  for (var i = lid; i < n; i += WG) { f[i] = fields[base + i]; }
  load_bits(base, lid);
  for (var s = 0u; s < params.sweeps; s++) {
    var cursor = 0u;
    loop {
      let a = next_accepted(cursor, lid, key, sweep_base + s, t);
      if (a == NONE) { break; }
      let xa = bit(a);
      let fa = f[a];
      workgroupBarrier();
      energy += select(-fa, fa, xa == 0u);
      let sign = select(-1.0, 1.0, xa == 0u);
      for (var e = graph_u[a] + lid; e < graph_u[a + 1u]; e += WG) {
        let j = graph_u[n + 1u + e];
        f[j] += sign * graph_f[n + e];
      }
      if (lid == 0u) { bits[a >> 5u] ^= 1u << (a & 31u); }
      workgroupBarrier();
      cursor = a + 1u;
    }
    if (energy < best) {
      best = energy;
      store_bits(R * n + base, lid);
      improved = true;
    }
  }
  for (var i = lid; i < n; i += WG) { fields[base + i] = f[i]; }
  store_bits(base, lid);
  if (lid == 0u) {
    reals[r] = energy;
    if (improved) { reals[R + r] = best; }
  }
}

// Swaps neighbouring rungs of every ladder (even pairs on even rounds), then advances the counters.
@compute @workgroup_size(WG)
fn exchange(@builtin(local_invocation_index) lid: u32) {
  let R = params.replicas;
  let L = params.rungs;
  let round = control[1];
  let sweep_base = control[0];
  let parity = round & 1u;
  let per_ladder = (L - parity) / 2u;
  let total = (R / L) * per_ladder;
  for (var p = lid; p < total; p += WG) {
    let ladder = p / per_ladder;
    let k = parity + 2u * (p % per_ladder);
    let slot = ladder * L + k;
    let cold = control[HEAD + R + slot];
    let hot = control[HEAD + R + slot + 1u];
    let exponent = (1.0 / reals[2u * R + k] - 1.0 / reals[2u * R + k + 1u]) * (reals[cold] - reals[hot]);
    if (exponent >= 0.0 || hash_uniform(control[3], round, slot) < exp(exponent)) {
      control[HEAD + R + slot] = hot;
      control[HEAD + R + slot + 1u] = cold;
      control[HEAD + 2u * R + hot] = k;
      control[HEAD + 2u * R + cold] = k + 1u;
    }
  }
  workgroupBarrier();
  if (lid == 0u) {
    control[1] = round + 1u;
    control[0] = sweep_base + params.sweeps;
  }
}

// Finds the replica holding the lowest energy seen and copies its state where the host reads it.
${reduceWgsl({
  bestEnergies: 'R',
  globalBest: '2u * R + params.rungs',
  bestReplica: '2',
  states: 'spins',
  indexScratch: 'partial_index',
  chosen: 'chosen',
})}
`;
}
