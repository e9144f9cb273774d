import { Rng } from '../../src/solver/annealing/random.js';

/**
 * Small instances in the public benchmark formats, with their optima found here by exhaustive search, so the
 * parsers and solvers are checked against known answers without the public files (only benchmarks read those).
 */

/** OR-Library BQP text (one instance, upper triangle, maximise xᵀQx) and its maximum by brute force. */
export function bqpInstance(n: number, seed: number): { text: string; maximum: number; best: number[] } {
  const rng = new Rng(seed);
  const entries: [number, number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) if (i === j || rng.nextFloat() < 0.3) entries.push([i, j, rng.below(201) - 100]);
  const value = (x: number[]) => entries.reduce((sum, [i, j, q]) => sum + (i === j ? q : 2 * q) * x[i]! * x[j]!, 0);
  let maximum = -Infinity;
  let best: number[] = [];
  for (let mask = 0; mask < 1 << n; mask++) {
    const x = Array.from({ length: n }, (_, i) => (mask >> i) & 1);
    const v = value(x);
    if (v > maximum) [maximum, best] = [v, x];
  }
  const lines = ['1', `${n} ${entries.length}`, ...entries.map(([i, j, q]) => `${i + 1} ${j + 1} ${q}`)];
  return { text: `${lines.join('\n')}\n`, maximum, best };
}

/** A TSPLIB EUC_2D instance, its optimal tour (TSPLIB `.opt.tour` text) and length, by trying every tour. */
export function tsplibInstance(n: number, seed: number): { name: string; text: string; tourText: string; optimum: number } {
  const rng = new Rng(seed);
  const points = Array.from({ length: n }, () => [rng.below(1000), rng.below(1000)] as const);
  const distance = (a: number, b: number) => Math.round(Math.hypot(points[a]![0] - points[b]![0], points[a]![1] - points[b]![1]));
  let optimum = Infinity;
  let bestTour: number[] = [];
  const visit = (tour: number[], used: boolean[], length: number): void => {
    if (length >= optimum) return;
    if (tour.length === n) {
      const closed = length + distance(tour[n - 1]!, tour[0]!);
      if (closed < optimum) [optimum, bestTour] = [closed, [...tour]];
      return;
    }
    for (let city = 1; city < n; city++) {
      if (used[city]) continue;
      used[city] = true;
      tour.push(city);
      visit(tour, used, length + distance(tour[tour.length - 2]!, city));
      tour.pop();
      used[city] = false;
    }
  };
  visit([0], [true, ...Array<boolean>(n - 1).fill(false)], 0);
  const name = `rand${n}`;
  const text = [`NAME : ${name}`, 'TYPE : TSP', `DIMENSION : ${n}`, 'EDGE_WEIGHT_TYPE : EUC_2D', 'NODE_COORD_SECTION', ...points.map(([x, y], i) => `${i + 1} ${x} ${y}`), 'EOF', ''].join('\n');
  const tourText = [`NAME : ${name}.opt.tour`, 'TYPE : TOUR', `DIMENSION : ${n}`, 'TOUR_SECTION', ...bestTour.map((c) => String(c + 1)), '-1', 'EOF', ''].join('\n');
  return { name, text, tourText, optimum };
}

/** G-set text (`n m`, then `i j w` lines, 1-based) of a random weighted graph, and its edges 0-based. */
export function gsetInstance(n: number, seed: number): { text: string; edges: [number, number, number][] } {
  const rng = new Rng(seed);
  const edges: [number, number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (rng.nextFloat() < 0.2) edges.push([i, j, rng.nextFloat() < 0.5 ? 1 : -1]);
  return { text: [`${n} ${edges.length}`, ...edges.map(([i, j, w]) => `${i + 1} ${j + 1} ${w}`), ''].join('\n'), edges };
}
