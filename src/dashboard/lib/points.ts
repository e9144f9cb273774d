import type { Extremes, JobEvent, SeriesBucket } from '../../client/index.js';

/** The fields the chart draws, each as its smallest and largest value over a point's events. */
export const FIELDS = ['objective', 'bestObjective', 'temperature', 'gap'] as const;
export type Field = (typeof FIELDS)[number];

/**
 * One drawn point: a bucket of the series endpoint (many events) or one event. `t` is epoch ms (the middle
 * of the bucket's time span), `iteration` likewise, null when its events report none.
 */
export interface ChartPoint {
  fromSeq: number;
  toSeq: number;
  t: number;
  iteration: number | null;
  values: Partial<Record<Field, Extremes>>;
}

const middle = (extremes: Extremes): number => (extremes.min + extremes.max) / 2;

export function pointFromBucket(bucket: SeriesBucket): ChartPoint | null {
  if (!bucket.at_ms) return null;
  const values: ChartPoint['values'] = {};
  for (const field of FIELDS) if (bucket[field]) values[field] = bucket[field];
  return { fromSeq: bucket.from_seq, toSeq: bucket.to_seq, t: middle(bucket.at_ms), iteration: bucket.iteration ? middle(bucket.iteration) : null, values };
}

/** An event as a point of its own, when it reports an objective (the events the series endpoint counts). */
export function pointFromEvent(event: JobEvent): ChartPoint | null {
  if (typeof event.objective !== 'number' && typeof event.bestObjective !== 'number') return null;
  const values: ChartPoint['values'] = {};
  for (const field of FIELDS) {
    const value = event[field];
    if (typeof value === 'number') values[field] = { min: value, max: value };
  }
  return { fromSeq: event.seq, toSeq: event.seq, t: Date.parse(event.at), iteration: event.iteration ?? null, values };
}

/**
 * Which extreme of a bucket is the best objective at its end: the best only ever improves, so a run whose
 * best went down is minimising and its bucket ends at the minimum.
 */
export function bestExtreme(points: readonly ChartPoint[]): 'min' | 'max' {
  const first = points.find((p) => p.values.bestObjective)?.values.bestObjective;
  const last = points.findLast((p) => p.values.bestObjective)?.values.bestObjective;
  return first && last && last.max > first.max ? 'max' : 'min';
}

/** The best objective the points reached so far: the last point's, on the side the run improves towards. */
export function latestBest(points: readonly ChartPoint[]): number | null {
  return points.findLast((p) => p.values.bestObjective)?.values.bestObjective?.[bestExtreme(points)] ?? null;
}
