import { REPLICA_ENTRY_POINTS, REPLICA_WGSL, kernelPrelude, reduceWgsl } from './wgsl-common.js';

/**
 * Simulated annealing over tours, a workgroup per replica, symmetric distances. Move m of a sweep is
 * drawn from (replica, sweep, m) alone, so the workgroup prices WG consecutive moves at once, takes the
 * first one that passes the Metropolis test, and resumes after it: the sequential chain, in parallel.
 * Every move is applied as at most three segment reversals (2-opt is one; or-opt is a rotation, two
 * or three), each spread over the workgroup. The tour and its inverse live in workgroup memory for
 * the whole dispatch. Storage, between dispatches (R replicas, n cities):
 *   tours:   tour[R·n] | best_tour[R·n] | global_best_tour[n]
 *   reals:   energy[R] | temperature[R] | best_energy[R] | global_best_energy
 *   control: sweep_base, best_replica, -, - | keys[R] | cycle_sweep[R]
 */
export const TSP_WORKGROUP = 32;
export const TSP_BYTES_PER_CITY = 8;
export const TSP_FIXED_BYTES = 4 * TSP_WORKGROUP + 128;

export function tspWgsl(capacity: number, farMove: number): string {
  return /* wgsl */ `
${kernelPrelude(TSP_WORKGROUP, capacity)}

struct Params {
  n: u32, replicas: u32, k: u32, sweeps: u32,
  cycle_sweeps: u32, _pad0: u32, _pad1: u32, _pad2: u32,
  reheat_t: f32, cooling: f32, _pad3: f32, _pad4: f32,
}

struct Move { accept: u32, s0: u32, l0: u32, s1: u32, l1: u32, s2: u32, l2: u32, delta: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> dist: array<f32>;
@group(0) @binding(2) var<storage, read> neighbors: array<u32>;
@group(0) @binding(3) var<storage, read_write> tours: array<u32>;
@group(0) @binding(4) var<storage, read_write> reals: array<f32>;
@group(0) @binding(5) var<storage, read_write> control: array<u32>;

const FAR: f32 = ${farMove};

var<workgroup> tour: array<u32, CAP>;
var<workgroup> pos: array<u32, CAP>;
var<workgroup> first: atomic<u32>;
var<workgroup> chosen: Move;
var<workgroup> partial: array<f32, WG>;
var<workgroup> shared_energy: f32;

fn d(a: u32, b: u32) -> f32 { return dist[a * params.n + b]; }

fn below(u: f32, bound: u32) -> u32 { return min(u32(u * f32(bound)), bound - 1u); }

fn load_tour(base: u32, lid: u32) {
  for (var p = lid; p < params.n; p += WG) {
    let c = tours[base + p];
    tour[p] = c;
    pos[c] = p;
  }
  workgroupBarrier();
}

fn store_tour(to: u32, lid: u32) {
  for (var p = lid; p < params.n; p += WG) { tours[to + p] = tour[p]; }
}

fn propose(key: u32, sweep: u32, m: u32, t: f32) -> Move {
  let n = params.n;
  let k = params.k;
  var mv = Move(0u, 0u, 0u, 0u, 0u, 0u, 0u, 0.0);
  let id = m * 8u;
  if (hash_uniform(key, sweep, id) < 0.5) {
    let i = below(hash_uniform(key, sweep, id + 1u), n);
    let a = tour[i];
    var c = neighbors[a * k + below(hash_uniform(key, sweep, id + 3u), k)];
    if (hash_uniform(key, sweep, id + 2u) < FAR) { c = below(hash_uniform(key, sweep, id + 3u), n); }
    let j = pos[c];
    let p = min(i, j);
    let q = max(i, j);
    if (q - p < 2u || (p == 0u && q == n - 1u)) { return mv; }
    let tp = tour[p];
    let tp1 = tour[p + 1u];
    let tq = tour[q];
    let tq1 = tour[(q + 1u) % n];
    mv.delta = d(tp, tq) + d(tp1, tq1) - d(tp, tp1) - d(tq, tq1);
    if (q - p > n / 2u) {
      mv.s0 = (q + 1u) % n;
      mv.l0 = n - (q - p);
    } else {
      mv.s0 = p + 1u;
      mv.l0 = q - p;
    }
  } else {
    let len = 1u + below(hash_uniform(key, sweep, id + 1u), 3u);
    let i = below(hash_uniform(key, sweep, id + 2u), n);
    let e = (i + len - 1u) % n;
    let s1 = tour[i];
    let se = tour[e];
    let prev = tour[(i + n - 1u) % n];
    let next = tour[(e + 1u) % n];
    let c = neighbors[s1 * k + below(hash_uniform(key, sweep, id + 3u), k)];
    var g = pos[c];
    if (hash_uniform(key, sweep, id + 4u) >= 0.5) { g = (g + n - 1u) % n; }
    if ((g + n - i) % n < len || (g + 1u) % n == i) { return mv; }
    let after_tail = (g + n - e) % n;
    let before = n - len - after_tail;
    let x = tour[g];
    let y = tour[(g + 1u) % n];
    let removed = d(prev, next) - d(prev, s1) - d(se, next) - d(x, y);
    let forward = d(x, s1) + d(se, y);
    let reversed = d(x, se) + d(s1, y);
    let flip = reversed < forward;
    mv.delta = removed + select(forward, reversed, flip);
    if (after_tail <= before) {
      mv.s0 = i;
      mv.l0 = len + after_tail;
      mv.s1 = i;
      mv.l1 = after_tail;
      mv.s2 = (i + after_tail) % n;
    } else {
      mv.s0 = (g + 1u) % n;
      mv.l0 = before + len;
      mv.s1 = (g + 1u + len) % n;
      mv.l1 = before;
      mv.s2 = (g + 1u) % n;
    }
    mv.l2 = select(len, 0u, flip);
  }
  if (mv.delta <= 0.0 || hash_uniform(key, sweep, id + 5u) < exp(-mv.delta / t)) { mv.accept = 1u; }
  return mv;
}

fn accepts(key: u32, sweep: u32, m: u32, t: f32) -> bool { return propose(key, sweep, m, t).accept == 1u; }

${REPLICA_WGSL}

${REPLICA_ENTRY_POINTS}

fn reverse_range(start: u32, len: u32, lid: u32) {
  let n = params.n;
  for (var s = lid; s < len / 2u; s += WG) {
    let lo = (start + s) % n;
    let hi = (start + len - 1u - s) % n;
    let a = tour[lo];
    let b = tour[hi];
    tour[lo] = b;
    pos[b] = lo;
    tour[hi] = a;
    pos[a] = hi;
  }
  workgroupBarrier();
}

// Tour lengths from scratch: at the start and every epoch, shedding float drift.
fn init_replica(r: u32, lid: u32) {
  let n = params.n;
  let R = params.replicas;
  let base = r * n;
  let best = reals[2u * R + r];
  load_tour(base, lid);
  var sum = 0.0;
  for (var p = lid; p < n; p += WG) { sum += d(tour[p], tour[(p + 1u) % n]); }
  let energy = replica_energy(r, sum, lid);
  if (energy < best) {
    store_tour(R * n + base, lid);
    if (lid == 0u) { reals[2u * R + r] = energy; }
  }
}

fn sweep_replica(r: u32, lid: u32) {
  let n = params.n;
  let R = params.replicas;
  let base = r * n;
  let key = control[HEAD + r];
  let sweep_base = control[0];
  let global_best = reals[3u * R];
  var energy = reals[r];
  var t = reals[R + r];
  var best = reals[2u * R + r];
  var cycle = control[HEAD + R + r];
  var improved = false;
  load_tour(base, lid);
  for (var s = 0u; s < params.sweeps; s++) {
    let sweep_index = sweep_base + s;
    var cursor = 0u;
    loop {
      let a = next_accepted(cursor, lid, key, sweep_index, t);
      if (a == NONE) { break; }
      if (lid == 0u) { chosen = propose(key, sweep_index, a, t); }
      let mv = workgroupUniformLoad(&chosen);
      energy += mv.delta;
      reverse_range(mv.s0, mv.l0, lid);
      reverse_range(mv.s1, mv.l1, lid);
      reverse_range(mv.s2, mv.l2, lid);
      cursor = a + 1u;
    }
    if (energy < best) {
      best = energy;
      store_tour(R * n + base, lid);
      improved = true;
    }
    cycle += 1u;
    if (cycle >= params.cycle_sweeps) {
      cycle = 0u;
      t = params.reheat_t;
      if (energy > global_best) {
        energy = global_best;
        for (var p = lid; p < n; p += WG) {
          let c = tours[2u * R * n + p];
          tour[p] = c;
          pos[c] = p;
        }
      }
    } else {
      t *= params.cooling;
    }
    workgroupBarrier();
  }
  store_tour(base, lid);
  if (lid == 0u) {
    reals[r] = energy;
    reals[R + r] = t;
    control[HEAD + R + r] = cycle;
    if (improved) { reals[2u * R + r] = best; }
  }
}

// Finds the replica holding the shortest tour seen and copies it where replicas and the host read it.
${reduceWgsl({
  bestEnergies: '2u * R',
  globalBest: '3u * R',
  bestReplica: '1',
  states: 'tours',
  indexScratch: 'pos',
  chosen: 'chosen.s0',
})}
`;
}
