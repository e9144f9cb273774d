import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { chartOptions } from '../lib/chart-options.js';
import { columns, gapPositions, linesFor, logDistribution, xOf, type Line, type XMode } from '../lib/chart-data.js';
import { gapMarkersPlugin } from '../lib/gap-plugin.js';
import type { SeriesModel } from '../lib/series-model.js';

const HEIGHT = 360;
const FIRST_CHART_MARK = 'optbridge:first-chart';

interface Shape {
  lines: Line[];
  data: uPlot.AlignedData;
  distribution: { y: 1 | 3 | 4; aux: 1 | 3 | 4 };
  /** What forces a new uPlot (its series and scales are fixed at creation): the lines drawn and the axes' kinds. */
  key: string;
}

function shapeOf(model: SeriesModel, xMode: XMode, log: boolean): Shape {
  const lines = linesFor(model.points);
  const data = columns(model.points, lines, xMode, model.origin);
  const on = (scale: 'y' | 'aux') => data.slice(1).filter((_, i) => lines[i]!.scale === scale) as number[][];
  const distribution = log ? { y: logDistribution(on('y')), aux: logDistribution(on('aux')) } : ({ y: 1, aux: 1 } as const);
  return { lines, data, distribution, key: `${lines.map((l) => `${l.field}.${l.extreme}`).join()}|${distribution.y}${distribution.aux}` };
}

/** The seqs a selected x range covers, so the series endpoint can be asked for that window only. */
function seqWindow(model: SeriesModel, xMode: XMode, fromX: number, toX: number): [number, number] | null {
  const inside = model.points.filter((p) => {
    const x = xOf(p, xMode, model.origin);
    return x !== null && x >= fromX && x <= toX;
  });
  return inside.length > 0 ? [inside[0]!.fromSeq, inside.at(-1)!.toSeq] : null;
}

/**
 * A uPlot in `container`, redrawn from the model on every change (keeping a zoom while one is set), with
 * gap markers, the log toggle and drag-to-zoom that asks `onZoom` for the window's finer series.
 */
export function useConvergencePlot(
  container: RefObject<HTMLDivElement | null>,
  model: SeriesModel,
  xMode: XMode,
  log: boolean,
  onZoom: (fromSeq: number, toSeq: number) => void,
): void {
  const [shapeKey, setShapeKey] = useState(() => shapeOf(model, xMode, log).key);
  const zoom = useRef(onZoom);
  zoom.current = onZoom;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const shape = shapeOf(model, xMode, log);
    setShapeKey(shape.key);
    let zoomed = false;
    const plot = new uPlot(
      chartOptions({
        width: element.clientWidth || 800,
        height: HEIGHT,
        xMode,
        lines: shape.lines,
        distribution: shape.distribution,
        plugins: [gapMarkersPlugin(() => gapPositions(model, xMode)), firstChartPlugin(element)],
        onSelect(fromX, toX) {
          zoomed = true;
          const window = seqWindow(model, xMode, fromX, toX);
          if (window) zoom.current(...window);
        },
      }),
      shape.data,
      element,
    );
    const describe = () => {
      element.dataset.points = String(plot.data[0].length);
      element.dataset.lastSeq = String(model.lastSeq);
      element.dataset.gaps = String(model.gaps.length);
    };
    describe();
    plot.over.addEventListener('dblclick', () => {
      zoomed = false;
    });
    const unsubscribe = model.subscribe(() => {
      const next = shapeOf(model, xMode, log);
      if (next.key !== shape.key) return setShapeKey(next.key);
      plot.setData(next.data, !zoomed);
      describe();
    });
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height: HEIGHT }));
    resize.observe(element);
    return () => {
      unsubscribe();
      resize.disconnect();
      plot.destroy();
    };
  }, [model, xMode, log, shapeKey]);
}

/** Marks the page's first drawn chart with data, which the dashboard bench reads as time to first chart. */
function firstChartPlugin(element: HTMLElement): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        if (u.data[0].length === 0 || element.dataset.firstChart) return;
        element.dataset.firstChart = '1';
        if (performance.getEntriesByName(FIRST_CHART_MARK).length === 0) performance.mark(FIRST_CHART_MARK);
      },
    },
  };
}
