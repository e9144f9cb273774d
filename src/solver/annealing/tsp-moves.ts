import type { Rng } from './random.js';

/** Tour edits on a tour array and its inverse (`pos[city]` is the city's position), shared by the annealer and the local search. */

/** Reverses `len` tour positions starting at `start`, wrapping around the end. */
export function reverse(tour: Int32Array, pos: Int32Array, start: number, len: number, n: number): void {
  let lo = start;
  let hi = (start + len - 1) % n;
  for (let s = 0; s < len >> 1; s++) {
    const a = tour[lo]!;
    const b = tour[hi]!;
    tour[lo] = b;
    pos[b] = lo;
    tour[hi] = a;
    pos[a] = hi;
    lo = lo + 1 === n ? 0 : lo + 1;
    hi = hi === 0 ? n - 1 : hi - 1;
  }
}

/**
 * Moves the segment at positions start..start+len-1 into the gap after position `gap`, shifting
 * whichever run of cities between them is shorter (the cyclic tour comes out the same either way).
 */
export function moveSegment(
  tour: Int32Array,
  pos: Int32Array,
  start: number,
  len: number,
  gap: number,
  afterTail: number,
  flip: boolean,
  n: number,
): void {
  const seg = [tour[start]!, tour[(start + 1) % n]!, tour[(start + 2) % n]!].slice(0, len);
  if (flip) seg.reverse();
  const before = n - len - afterTail;
  if (afterTail <= before) {
    for (let s = 0; s < afterTail; s++) {
      const city = tour[(start + len + s) % n]!;
      const at = (start + s) % n;
      tour[at] = city;
      pos[city] = at;
    }
    for (let s = 0; s < len; s++) {
      const at = (start + afterTail + s) % n;
      tour[at] = seg[s]!;
      pos[seg[s]!] = at;
    }
  } else {
    const end = (start + len - 1) % n;
    for (let s = 0; s < before; s++) {
      const city = tour[(start - 1 - s + 2 * n) % n]!;
      const at = (end - s + n) % n;
      tour[at] = city;
      pos[city] = at;
    }
    for (let s = 0; s < len; s++) {
      const at = (gap + 1 + s) % n;
      tour[at] = seg[s]!;
      pos[seg[s]!] = at;
    }
  }
}

/** A uniformly random tour (Fisher–Yates). */
export function shuffledTour(n: number, rng: Rng): Int32Array {
  const tour = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = tour[i]!;
    tour[i] = tour[j]!;
    tour[j] = t;
  }
  return tour;
}
