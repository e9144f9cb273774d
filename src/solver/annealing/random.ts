/**
 * xoshiro128** seeded through splitmix32: 32-bit integer arithmetic only, so the WGSL kernels run
 * the very same generator and a seed means the same stream on every platform.
 */
export function splitmix32(state: number): [next: number, value: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/** Four 32-bit words of generator state per stream, derived from (seed, stream index). */
export function seedWords(seed: number, stream: number): Uint32Array {
  let state = (Math.imul(seed | 0, 0x2545f491) ^ Math.imul(stream + 1, 0x9e3779b9)) | 0;
  const words = new Uint32Array(4);
  for (let k = 0; k < 4; k++) {
    const [next, value] = splitmix32(state);
    state = next;
    words[k] = value;
  }
  if ((words[0]! | words[1]! | words[2]! | words[3]!) === 0) words[0] = 1;
  return words;
}

/** The stream of a run's local search, apart from the replicas' streams 0, 1, 2, …. */
export const POLISH_STREAM = 0x40000000;

export class Rng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  constructor(seed: number, stream = 0) {
    const w = seedWords(seed, stream);
    this.#s0 = w[0]! | 0;
    this.#s1 = w[1]! | 0;
    this.#s2 = w[2]! | 0;
    this.#s3 = w[3]! | 0;
  }

  nextU32(): number {
    const s1 = this.#s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = (this.#s3 << 11) | (this.#s3 >>> 21);
    return result;
  }

  /** Uniform in [0, 1) with 24 bits, the precision the GPU's f32 path uses too. */
  nextFloat(): number {
    return (this.nextU32() >>> 8) * (1 / 16777216);
  }

  /** Uniform integer in [0, bound). */
  below(bound: number): number {
    return Math.floor(this.nextFloat() * bound);
  }
}

/** A seed for runs that gave none: different each run, still reported so a run can be repeated. */
export function freshSeed(): number {
  return (Math.random() * 0x100000000) >>> 0;
}
