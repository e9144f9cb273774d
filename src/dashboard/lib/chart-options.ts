import uPlot from 'uplot';
import type { Line, XMode } from './chart-data.js';

export interface ChartSetup {
  width: number;
  height: number;
  xMode: XMode;
  lines: readonly Line[];
  /** 1: linear; 3 or 4: the log toggle (4 where values are not all positive). */
  distribution: { y: 1 | 3 | 4; aux: 1 | 3 | 4 };
  plugins: uPlot.Plugin[];
  /** A drag on the chart selected this x range (before uPlot zooms to it). */
  onSelect(fromX: number, toX: number): void;
}

const X_LABEL: Record<XMode, string> = { time: 'seconds from start', iteration: 'iteration' };

function scale(distr: 1 | 3 | 4): uPlot.Scale {
  return distr === 3 ? { distr, log: 10 } : { distr };
}

export function chartOptions(setup: ChartSetup): uPlot.Options {
  const hasAux = setup.lines.some((line) => line.scale === 'aux');
  const bands: uPlot.Band[] = setup.lines.flatMap((line, i) =>
    line.bandWith ? [{ series: [i + 1, line.bandWith] as [number, number], fill: `${line.color}33` }] : [],
  );
  return {
    width: setup.width,
    height: setup.height,
    scales: { x: { time: false }, y: scale(setup.distribution.y), aux: scale(setup.distribution.aux) },
    axes: [
      { label: X_LABEL[setup.xMode] },
      { label: 'objective', scale: 'y', size: 70 },
      ...(hasAux ? [{ label: 'temperature / MIP gap', scale: 'aux', side: 1, grid: { show: false }, size: 70 } satisfies uPlot.Axis] : []),
    ],
    series: [
      { label: X_LABEL[setup.xMode] },
      ...setup.lines.map((line): uPlot.Series => ({
        label: line.label,
        scale: line.scale,
        stroke: line.color,
        width: line.field === 'bestObjective' ? 2 : 1,
        spanGaps: true,
        points: { show: false },
        ...(line.extreme === 'min' && line.field !== 'bestObjective' && { dash: [4, 3] }),
      })),
    ],
    bands,
    cursor: { drag: { x: true, y: false, setScale: true } },
    hooks: {
      setSelect: [
        (u) => {
          if (u.select.width < 2) return;
          setup.onSelect(u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + u.select.width, 'x'));
        },
      ],
    },
    plugins: setup.plugins,
  };
}
