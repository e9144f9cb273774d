import type { Rng } from './random.js';
import { type TspInstance, tourCost } from './tsp-instance.js';
import { moveSegment, reverse } from './tsp-moves.js';

/** Longest segment a kick moves: short kicks keep most of a good tour, so the descent after one is quick. */
const KICK_SEGMENT = 30;

/**
 * Iterated local search over symmetric tours. A descent applies improving 2-opt and or-opt moves (segments of
 * 1–3 cities, either way round) whose new edge joins a city to one of its nearest neighbours, and looks only at
 * cities near the last changes (don't-look bits: a queue of the cities whose edges changed). Between descents a
 * kick swaps two short adjacent segments (a double bridge, which 2-opt and or-opt cannot undo in one move), and
 * the walk keeps the new local optimum when it is no longer than the one before.
 */
export class TspLocalSearch {
  readonly #inst: TspInstance;
  readonly #tour: Int32Array;
  readonly #pos: Int32Array;
  /** The walk's current local optimum, restored when a kick leads nowhere better. */
  readonly #kept: Int32Array;
  readonly #queue: Int32Array;
  readonly #queued: Uint8Array;
  readonly #scratch: Int32Array;
  /** Changes smaller than this are rounding, not improvements: they must not make a descent cycle. */
  readonly #tolerance: number;
  #head = 0;
  #size = 0;
  #cost = 0;
  #keptCost = Infinity;
  readonly bestTour: Int32Array;
  bestCost = Infinity;
  /** Improving moves applied so far, over all descents. */
  moves = 0;
  kicks = 0;

  constructor(inst: TspInstance) {
    if (!inst.symmetric) throw new RangeError('the tour local search needs symmetric distances');
    if (inst.n < 8) throw new RangeError('the tour local search needs at least 8 cities');
    const { n } = inst;
    this.#inst = inst;
    this.#tour = new Int32Array(n);
    this.#pos = new Int32Array(n);
    this.#kept = new Int32Array(n);
    this.#queue = new Int32Array(n);
    this.#queued = new Uint8Array(n);
    this.#scratch = new Int32Array(n);
    this.#tolerance = 1e-9 * Math.max(1, inst.scale);
    this.bestTour = new Int32Array(n);
  }

  /** Length of the walk's current local optimum. */
  get cost(): number {
    return this.#keptCost;
  }

  /** Descends from `tour` and makes the local optimum reached the walk's current one. */
  restart(tour: ArrayLike<number>): void {
    const n = this.#inst.n;
    for (let p = 0; p < n; p++) {
      this.#tour[p] = tour[p]!;
      this.#pos[tour[p]!] = p;
      this.#push(tour[p]!);
    }
    this.#cost = tourCost(this.#inst, this.#tour);
    this.#descend();
    this.#keep();
  }

  /** `kicks` rounds of kick and descent from the current local optimum; each result no longer than it is kept. */
  iterate(kicks: number, rng: Rng): void {
    for (let round = 0; round < kicks; round++) {
      this.#kick(rng);
      this.#descend();
      this.kicks++;
      if (this.#cost <= this.#keptCost + this.#tolerance) this.#keep();
      else this.#restore();
    }
  }

  #keep(): void {
    this.#cost = tourCost(this.#inst, this.#tour);
    this.#kept.set(this.#tour);
    this.#keptCost = this.#cost;
    if (this.#cost < this.bestCost) {
      this.bestCost = this.#cost;
      this.bestTour.set(this.#tour);
    }
  }

  #restore(): void {
    this.#tour.set(this.#kept);
    for (let p = 0; p < this.#tour.length; p++) this.#pos[this.#tour[p]!] = p;
    this.#cost = this.#keptCost;
  }

  #push(city: number): void {
    if (this.#queued[city] === 1) return;
    this.#queued[city] = 1;
    const n = this.#queue.length;
    this.#queue[(this.#head + this.#size) % n] = city;
    this.#size++;
  }

  #descend(): void {
    while (this.#size > 0) {
      const city = this.#queue[this.#head]!;
      this.#head = (this.#head + 1) % this.#queue.length;
      this.#size--;
      this.#queued[city] = 0;
      if (this.#twoOpt(city) || this.#orOpt(city)) this.moves++;
    }
  }

  /** The first improving 2-opt move that gives `a` a new edge to a near neighbour, applied. */
  #twoOpt(a: number): boolean {
    const { n, dist, neighbors, k } = this.#inst;
    const tour = this.#tour;
    const pos = this.#pos;
    const pa = pos[a]!;
    for (const step of [1, n - 1]) {
      const b = tour[(pa + step) % n]!;
      const dab = dist[a * n + b]!;
      for (let m = 0; m < k; m++) {
        const c = neighbors[a * k + m]!;
        const dac = dist[a * n + c]!;
        if (dac >= dab - this.#tolerance) break;
        const d = tour[(pos[c]! + step) % n]!;
        if (d === a) continue;
        const delta = dac + dist[b * n + d]! - dab - dist[c * n + d]!;
        if (delta >= -this.#tolerance) continue;
        // Forward, the path b..c turns round; backward, the path a..d does.
        if (step === 1) this.#reversePath(pa + 1, pos[c]!);
        else this.#reversePath(pa, pos[d]!);
        this.#cost += delta;
        this.#push(a);
        this.#push(b);
        this.#push(c);
        this.#push(d);
        return true;
      }
    }
    return false;
  }

  /** Reverses the tour from position `from` forward to position `to`, or the rest of the tour when that is shorter. */
  #reversePath(from: number, to: number): void {
    const n = this.#inst.n;
    const start = from % n;
    const len = ((to - start + n) % n) + 1;
    if (2 * len > n) reverse(this.#tour, this.#pos, (to + 1) % n, n - len, n);
    else reverse(this.#tour, this.#pos, start, len, n);
  }

  /** The first improving move of a 1–3 city segment that starts or ends at `a` to a gap next to one of a's near neighbours. */
  #orOpt(a: number): boolean {
    const { n, dist, neighbors, k } = this.#inst;
    const tour = this.#tour;
    const pos = this.#pos;
    const pa = pos[a]!;
    for (let len = 1; len <= 3; len++) {
      for (const head of len === 1 ? [pa] : [pa, (pa - len + 1 + n) % n]) {
        const tail = (head + len - 1) % n;
        const s1 = tour[head]!;
        const se = tour[tail]!;
        const prev = tour[(head - 1 + n) % n]!;
        const next = tour[(tail + 1) % n]!;
        const gain = dist[prev * n + s1]! + dist[se * n + next]! - dist[prev * n + next]!;
        for (let m = 0; m < k; m++) {
          const c = neighbors[a * k + m]!;
          if (dist[a * n + c]! >= gain - this.#tolerance) break;
          const pc = pos[c]!;
          if ((pc - head + n) % n < len) continue;
          for (const gap of [pc, (pc - 1 + n) % n]) {
            if ((gap - head + n) % n < len || (gap + 1) % n === head) continue;
            const x = tour[gap]!;
            const y = tour[(gap + 1) % n]!;
            const forward = dist[x * n + s1]! + dist[se * n + y]!;
            const reversed = dist[x * n + se]! + dist[s1 * n + y]!;
            const flip = reversed < forward;
            const delta = (flip ? reversed : forward) - dist[x * n + y]! - gain;
            if (delta >= -this.#tolerance) continue;
            moveSegment(tour, pos, head, len, gap, (gap - tail + n) % n, flip, n);
            this.#cost += delta;
            for (const city of [prev, next, s1, se, x, y]) this.#push(city);
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Swaps two short segments that follow a random position: A B C → A C B. */
  #kick(rng: Rng): void {
    const { n, dist } = this.#inst;
    const tour = this.#tour;
    const pos = this.#pos;
    const longest = Math.max(1, Math.min(KICK_SEGMENT, (n - 2) >> 1));
    const i = rng.below(n);
    const first = 1 + rng.below(longest);
    const second = 1 + rng.below(longest);
    const at = (offset: number): number => tour[(i + offset) % n]!;
    const a = at(0);
    const b1 = at(1);
    const bl = at(first);
    const c1 = at(first + 1);
    const cl = at(first + second);
    const z = at(first + second + 1);
    this.#cost +=
      dist[a * n + c1]! + dist[cl * n + b1]! + dist[bl * n + z]! - dist[a * n + b1]! - dist[bl * n + c1]! - dist[cl * n + z]!;
    const scratch = this.#scratch;
    for (let s = 0; s < first; s++) scratch[s] = at(1 + s);
    for (let s = 0; s < second; s++) {
      const city = at(first + 1 + s);
      const p = (i + 1 + s) % n;
      tour[p] = city;
      pos[city] = p;
    }
    for (let s = 0; s < first; s++) {
      const p = (i + 1 + second + s) % n;
      tour[p] = scratch[s]!;
      pos[scratch[s]!] = p;
    }
    for (const city of [a, b1, bl, c1, cl, z]) this.#push(city);
  }
}
