/** Held–Karp dynamic programme: the exact optimum for small n, symmetric or not. */
export function heldKarp(d: number[][]): number {
  const n = d.length;
  if (n === 1) return 0;
  const full = 1 << (n - 1);
  const cost = Array.from({ length: full }, () => new Array<number>(n - 1).fill(Infinity));
  for (let j = 0; j < n - 1; j++) cost[1 << j]![j] = d[0]![j + 1]!;
  for (let set = 1; set < full; set++) {
    for (let j = 0; j < n - 1; j++) {
      const here = cost[set]![j]!;
      if (!(set & (1 << j)) || here === Infinity) continue;
      for (let k = 0; k < n - 1; k++) {
        if (set & (1 << k)) continue;
        const next = set | (1 << k);
        const value = here + d[j + 1]![k + 1]!;
        if (value < cost[next]![k]!) cost[next]![k] = value;
      }
    }
  }
  return Math.min(...cost[full - 1]!.map((c, j) => c + d[j + 1]![0]!));
}
