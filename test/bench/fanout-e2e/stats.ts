/** Latency histograms that merge across processes, and the few statistics the end-to-end fan-out bench reports. */

/** 0.1 ms bins up to 60 s: fine enough for a p99.9, small enough to send between processes as sparse pairs. */
const BIN_MS = 0.1;
const BINS = 600_000;

export type SparseHistogram = Array<[bin: number, count: number]>;

export class LatencyHistogram {
  readonly #bins = new Uint32Array(BINS);
  count = 0;

  record(ms: number): void {
    this.#bins[Math.min(BINS - 1, Math.max(0, Math.floor(ms / BIN_MS)))]!++;
    this.count++;
  }

  sparse(): SparseHistogram {
    const pairs: SparseHistogram = [];
    for (let bin = 0; bin < BINS; bin++) if (this.#bins[bin]) pairs.push([bin, this.#bins[bin]!]);
    return pairs;
  }

  add(pairs: SparseHistogram): void {
    for (const [bin, count] of pairs) {
      this.#bins[bin]! += count;
      this.count += count;
    }
  }

  /** The upper edge of the bin holding quantile `q`; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let bin = 0; bin < BINS; bin++) {
      seen += this.#bins[bin]!;
      if (seen >= rank) return (bin + 1) * BIN_MS;
    }
    return BINS * BIN_MS;
  }
}

export function quantileOf(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** `histogram_quantile` over one Prometheus histogram series (selected by its label text), in milliseconds. */
export function prometheusQuantile(text: string, name: string, labels: string, q: number): number {
  const buckets: Array<[le: number, count: number]> = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`) || !line.includes(labels)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    if (le === undefined) continue;
    buckets.push([le === '+Inf' ? Infinity : Number(le), Number(line.slice(line.lastIndexOf(' ') + 1))]);
  }
  buckets.sort((a, b) => a[0] - b[0]);
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let [lowerLe, lowerCount] = [0, 0];
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Infinity) return lowerLe * 1000;
      return (lowerLe + ((le - lowerLe) * (rank - lowerCount)) / Math.max(1, count - lowerCount)) * 1000;
    }
    [lowerLe, lowerCount] = [le, count];
  }
  return lowerLe * 1000;
}

/** The sum of every sample of a Prometheus series (all its label sets); 0 where it is absent. */
export function prometheusSum(text: string, name: string): number {
  return text.split('\n').filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

export const ms = (value: number): string => (Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(1) : value.toFixed(0));
export const ratio = (candidate: number, baseline: number): string =>
  Number.isFinite(candidate / baseline) ? `${(candidate / baseline).toFixed(2)}×` : '–';
