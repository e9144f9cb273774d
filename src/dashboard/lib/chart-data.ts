import type uPlot from 'uplot';
import { bestExtreme, FIELDS, type ChartPoint, type Field } from './points.js';
import type { SeriesModel } from './series-model.js';

export type XMode = 'time' | 'iteration';

/** One drawn line: a field's min or max per point, on the objective axis (y) or the right-hand one (aux). */
export interface Line {
  label: string;
  field: Field;
  extreme: 'min' | 'max';
  scale: 'y' | 'aux';
  color: string;
  /** The line it shades the area with: min and max of the same field make a band. */
  bandWith?: number;
}

const COLORS: Record<Field, string> = { objective: '#4e79a7', bestObjective: '#e15759', temperature: '#f28e2b', gap: '#59a14f' };

/** The lines for the fields the points have; the chart is rebuilt when that set changes. */
export function linesFor(points: readonly ChartPoint[]): Line[] {
  const present = FIELDS.filter((field) => points.some((p) => p.values[field]));
  const lines: Line[] = [];
  for (const field of present) {
    const scale = field === 'temperature' || field === 'gap' ? 'aux' : 'y';
    const name = field === 'bestObjective' ? 'best objective' : field === 'gap' ? 'MIP gap' : field;
    if (field === 'bestObjective') {
      lines.push({ label: name, field, extreme: bestExtreme(points), scale, color: COLORS[field] });
      continue;
    }
    const max = lines.length + 1;
    lines.push({ label: `${name} (max)`, field, extreme: 'max', scale, color: COLORS[field], bandWith: max + 1 });
    lines.push({ label: `${name} (min)`, field, extreme: 'min', scale, color: COLORS[field] });
  }
  return lines;
}

export function xOf(point: ChartPoint, mode: XMode, origin: number): number | null {
  return mode === 'time' ? (point.t - origin) / 1000 : point.iteration;
}

/** uPlot's columns: x, then one column per line; points with no x in this mode are left out. */
export function columns(points: readonly ChartPoint[], lines: readonly Line[], mode: XMode, origin: number): uPlot.AlignedData {
  const drawn = mode === 'time' ? points : points.filter((p) => p.iteration !== null);
  const xs = drawn.map((p) => xOf(p, mode, origin)!);
  const ys = lines.map((line) => drawn.map((p) => p.values[line.field]?.[line.extreme] ?? null));
  return [xs, ...ys];
}

/** Where each gap marker goes: its time, or the iteration of the last point before it. */
export function gapPositions(model: SeriesModel, mode: XMode): number[] {
  if (mode === 'time') return model.gaps.map((gap) => (Date.parse(gap.at) - model.origin) / 1000);
  const positions: number[] = [];
  for (const gap of model.gaps) {
    const before = model.points.findLast((p) => p.toSeq < gap.seq && p.iteration !== null);
    if (before?.iteration != null) positions.push(before.iteration);
  }
  return positions;
}

/** Log scale on values that are all positive; otherwise asinh, which is logarithmic away from zero and takes negatives. */
export function logDistribution(values: ArrayLike<number | null | undefined>[]): 3 | 4 {
  for (const column of values) for (let i = 0; i < column.length; i++) if ((column[i] ?? 1) <= 0) return 4;
  return 3;
}
