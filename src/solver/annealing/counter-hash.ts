/**
 * Counter-based random numbers for the Ising annealers: the draw for (stream, sweep, variable) is a
 * pure function of those numbers, so GPU threads can test several variables at once and still make the
 * decisions a sequential sweep would. The WGSL kernels carry the same functions.
 */
export function lowbias32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Uniform in [0, 1) with 24 bits. */
export function hashUniform(key: number, a: number, b: number): number {
  return hashUniformFrom(hashRow(key, a), b);
}

/** The part of `hashUniform(key, a, b)` that does not depend on b, for loops over b. */
export function hashRow(key: number, a: number): number {
  return lowbias32((key ^ lowbias32(a)) >>> 0);
}

/** `hashUniform(key, a, b)` given `row = hashRow(key, a)`. */
export function hashUniformFrom(row: number, b: number): number {
  return (lowbias32((row + b) >>> 0) >>> 8) * (1 / 16777216);
}

export const HASH_WGSL = /* wgsl */ `
fn lowbias32(value: u32) -> u32 {
  var x = value;
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}

fn hash_uniform(key: u32, a: u32, b: u32) -> f32 {
  let h = lowbias32(lowbias32(key ^ lowbias32(a)) + b);
  return f32(h >> 8u) * (1.0 / 16777216.0);
}
`;
