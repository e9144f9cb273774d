import type { BinaryModel } from './binary-model.js';
import { hashUniform } from './counter-hash.js';
import { seedWords } from './random.js';

/**
 * Parallel tempering for the binary models, shared by the CPU and GPU annealers. Replicas form
 * ladders of `rungs` replicas on one temperature ladder; each round every replica runs
 * `sweepsPerRound` Metropolis sweeps, then neighbouring rungs of each ladder (even pairs on even
 * rounds, odd pairs on odd rounds) try to swap their states.
 */
export interface PtSchedule {
  /** Ascending, one per rung: rung 0 is the coldest. */
  temperatures: Float64Array;
  rungs: number;
  /** Replicas actually run: the requested count rounded up to whole ladders. */
  replicas: number;
  sweepsPerRound: number;
  roundsPerEpoch: number;
}

const MAX_RUNGS = 16;
/**
 * In units of the model's flip scale. With the top at 0.35–0.4 rather than 0.8, G22's ladders reached 13358 cuts
 * 2–3× sooner: hotter rungs thin out the ladder where swaps are rarest.
 */
const COLDEST = 0.05;
const HOTTEST = 0.4;
const SWEEPS_PER_ROUND = 2;

/**
 * Temperatures grow with the square of the rung: a geometric ladder left the hot rungs, where a replica's energy
 * spreads widest, swapping less than 2% of the time (G-set G22), so hot states never reached the cold end; an even
 * spacing swapped evenly but left too few rungs in the cold range where the best basins part from the merely good.
 */
export function ptSchedule(model: BinaryModel, requested: number, spinTriesPerEpoch: number): PtSchedule {
  const rungs = Math.min(requested, MAX_RUNGS);
  const replicas = Math.ceil(requested / rungs) * rungs;
  const low = model.scale * COLDEST;
  const high = model.scale * HOTTEST;
  const temperatures = new Float64Array(rungs);
  for (let k = 0; k < rungs; k++) temperatures[k] = rungs === 1 ? low : low + (high - low) * (k / (rungs - 1)) ** 2;
  const roundsPerEpoch = Math.max(1, Math.round(spinTriesPerEpoch / (model.n * replicas * SWEEPS_PER_ROUND)));
  return { temperatures, rungs, replicas, sweepsPerRound: SWEEPS_PER_ROUND, roundsPerEpoch };
}

/** Metropolis test for swapping the states on rungs k and k+1: accept with min(1, e^{(βₖ-βₖ₊₁)(Eₖ-Eₖ₊₁)}). */
export function acceptSwap(tCold: number, tHot: number, eCold: number, eHot: number, u: number): boolean {
  const exponent = (1 / tCold - 1 / tHot) * (eCold - eHot);
  return exponent >= 0 || u < Math.exp(exponent);
}

/**
 * Sweeps a ladder may go without lowering its lowest energy before it starts again from random states. On G-set G22
 * a ladder that found the best cut did so within about 4000 sweeps of reaching its final level; one still stuck after
 * that stays stuck, and a fresh ladder has the same chance again.
 */
const RESTART_AFTER_SWEEPS = 4000;

/** When the replicas should start again from random states (`ptStates`), from their lowest energy after each epoch. */
export class PtRestarts {
  /** Restarts so far: the attempt number of the states in use. */
  count = 0;
  #lowest = Infinity;
  #improvedAt = 0;

  /** Whether, with `lowest` the lowest replica energy now, the ladder has stalled; if so it counts a restart. */
  due(lowest: number, sweeps: number): boolean {
    if (lowest < this.#lowest) {
      this.#lowest = lowest;
      this.#improvedAt = sweeps;
    }
    if (sweeps - this.#improvedAt < RESTART_AFTER_SWEEPS) return false;
    this.count++;
    this.#lowest = Infinity;
    this.#improvedAt = sweeps;
    return true;
  }
}

export interface PtStart {
  /** Key of each replica's random draws. */
  keys: Uint32Array;
  exchangeKey: number;
  /** Initial states, replica after replica. */
  x: Uint8Array;
}

/** The seeded start both devices share: random states and the keys of every replica's draws. */
export function ptStart(seed: number, replicas: number, n: number): PtStart {
  const keys = Uint32Array.from({ length: replicas }, (_, r) => seedWords(seed, r)[0]!);
  return { keys, exchangeKey: seedWords(seed, replicas)[0]!, x: ptStates(seed, replicas, n, 0) };
}

/** Random states for every replica, replica after replica: attempt 0 is the start, later attempts are restarts. */
export function ptStates(seed: number, replicas: number, n: number, attempt: number): Uint8Array {
  const x = new Uint8Array(replicas * n);
  for (let r = 0; r < replicas; r++) {
    const key = seedWords(seed, r)[1]!;
    for (let i = 0; i < n; i++) x[r * n + i] = hashUniform(key, i, attempt) < 0.5 ? 1 : 0;
  }
  return x;
}
