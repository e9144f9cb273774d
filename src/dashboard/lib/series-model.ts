import type { GapMarker, JobEvent, SeriesReport } from '../../client/index.js';
import { pointFromBucket, pointFromEvent, type ChartPoint } from './points.js';

/**
 * What one job's chart shows, changed in place (a live or replayed job adds a point per event) and
 * announced to subscribers at most once per animation frame, so a fast stream costs one redraw a frame.
 */
export class SeriesModel {
  points: ChartPoint[] = [];
  gaps: GapMarker[] = [];
  /** Epoch ms that time on the chart counts from: the job's creation, or its first point if earlier. */
  origin: number;
  readonly #listeners = new Set<() => void>();
  #scheduled = false;

  constructor(createdAt: string) {
    this.origin = Date.parse(createdAt);
  }

  /** The whole (downsampled) series, as the series endpoint gave it. */
  replace(report: SeriesReport): void {
    this.points = report.buckets.map(pointFromBucket).filter((p) => p !== null);
    this.gaps = [...report.gaps];
    this.#changed();
  }

  /** A narrower window's buckets (a zoom): they replace the points inside the window, the rest stay. */
  mergeWindow(report: SeriesReport): void {
    const inside = report.buckets.map(pointFromBucket).filter((p) => p !== null);
    const before = this.points.filter((p) => p.toSeq < report.from);
    const after = this.points.filter((p) => p.fromSeq > report.to);
    this.points = [...before, ...inside, ...after];
    this.#changed();
  }

  /** Every event as its own point: the `?full=1` mode, no downsampling. */
  replaceWithEvents(events: readonly JobEvent[]): void {
    this.points = events.map(pointFromEvent).filter((p) => p !== null);
    this.gaps = events.filter((e) => e.type === 'gap').map((e) => ({ seq: e.seq, at: e.at, message: e.message ?? null }));
    this.#changed();
  }

  /** A live or replayed event: a point when it reports an objective, a gap marker when it is one. */
  append(event: JobEvent): void {
    const last = this.points.at(-1);
    if (last && event.seq <= last.toSeq) return;
    if (event.type === 'gap') this.gaps.push({ seq: event.seq, at: event.at, message: event.message ?? null });
    const point = pointFromEvent(event);
    if (point) this.points.push(point);
    if (point || event.type === 'gap') this.#changed();
  }

  clear(): void {
    this.points = [];
    this.gaps = [];
    this.#changed();
  }

  get lastSeq(): number {
    return this.points.at(-1)?.toSeq ?? 0;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    const first = this.points[0];
    if (first && first.t < this.origin) this.origin = first.t;
    if (this.#scheduled) return;
    this.#scheduled = true;
    requestAnimationFrame(() => {
      this.#scheduled = false;
      for (const listener of this.#listeners) listener();
    });
  }
}
