import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';
import uPlot from 'uplot';
import { logDistribution, type XMode } from '../lib/chart-data.js';
import { overlayColumns, type OverlayField, type Run } from '../lib/overlay-data.js';

const COLORS = ['#4e79a7', '#e15759', '#59a14f', '#f28e2b', '#b07aa1', '#76b7b2', '#edc948', '#9c755f'];
const HEIGHT = 400;

/** One uPlot with a line per run, rebuilt when the runs or the axes change. */
export function useOverlayPlot(container: RefObject<HTMLDivElement | null>, runs: readonly Run[], xMode: XMode, field: OverlayField, log: boolean): void {
  useEffect(() => {
    const element = container.current;
    if (!element || runs.length === 0) return;
    const data = overlayColumns(runs, xMode, field);
    const distr = log ? logDistribution(data.slice(1) as number[][]) : 1;
    const plot = new uPlot(
      {
        width: element.clientWidth || 800,
        height: HEIGHT,
        scales: { x: { time: false }, y: distr === 3 ? { distr, log: 10 } : { distr } },
        axes: [{ label: xMode === 'time' ? 'seconds from start' : 'iteration' }, { label: field === 'bestObjective' ? 'best objective' : 'objective', size: 70 }],
        series: [
          { label: xMode === 'time' ? 'seconds from start' : 'iteration' },
          ...runs.map((run, i): uPlot.Series => ({ label: run.id, stroke: COLORS[i % COLORS.length]!, width: 2, spanGaps: true, points: { show: false } })),
        ],
        cursor: { drag: { x: true, y: false, setScale: true } },
      },
      data,
      element,
    );
    element.dataset.runs = String(runs.length);
    element.dataset.points = runs.map((_, i) => Array.from(data[i + 1]!).filter((y) => y != null).length).join(',');
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [runs, xMode, field, log]);
}
