import type { AnnealingEngine } from './engine.js';

/** A local search on the CPU that starts from what an annealer finds and tries to improve on it. */
export interface Polisher {
  /** Exact energy of `bestSolution()`, priced on the CPU. */
  readonly bestEnergy: number;
  bestSolution(): number[];
  /** Local search steps so far (for tours, kicks). */
  readonly steps: number;
  /** A new best of the annealer's, as a place the search may start from. */
  offer(solution: number[]): void;
  /** A fixed amount of search, so that epochs stay short and a seeded run repeats itself. */
  work(): void;
}

/**
 * An annealer (CPU or GPU) with a local search that polishes its best solutions: after each of the annealer's
 * epochs the polisher hears of any new best it found, then works on the CPU. The two take turns rather than
 * overlap, so a GPU annealer's busy seconds stay its own. The better of the two bests is the engine's best.
 */
export class PolishedEngine implements AnnealingEngine {
  readonly #inner: AnnealingEngine;
  readonly #polisher: Polisher;
  #offered = Infinity;

  constructor(inner: AnnealingEngine, polisher: Polisher) {
    this.#inner = inner;
    this.#polisher = polisher;
    this.#offer();
  }

  get device(): string {
    return this.#inner.device;
  }

  get sweeps(): number {
    return this.#inner.sweeps;
  }

  get attempts(): number {
    return this.#inner.attempts;
  }

  get localSearchSteps(): number {
    return this.#polisher.steps;
  }

  get gpuSeconds(): number {
    return this.#inner.gpuSeconds;
  }

  get exhausted(): boolean {
    return this.#inner.exhausted;
  }

  get bestEnergy(): number {
    return Math.min(this.#inner.bestEnergy, this.#polisher.bestEnergy);
  }

  bestSolution(): number[] {
    return this.#polisher.bestEnergy < this.#inner.bestEnergy ? this.#polisher.bestSolution() : this.#inner.bestSolution();
  }

  current(): { energy: number; temperature: number } {
    return this.#inner.current();
  }

  async epoch(): Promise<void> {
    await this.#inner.epoch();
    this.#offer();
    this.#polisher.work();
  }

  dispose(): void {
    this.#inner.dispose?.();
  }

  #offer(): void {
    if (!(this.#inner.bestEnergy < this.#offered)) return;
    this.#offered = this.#inner.bestEnergy;
    this.#polisher.offer(this.#inner.bestSolution());
  }
}
