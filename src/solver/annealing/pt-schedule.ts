import type { BinaryModel } from './binary-model.js';
import { hashUniform } from './counter-hash.js';
import { seedWords } from './random.js';

/**
 * Parallel tempering for the binary models, shared by the CPU and GPU annealers. Replicas form
 * ladders of `rungs` replicas on one geometric temperature ladder; each round every replica runs
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
const COLDEST = 0.04;
const HOTTEST = 0.8;
const SWEEPS_PER_ROUND = 2;

export function ptSchedule(model: BinaryModel, requested: number, spinTriesPerEpoch: number): PtSchedule {
  const rungs = Math.min(requested, MAX_RUNGS);
  const replicas = Math.ceil(requested / rungs) * rungs;
  const low = model.scale * COLDEST;
  const high = model.scale * HOTTEST;
  const temperatures = new Float64Array(rungs);
  for (let k = 0; k < rungs; k++) temperatures[k] = rungs === 1 ? low : low * Math.pow(high / low, k / (rungs - 1));
  const roundsPerEpoch = Math.max(1, Math.round(spinTriesPerEpoch / (model.n * replicas * SWEEPS_PER_ROUND)));
  return { temperatures, rungs, replicas, sweepsPerRound: SWEEPS_PER_ROUND, roundsPerEpoch };
}

/** Metropolis test for swapping the states on rungs k and k+1: accept with min(1, e^{(βₖ-βₖ₊₁)(Eₖ-Eₖ₊₁)}). */
export function acceptSwap(tCold: number, tHot: number, eCold: number, eHot: number, u: number): boolean {
  const exponent = (1 / tCold - 1 / tHot) * (eCold - eHot);
  return exponent >= 0 || u < Math.exp(exponent);
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
  const keys = new Uint32Array(replicas);
  const x = new Uint8Array(replicas * n);
  for (let r = 0; r < replicas; r++) {
    const words = seedWords(seed, r);
    keys[r] = words[0]!;
    for (let i = 0; i < n; i++) x[r * n + i] = hashUniform(words[1]!, i, 0) < 0.5 ? 1 : 0;
  }
  return { keys, exchangeKey: seedWords(seed, replicas)[0]!, x };
}
