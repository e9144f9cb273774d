import type { AnnealingEngine } from './engine.js';

/** What the CPU annealers share: the engine's bookkeeping and the best state of all replicas. */
export abstract class CpuAnnealer<State extends Uint8Array | Int32Array> implements AnnealingEngine {
  readonly device = 'cpu';
  readonly gpuSeconds = 0;
  readonly exhausted = false;
  sweeps = 0;
  bestEnergy = Infinity;

  protected readonly bestState: State;
  readonly #replicas: number;

  protected constructor(bestState: State, replicas: number) {
    this.bestState = bestState;
    this.#replicas = replicas;
  }

  get attempts(): number {
    return this.sweeps * this.bestState.length * this.#replicas;
  }

  bestSolution(): number[] {
    return Array.from(this.bestState);
  }

  abstract current(): { energy: number; temperature: number };
  abstract epoch(): void;

  /** The exact energy of a replica's state. */
  protected abstract price(state: State): number;

  /** Re-prices replica r exactly when it beats the best, which also sheds the drift of summed float deltas. */
  protected offerBest(energy: Float64Array, r: number, state: State): void {
    if (energy[r]! >= this.bestEnergy) return;
    const exact = this.price(state);
    energy[r] = exact;
    if (exact < this.bestEnergy) {
      this.bestEnergy = exact;
      this.bestState.set(state);
    }
  }
}
