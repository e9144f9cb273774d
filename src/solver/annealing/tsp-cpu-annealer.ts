import { CpuAnnealer } from './cpu-annealer.js';
import type { EngineOptions } from './engine.js';
import { Rng } from './random.js';
import { moveSegment, reverse, shuffledTour } from './tsp-moves.js';
import { type TspInstance, tourCost } from './tsp-instance.js';
import { type TspSchedule, tspSchedule } from './tsp-schedule.js';

/** Chance that a 2-opt partner is drawn from all cities instead of the neighbour list, so every tour stays reachable. */
export const FAR_MOVE = 1 / 16;

/**
 * Many independent replicas of simulated annealing over tours with 2-opt and or-opt moves, each
 * delta in O(1): neighbour lists pick the moves, asymmetric instances keep prefix sums of the tour's
 * forward and backward edge costs so a reversed segment is priced without walking it.
 */
export class TspCpuAnnealer extends CpuAnnealer<Int32Array> {
  readonly #inst: TspInstance;
  readonly #schedule: TspSchedule;
  readonly #tours: Int32Array[];
  readonly #pos: Int32Array[];
  readonly #fwd: Float64Array[];
  readonly #bwd: Float64Array[];
  readonly #energy: Float64Array;
  readonly #temp: Float64Array;
  readonly #cycleSweep: Int32Array;
  readonly #rngs: Rng[];
  readonly #cooling: number;

  constructor(inst: TspInstance, options: EngineOptions) {
    if (inst.n < 5) throw new RangeError('the TSP annealer needs at least 5 cities');
    const { n } = inst;
    const replicas = options.replicas;
    super(new Int32Array(n), replicas);
    this.#inst = inst;
    this.#schedule = tspSchedule(inst, replicas);
    this.#cooling = Math.pow(this.#schedule.endT / this.#schedule.startT, 1 / this.#schedule.cycleSweeps);
    this.#rngs = Array.from({ length: replicas }, (_, r) => new Rng(options.seed, r));
    this.#tours = [];
    this.#pos = [];
    this.#fwd = [];
    this.#bwd = [];
    this.#energy = new Float64Array(replicas);
    this.#temp = new Float64Array(replicas).fill(this.#schedule.startT);
    this.#cycleSweep = new Int32Array(replicas);
    for (let r = 0; r < replicas; r++) {
      const tour = shuffledTour(n, this.#rngs[r]!);
      const pos = new Int32Array(n);
      for (let p = 0; p < n; p++) pos[tour[p]!] = p;
      this.#tours.push(tour);
      this.#pos.push(pos);
      if (!inst.symmetric) {
        this.#fwd.push(new Float64Array(n + 1));
        this.#bwd.push(new Float64Array(n + 1));
        this.#rebuildPrefix(r);
      }
      this.#energy[r] = tourCost(inst, tour);
      this.offerBest(this.#energy, r, tour);
    }
  }

  current(): { energy: number; temperature: number } {
    let coldest = 0;
    for (let r = 1; r < this.#temp.length; r++) if (this.#temp[r]! < this.#temp[coldest]!) coldest = r;
    return { energy: this.#energy[coldest]!, temperature: this.#temp[coldest]! };
  }

  epoch(): void {
    const { epochSweeps, cycleSweeps, reheatT } = this.#schedule;
    for (let r = 0; r < this.#tours.length; r++) {
      for (let s = 0; s < epochSweeps; s++) {
        this.#sweep(r);
        this.offerBest(this.#energy, r, this.#tours[r]!);
        if (++this.#cycleSweep[r]! >= cycleSweeps) this.#restart(r, reheatT);
        else this.#temp[r]! *= this.#cooling;
      }
    }
    this.sweeps += epochSweeps;
  }

  #restart(r: number, temperature: number): void {
    this.#cycleSweep[r] = 0;
    this.#temp[r] = temperature;
    if (this.#energy[r]! <= this.bestEnergy) return;
    const tour = this.#tours[r]!;
    const pos = this.#pos[r]!;
    tour.set(this.bestState);
    for (let p = 0; p < tour.length; p++) pos[tour[p]!] = p;
    if (!this.#inst.symmetric) this.#rebuildPrefix(r);
    this.#energy[r] = this.bestEnergy;
  }

  protected price(tour: Int32Array): number {
    return tourCost(this.#inst, tour);
  }

  #rebuildPrefix(r: number): void {
    const { n, dist } = this.#inst;
    const tour = this.#tours[r]!;
    const fwd = this.#fwd[r]!;
    const bwd = this.#bwd[r]!;
    for (let p = 0; p < n; p++) {
      const a = tour[p]!;
      const b = tour[(p + 1) % n]!;
      fwd[p + 1] = fwd[p]! + dist[a * n + b]!;
      bwd[p + 1] = bwd[p]! + dist[b * n + a]!;
    }
  }

  #sweep(r: number): void {
    const { n, dist, neighbors, k, symmetric } = this.#inst;
    const tour = this.#tours[r]!;
    const pos = this.#pos[r]!;
    const rng = this.#rngs[r]!;
    const T = this.#temp[r]!;
    const fwd = this.#fwd[r];
    const bwd = this.#bwd[r];
    let energy = this.#energy[r]!;
    for (let m = 0; m < n; m++) {
      if (rng.nextFloat() < 0.5) {
        // 2-opt: new edge (a, c) with c near a, replacing (tour[p], tour[p+1]) and (tour[q], tour[q+1]).
        const i = rng.below(n);
        const a = tour[i]!;
        const c = rng.nextFloat() < FAR_MOVE ? rng.below(n) : neighbors[a * k + rng.below(k)]!;
        const j = pos[c]!;
        const p = i < j ? i : j;
        const q = i < j ? j : i;
        if (q - p < 2 || (p === 0 && q === n - 1)) continue;
        const tp = tour[p]!;
        const tp1 = tour[p + 1]!;
        const tq = tour[q]!;
        const tq1 = tour[(q + 1) % n]!;
        let delta = dist[tp * n + tq]! + dist[tp1 * n + tq1]! - dist[tp * n + tp1]! - dist[tq * n + tq1]!;
        if (!symmetric) delta += bwd![q]! - bwd![p + 1]! - (fwd![q]! - fwd![p + 1]!);
        if (delta > 0 && rng.nextFloat() >= Math.exp(-delta / T)) continue;
        energy += delta;
        if (symmetric && q - p > n / 2) reverse(tour, pos, (q + 1) % n, n - (q - p), n);
        else reverse(tour, pos, p + 1, q - p, n);
        if (!symmetric) this.#rebuildPrefix(r);
      } else {
        // or-opt: move the segment of 1..3 cities starting at position i into the gap next to a city near its head.
        const len = 1 + rng.below(3);
        const i = rng.below(n);
        const e = (i + len - 1) % n;
        const s1 = tour[i]!;
        const se = tour[e]!;
        const prev = tour[(i - 1 + n) % n]!;
        const next = tour[(e + 1) % n]!;
        const c = neighbors[s1 * k + rng.below(k)]!;
        const g = rng.nextFloat() < 0.5 ? pos[c]! : (pos[c]! - 1 + n) % n;
        const fromHead = (g - i + n) % n;
        const afterTail = (g - e + n) % n;
        if (fromHead < len || (g + 1) % n === i) continue;
        const x = tour[g]!;
        const y = tour[(g + 1) % n]!;
        const removed = dist[prev * n + next]! - dist[prev * n + s1]! - dist[se * n + next]! - dist[x * n + y]!;
        const forward = dist[x * n + s1]! + dist[se * n + y]!;
        let reversed = dist[x * n + se]! + dist[s1 * n + y]!;
        if (!symmetric) reversed += segmentReversal(dist, n, tour, i, len);
        const flip = reversed < forward;
        const delta = removed + (flip ? reversed : forward);
        if (delta > 0 && rng.nextFloat() >= Math.exp(-delta / T)) continue;
        energy += delta;
        moveSegment(tour, pos, i, len, g, afterTail, flip, n);
        if (!symmetric) this.#rebuildPrefix(r);
      }
    }
    this.#energy[r] = energy;
  }
}

/** Cost change of walking a short segment backwards (asymmetric distances only). */
function segmentReversal(dist: Float64Array, n: number, tour: Int32Array, start: number, len: number): number {
  let change = 0;
  for (let k = 0; k < len - 1; k++) {
    const a = tour[(start + k) % n]!;
    const b = tour[(start + k + 1) % n]!;
    change += dist[b * n + a]! - dist[a * n + b]!;
  }
  return change;
}
