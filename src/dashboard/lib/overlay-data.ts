import uPlot from 'uplot';
import { xOf, type XMode } from './chart-data.js';
import { bestExtreme, type ChartPoint } from './points.js';

export interface Run {
  id: string;
  points: ChartPoint[];
  /** Epoch ms the run's time counts from. */
  origin: number;
}

export type OverlayField = 'bestObjective' | 'objective';

/** Each run's [x, y] on the runs' joined x values, so uPlot draws them on one axis (a run's gaps spanned). */
export function overlayColumns(runs: readonly Run[], mode: XMode, field: OverlayField): uPlot.AlignedData {
  const tables = runs.map((run): uPlot.AlignedData => {
    const extreme = bestExtreme(run.points);
    const drawn = run.points.filter((p) => p.values[field] && xOf(p, mode, run.origin) !== null);
    return [drawn.map((p) => xOf(p, mode, run.origin)!), drawn.map((p) => p.values[field]![extreme])];
  });
  return tables.length === 0 ? [[]] : uPlot.join(tables);
}
