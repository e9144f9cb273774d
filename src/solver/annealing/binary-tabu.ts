import { type BinaryModel, localFields, modelEnergy } from './binary-model.js';
import type { Rng } from './random.js';

/**
 * Tabu search over x ∈ {0,1}ⁿ: each step flips the variable whose flip lowers the energy most (or raises it
 * least), ties broken at random, among those not flipped in their last few steps; a tabu flip is still taken
 * when it beats the best state found. The local fields are kept up to date as in the annealer, so pricing
 * every flip is a scan of n fields and a flip costs its degree.
 */
export class BinaryTabuSearch {
  readonly #model: BinaryModel;
  readonly #x: Uint8Array;
  readonly #fields: Float64Array;
  /** Step from which each variable may flip again. */
  readonly #free: Float64Array;
  readonly #tenure: number;
  readonly #tolerance: number;
  #energy = 0;
  readonly bestState: Uint8Array;
  bestEnergy = Infinity;
  steps = 0;

  constructor(model: BinaryModel) {
    const { n } = model;
    this.#model = model;
    this.#x = new Uint8Array(n);
    this.#fields = new Float64Array(n);
    this.#free = new Float64Array(n);
    this.#tenure = Math.max(1, Math.ceil(n / 30));
    this.#tolerance = 1e-9 * Math.max(1, model.scale);
    this.bestState = new Uint8Array(n);
  }

  get energy(): number {
    return this.#energy;
  }

  /** Continues the walk from `x`, which counts as found (it may become the best). */
  restart(x: ArrayLike<number>): void {
    for (let i = 0; i < this.#model.n; i++) this.#x[i] = x[i]!;
    this.#free.fill(0);
    this.#resync();
  }

  iterate(steps: number, rng: Rng): void {
    const { n, rowStart, cols, weights } = this.#model;
    const x = this.#x;
    const f = this.#fields;
    const free = this.#free;
    const tolerance = this.#tolerance;
    this.#resync();
    let found = false;
    for (let s = 0; s < steps; s++) {
      const step = this.steps++;
      const aspiration = this.bestEnergy - this.#energy - tolerance;
      let pick = -1;
      let pickDelta = Infinity;
      let ties = 0;
      for (let i = 0; i < n; i++) {
        const delta = x[i] === 0 ? f[i]! : -f[i]!;
        if (delta > pickDelta + tolerance || (free[i]! > step && delta >= aspiration)) continue;
        if (delta < pickDelta - tolerance) {
          pick = i;
          pickDelta = delta;
          ties = 1;
        } else if (rng.below(++ties) === 0) pick = i;
      }
      if (pick < 0) continue;
      const up = x[pick] === 0;
      x[pick] = up ? 1 : 0;
      this.#energy += pickDelta;
      free[pick] = step + 1 + this.#tenure + rng.below(this.#tenure + 10);
      const sign = up ? 1 : -1;
      for (let e = rowStart[pick]!; e < rowStart[pick + 1]!; e++) f[cols[e]!]! += sign * weights[e]!;
      if (this.#energy < this.bestEnergy - tolerance) {
        this.bestEnergy = this.#energy;
        this.bestState.set(x);
        found = true;
      }
    }
    if (found) this.bestEnergy = modelEnergy(this.#model, this.bestState);
  }

  /** Fields and energy from scratch, so float drift never accumulates over many calls. */
  #resync(): void {
    localFields(this.#model, this.#x, this.#fields);
    this.#energy = modelEnergy(this.#model, this.#x);
    if (this.#energy < this.bestEnergy) {
      this.bestEnergy = this.#energy;
      this.bestState.set(this.#x);
    }
  }
}
