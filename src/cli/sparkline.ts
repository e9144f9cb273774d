const BARS = '▁▂▃▄▅▆▇█';

/**
 * A one-line chart of `values` in at most `width` characters: each character is the last value of its
 * stretch (for a best-so-far series, what it had reached by then), scaled between the series' min and max.
 */
export function sparkline(values: readonly number[], width = 24): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return '';
  const columns = Math.min(width, finite.length);
  const samples = Array.from({ length: columns }, (_, c) => finite[Math.floor(((c + 1) * finite.length) / columns) - 1]!);
  const min = Math.min(...samples);
  const span = Math.max(...samples) - min;
  return samples.map((v) => BARS[span === 0 ? 0 : Math.round(((v - min) / span) * (BARS.length - 1))]).join('');
}
