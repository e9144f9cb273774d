import { useRef, useState } from 'preact/hooks';
import { useOverlayPlot } from '../hooks/use-overlay-plot.js';
import type { XMode } from '../lib/chart-data.js';
import type { OverlayField, Run } from '../lib/overlay-data.js';
import { ChartToolbar } from './ChartToolbar.js';

/** Two or more runs on one chart: by time from each run's start, or by iteration. */
export function OverlayChart({ runs }: { runs: readonly Run[] }) {
  const [xMode, setXMode] = useState<XMode>('time');
  const [log, setLog] = useState(false);
  const [field, setField] = useState<OverlayField>('bestObjective');
  const container = useRef<HTMLDivElement>(null);
  useOverlayPlot(container, runs, xMode, field, log);
  return (
    <section class="panel">
      <ChartToolbar xMode={xMode} log={log} onXMode={setXMode} onLog={setLog} />
      <div class="toolbar">
        <label>
          draw
          <select name="field" value={field} onChange={(e) => setField(e.currentTarget.value as OverlayField)}>
            <option value="bestObjective">best objective</option>
            <option value="objective">objective</option>
          </select>
        </label>
      </div>
      <div ref={container} class="chart" data-testid="overlay-chart" data-x-mode={xMode} />
    </section>
  );
}
