import { type BinaryModel, isIntegral, localFields, modelEnergy } from './binary-model.js';
import { hashRow, hashUniform, hashUniformFrom } from './counter-hash.js';
import { CpuAnnealer } from './cpu-annealer.js';
import type { EngineOptions } from './engine.js';
import { PtRestarts, type PtSchedule, acceptSwap, ptSchedule, ptStart, ptStates } from './pt-schedule.js';

const SPIN_TRIES_PER_EPOCH = 1 << 18;
/**
 * Sweeps between exact recomputations of a replica's fields: often enough that float drift stays far below any energy
 * gap. Whole-number models skip them: their sums stay exact in doubles, and on G22 the recomputations took 13% of the time.
 */
const RESYNC_SWEEPS = 64;
/** Uphill moves of more than this many temperatures are never taken: e^-20 is below the draws' 2^-24 resolution. */
const MAX_EXPONENT = 20;
/** Longest acceptance table: where whole-number changes are large against the temperatures, e^(-Δ/T) is computed instead. */
const MAX_TABLE = 4096;

/**
 * Parallel tempering over x ∈ {0,1}ⁿ on the CPU: in-order Metropolis sweeps that keep every local
 * field up to date on each flip, so a flip test is O(1) and a flip O(degree). Where every energy change
 * is a whole number (Max-Cut, integer QUBOs), the acceptance chances e^(-Δ/T) come from a table per rung.
 */
export class PtCpuAnnealer extends CpuAnnealer<Uint8Array> {
  readonly #model: BinaryModel;
  readonly #schedule: PtSchedule;
  readonly #x: Uint8Array[];
  readonly #fields: Float64Array[];
  readonly #energy: Float64Array;
  readonly #keys: Uint32Array;
  readonly #exchangeKey: number;
  /** Replica on each slot (ladder · rungs + rung). */
  readonly #atSlot: Int32Array;
  /** Per rung, e^(-Δ/T) for Δ = 0, 1, 2, …; null when energy changes need not be whole numbers, or the table would be long. */
  readonly #acceptance: (Float64Array | null)[];
  /** Every field and coupling is a whole number, so incremental sums never drift. */
  readonly #integral: boolean;
  readonly #seed: number;
  #round = 0;
  #resyncedAt = 0;
  readonly #restarts = new PtRestarts();

  constructor(model: BinaryModel, options: EngineOptions) {
    const { n } = model;
    const schedule = ptSchedule(model, options.replicas, SPIN_TRIES_PER_EPOCH);
    const { replicas } = schedule;
    super(new Uint8Array(n), replicas);
    this.#model = model;
    this.#schedule = schedule;
    this.#seed = options.seed;
    const start = ptStart(options.seed, replicas, n);
    this.#keys = start.keys;
    this.#exchangeKey = start.exchangeKey;
    this.#x = Array.from({ length: replicas }, (_, r) => start.x.slice(r * n, (r + 1) * n));
    this.#fields = Array.from({ length: replicas }, () => new Float64Array(n));
    this.#energy = new Float64Array(replicas);
    this.#atSlot = Int32Array.from({ length: replicas }, (_, k) => k);
    const integral = isIntegral(model);
    this.#integral = integral;
    this.#acceptance = Array.from(schedule.temperatures, (T) => {
      const length = Math.ceil(MAX_EXPONENT * T) + 1;
      return integral && length <= MAX_TABLE ? Float64Array.from({ length }, (_, delta) => Math.exp(-delta / T)) : null;
    });
    for (let r = 0; r < replicas; r++) {
      this.#resync(r);
      this.offerBest(this.#energy, r, this.#x[r]!);
    }
  }

  current(): { energy: number; temperature: number } {
    return { energy: this.#energy[this.#atSlot[0]!]!, temperature: this.#schedule.temperatures[0]! };
  }

  epoch(): void {
    const { temperatures, rungs, replicas, sweepsPerRound, roundsPerEpoch } = this.#schedule;
    for (let round = 0; round < roundsPerEpoch; round++) {
      for (let slot = 0; slot < replicas; slot++) {
        const r = this.#atSlot[slot]!;
        for (let s = 0; s < sweepsPerRound; s++) {
          this.#sweep(r, slot % rungs, this.sweeps + s);
          this.offerBest(this.#energy, r, this.#x[r]!);
        }
      }
      this.sweeps += sweepsPerRound;
      for (let ladder = 0; ladder < replicas; ladder += rungs) {
        for (let k = this.#round & 1; k + 1 < rungs; k += 2) {
          const slot = ladder + k;
          const cold = this.#atSlot[slot]!;
          const hot = this.#atSlot[slot + 1]!;
          const u = hashUniform(this.#exchangeKey, this.#round, slot);
          if (acceptSwap(temperatures[k]!, temperatures[k + 1]!, this.#energy[cold]!, this.#energy[hot]!, u)) {
            this.#atSlot[slot] = hot;
            this.#atSlot[slot + 1] = cold;
          }
        }
      }
      this.#round++;
    }
    let lowest = Infinity;
    for (let r = 0; r < replicas; r++) lowest = Math.min(lowest, this.#energy[r]!);
    if (this.#restarts.due(lowest, this.sweeps)) this.#restart();
    if (this.#integral || this.sweeps - this.#resyncedAt < RESYNC_SWEEPS) return;
    this.#resyncedAt = this.sweeps;
    for (let r = 0; r < replicas; r++) this.#resync(r);
  }

  /** Every replica starts again from a random state of its own; the best found so far stays. */
  #restart(): void {
    const { n } = this.#model;
    const states = ptStates(this.#seed, this.#schedule.replicas, n, this.#restarts.count);
    for (let r = 0; r < this.#schedule.replicas; r++) {
      this.#x[r]!.set(states.subarray(r * n, (r + 1) * n));
      this.#resync(r);
    }
  }

  /** Recomputes fields and energy from scratch, shedding the rounding of many float updates. */
  #resync(r: number): void {
    localFields(this.#model, this.#x[r]!, this.#fields[r]!);
    this.#energy[r] = modelEnergy(this.#model, this.#x[r]!);
  }

  protected price(x: Uint8Array): number {
    return modelEnergy(this.#model, x);
  }

  #sweep(r: number, rung: number, sweep: number): void {
    const { n, rowStart, cols, weights } = this.#model;
    const x = this.#x[r]!;
    const f = this.#fields[r]!;
    const row = hashRow(this.#keys[r]!, sweep);
    const beta = 1 / this.#schedule.temperatures[rung]!;
    const table = this.#acceptance[rung] ?? null;
    let energy = this.#energy[r]!;
    for (let i = 0; i < n; i++) {
      const up = x[i] === 0;
      const delta = up ? f[i]! : -f[i]!;
      if (delta > 0) {
        const chance = table === null ? Math.exp(-delta * beta) : delta < table.length ? table[delta]! : 0;
        if (chance === 0 || hashUniformFrom(row, i) >= chance) continue;
      }
      x[i] = up ? 1 : 0;
      energy += delta;
      const sign = up ? 1 : -1;
      for (let e = rowStart[i]!; e < rowStart[i + 1]!; e++) f[cols[e]!]! += sign * weights[e]!;
    }
    this.#energy[r] = energy;
  }
}
