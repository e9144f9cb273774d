import type { Polisher } from './polished-engine.js';
import { POLISH_STREAM, Rng } from './random.js';
import type { TspInstance } from './tsp-instance.js';
import { TspLocalSearch } from './tsp-local-search.js';
import { shuffledTour } from './tsp-moves.js';

/**
 * Kicks per epoch: about as long as a CPU annealing epoch (some milliseconds). Taking back a kick that led
 * nowhere copies the whole tour, so large instances get fewer.
 */
const KICKS_PER_EPOCH = 2048;
const CITY_COPIES_PER_EPOCH = 1 << 19;
const KICKS_PER_CHECK = 64;
/** Kicks without a shorter tour after which the walk has settled in its basin and starts again elsewhere. */
const STALL_KICKS = 20000;
const STALL_KICKS_PER_CITY = 50;

/**
 * Iterated local search (tsp-local-search.ts) from the annealer's best tours. When its walk stalls it starts
 * again from the annealer's latest best, or from a random tour when the annealer has found nothing new since.
 */
export class TspPolisher implements Polisher {
  readonly #inst: TspInstance;
  readonly #search: TspLocalSearch;
  readonly #rng: Rng;
  #offered: number[] | null = null;
  #started = false;
  #walkBest = Infinity;
  #sinceImproved = 0;
  readonly #kicksPerEpoch: number;
  readonly #stallKicks: number;

  /** Symmetric instances with room for the kicks; asymmetric ones are left to the annealer. */
  static fits(inst: TspInstance): boolean {
    return inst.symmetric && inst.n >= 8;
  }

  constructor(inst: TspInstance, seed: number) {
    this.#inst = inst;
    this.#search = new TspLocalSearch(inst);
    this.#rng = new Rng(seed, POLISH_STREAM);
    this.#kicksPerEpoch = Math.max(KICKS_PER_CHECK, Math.min(KICKS_PER_EPOCH, Math.round(CITY_COPIES_PER_EPOCH / inst.n)));
    this.#stallKicks = Math.max(STALL_KICKS, STALL_KICKS_PER_CITY * inst.n);
  }

  get bestEnergy(): number {
    return this.#search.bestCost;
  }

  bestSolution(): number[] {
    return Array.from(this.#search.bestTour);
  }

  get steps(): number {
    return this.#search.kicks;
  }

  offer(tour: number[]): void {
    this.#offered = tour;
    if (!this.#started) this.#restart();
  }

  work(): void {
    if (!this.#started) return;
    for (let done = 0; done < this.#kicksPerEpoch; done += KICKS_PER_CHECK) {
      if (this.#sinceImproved >= this.#stallKicks) this.#restart();
      this.#search.iterate(KICKS_PER_CHECK, this.#rng);
      this.#sinceImproved += KICKS_PER_CHECK;
      if (this.#search.cost < this.#walkBest) {
        this.#walkBest = this.#search.cost;
        this.#sinceImproved = 0;
      }
    }
  }

  #restart(): void {
    this.#search.restart(this.#offered ?? shuffledTour(this.#inst.n, this.#rng));
    this.#offered = null;
    this.#started = true;
    this.#walkBest = this.#search.cost;
    this.#sinceImproved = 0;
  }
}
