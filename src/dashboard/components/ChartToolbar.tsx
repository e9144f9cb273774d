import type { XMode } from '../lib/chart-data.js';

interface Props {
  xMode: XMode;
  log: boolean;
  onXMode(mode: XMode): void;
  onLog(log: boolean): void;
}

/** The chart's axis choices: x by time from start or by iteration, y linear or logarithmic. */
export function ChartToolbar({ xMode, log, onXMode, onLog }: Props) {
  return (
    <div class="toolbar" role="group" aria-label="chart options">
      <span>x axis:</span>
      {(['time', 'iteration'] as const).map((mode) => (
        <label key={mode}>
          <input type="radio" name="x-mode" value={mode} checked={xMode === mode} onChange={() => onXMode(mode)} />
          {mode === 'time' ? 'time from start' : 'iteration'}
        </label>
      ))}
      <label>
        <input type="checkbox" name="log-scale" checked={log} onChange={(e) => onLog(e.currentTarget.checked)} />
        log scale
      </label>
    </div>
  );
}
