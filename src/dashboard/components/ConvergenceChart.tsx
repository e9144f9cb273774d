import { useRef, useState } from 'preact/hooks';
import { useConvergencePlot } from '../hooks/use-convergence-plot.js';
import type { XMode } from '../lib/chart-data.js';
import type { SeriesModel } from '../lib/series-model.js';
import { ChartToolbar } from './ChartToolbar.js';

interface Props {
  model: SeriesModel;
  onZoom(fromSeq: number, toSeq: number): void;
}

/** Objective and best objective (temperature and MIP gap where reported) with gap markers; drag to zoom, double-click to zoom out. */
export function ConvergenceChart({ model, onZoom }: Props) {
  const [xMode, setXMode] = useState<XMode>('time');
  const [log, setLog] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  useConvergencePlot(container, model, xMode, log, onZoom);
  return (
    <section class="panel">
      <h2>Convergence</h2>
      <ChartToolbar xMode={xMode} log={log} onXMode={setXMode} onLog={setLog} />
      <div ref={container} class="chart" data-testid="convergence-chart" data-x-mode={xMode} data-log={String(log)} />
      <p class="hint">Drag across the chart to zoom in (finer buckets are fetched for that window); double-click to zoom out.</p>
    </section>
  );
}
