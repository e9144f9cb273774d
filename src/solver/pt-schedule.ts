import type { BinaryModel } from './binary-model.js';

/**
 * Parallel tempering for the binary models, shared by the CPU and GPU annealers: replicas sit on a
 * geometric temperature ladder, run `sweepsPerRound` Metropolis sweeps, then neighbouring rungs
 * (even pairs on even rounds, odd pairs on odd rounds) try to swap temperatures.
 */
export interface PtSchedule {
  /** Ascending: rung 0 is the coldest. */
  temperatures: Float64Array;
  sweepsPerRound: number;
  roundsPerEpoch: number;
}

const SPIN_TRIES_PER_EPOCH = 1 << 18;
const COLDEST = 0.04;
const HOTTEST = 0.8;

export function ptSchedule(model: BinaryModel, replicas: number, sweepsPerRound = 2): PtSchedule {
  const low = model.scale * COLDEST;
  const high = model.scale * HOTTEST;
  const temperatures = new Float64Array(replicas);
  for (let k = 0; k < replicas; k++) {
    temperatures[k] = replicas === 1 ? low : low * Math.pow(high / low, k / (replicas - 1));
  }
  const roundsPerEpoch = Math.max(1, Math.round(SPIN_TRIES_PER_EPOCH / (model.n * replicas * sweepsPerRound)));
  return { temperatures, sweepsPerRound, roundsPerEpoch };
}

/** Metropolis test for swapping the states on rungs k and k+1: accept with min(1, e^{(βₖ-βₖ₊₁)(Eₖ-Eₖ₊₁)}). */
export function acceptSwap(tCold: number, tHot: number, eCold: number, eHot: number, u: number): boolean {
  const exponent = (1 / tCold - 1 / tHot) * (eCold - eHot);
  return exponent >= 0 || u < Math.exp(exponent);
}
