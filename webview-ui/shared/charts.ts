import { Chart, LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, type ChartConfiguration, type ChartDataset, type Plugin } from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import { themeColors } from '../shared/theme';
import { lineDrawn, type LineDrawn } from './lineDrawn';
import { formatAxisNumber } from './xAxis';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, zoomPlugin);

/**
 * Box zoom (drag), wheel zoom (with Ctrl) and shift-drag pan of every zoomable Labbook chart
 * (chartjs-plugin-zoom); `done` hears each finished zoom or pan.
 */
export function zoomOptions(done: () => void) {
  return {
    zoom: { drag: { enabled: true, backgroundColor: 'rgba(128,128,128,0.2)' }, wheel: { enabled: true, modifierKey: 'ctrl' as const }, mode: 'xy' as const, onZoomComplete: done },
    pan: { enabled: true, mode: 'xy' as const, modifierKey: 'shift' as const, onPanComplete: done },
  };
}

/** What a zoomable chart tells its owner: the x range it now shows, and a double-click back to all of it. */
export interface ZoomHooks {
  zoomed(min: number, max: number): void;
  reset(): void;
}

export interface Point { x: number; y: number }

/** ±Infinity cannot be drawn; NaN makes a gap in the line, which is what a user expects of both. */
export function toPoints(steps: readonly number[], values: readonly number[]): Point[] {
  const out: Point[] = new Array(steps.length);
  for (let i = 0; i < steps.length; i++) {
    const v = values[i];
    out[i] = { x: steps[i], y: Number.isFinite(v) ? v : NaN };
  }
  return out;
}

/**
 * One line of a chart: `id` says which line it is across updates (a run's id when comparing),
 * `label` is shown in the tooltip.
 */
export interface ChartLine { readonly id: string; readonly label: string; readonly color: string; readonly points: Point[] }

type LineDataset = ChartDataset<'line', Point[]> & { lineId: string };

/** What the x axis of a chart counts: its title, how a tooltip names a point's x, and optionally its tick labels. */
export interface XAxis {
  readonly title: string;
  readonly tooltip: (x: number) => string;
  readonly tick?: (x: number) => string;
}

export const STEP_AXIS: XAxis = { title: 'step', tooltip: (x) => `step ${Number.isNaN(x) ? '' : x}`, tick: formatAxisNumber };

/** Options of every Labbook line chart, tuned for large series: no parsing, no animation, sized by its box. */
export const FAST_LINE_OPTIONS = { animation: false, parsing: false, normalized: true, responsive: true, maintainAspectRatio: false } as const;

/** Gives a chart's axes and grid the colours of the current theme, and redraws it. */
export function restyleAxes(chart: Chart<'line', Point[]>): void {
  const theme = themeColors();
  const { x, y } = chart.options.scales as Record<'x' | 'y', { ticks: { color: string }; grid: { color: string }; title?: { color: string } }>;
  for (const axis of [x, y]) {
    axis.ticks.color = theme.muted;
    axis.grid.color = theme.grid;
    if (axis.title) axis.title.color = theme.muted;
  }
  chart.update('none');
}

/** Lines with few points show them as dots. */
const pointRadius = (n: number) => (n <= 60 ? 2 : 0);

/**
 * While a tooltip shows, the canvas says so in `data-tooltip` (its title), so that what a user
 * hovers can be told from outside the canvas.
 */
const tooltipState: Plugin<'line'> = {
  id: 'labbookTooltipState',
  afterDraw(chart) {
    const shown = chart.tooltip && chart.tooltip.opacity > 0 && chart.tooltip.dataPoints?.length ? chart.tooltip.title.join(' ') : '';
    if ((chart.canvas.dataset.tooltip ?? '') !== shown) chart.canvas.dataset.tooltip = shown;
    // The x range shown and where the plot lies in the canvas (CSS pixels), so that a step can be found on screen.
    chart.canvas.dataset.xmin = String(chart.scales.x.min);
    chart.canvas.dataset.xmax = String(chart.scales.x.max);
    const a = chart.chartArea;
    chart.canvas.dataset.area = `${a.left} ${a.top} ${a.right} ${a.bottom}`;
  },
};

/**
 * A chart.js line chart of one metric (one line per run when comparing), tuned for large series:
 * no parsing, no animation, no points past 60 per line. It is updated in place (`setLines`,
 * `append`), never rebuilt, so a tooltip the user is reading stays where it is.
 */
export class MetricChart {
  private readonly chart: Chart<'line', Point[]>;

  /**
   * `axis` names the x axis and formats its values (a step by default; seconds since the start for
   * system metrics). With `zoom`, the chart zooms (box, Ctrl+wheel, shift-drag pan) and a double-click resets it.
   */
  constructor(readonly canvas: HTMLCanvasElement, readonly key: string, lines: ChartLine[], logScale: boolean, axis: XAxis = STEP_AXIS, zoom?: ZoomHooks) {
    const theme = themeColors();
    Chart.defaults.font.family = theme.font;
    const config: ChartConfiguration<'line', Point[]> = {
      type: 'line',
      data: { datasets: lines.map((l) => this.dataset(l)) },
      options: {
        ...FAST_LINE_OPTIONS,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { title: (items) => axis.tooltip(items[0]?.parsed.x ?? NaN), label: (item) => `${item.dataset.label ?? ''}: ${item.formattedValue}` } },
          ...(zoom ? { zoom: zoomOptions(() => {
            canvas.dataset.zoomed = 'true';
            zoom.zoomed(this.chart.scales.x.min, this.chart.scales.x.max);
          }) } : {}),
        },
        scales: {
          x: { type: 'linear', title: { display: true, text: axis.title, color: theme.muted }, ticks: { color: theme.muted, maxTicksLimit: 8, ...(axis.tick ? { callback: (v) => axis.tick!(Number(v)) } : {}) }, grid: { color: theme.grid } },
          y: { type: logScale ? 'logarithmic' : 'linear', ticks: { color: theme.muted, maxTicksLimit: 6 }, grid: { color: theme.grid } },
        },
      },
      plugins: [tooltipState],
    };
    this.chart = new Chart(canvas, config);
    if (zoom) {
      canvas.addEventListener('dblclick', () => {
        this.chart.resetZoom('none');
        delete canvas.dataset.zoomed;
        zoom.reset();
      });
    }
  }

  /** The chart's width in CSS pixels. */
  get width(): number {
    return this.chart.width;
  }

  private dataset(l: ChartLine): LineDataset {
    return { lineId: l.id, label: l.label, data: l.points, borderColor: l.color, backgroundColor: l.color, borderWidth: 1.5, pointRadius: pointRadius(l.points.length), pointHoverRadius: 3, tension: 0, spanGaps: false };
  }

  /** Points drawn, over all lines. */
  get pointCount(): number {
    return this.chart.data.datasets.reduce((n, d) => n + d.data.length, 0);
  }

  get lineCount(): number {
    return this.chart.data.datasets.length;
  }

  /** Each line as drawn (told to tests and tools through the card's `data-drawn`). */
  get drawn(): LineDrawn[] {
    return this.chart.data.datasets.map((d) => lineDrawn(d.label ?? '', d.data));
  }

  /**
   * Replaces the lines' points: a line whose id is known keeps its dataset (its points are
   * swapped), new ids get a dataset, the rest are dropped. Redrawn without animation.
   */
  setLines(lines: ChartLine[]): void {
    const datasets = this.chart.data.datasets as LineDataset[];
    const known = new Map(datasets.map((d) => [d.lineId, d]));
    const next = lines.map((l) => {
      const d = known.get(l.id);
      if (!d) return this.dataset(l);
      d.data = l.points;
      d.label = l.label;
      d.borderColor = l.color;
      d.backgroundColor = l.color;
      d.pointRadius = pointRadius(l.points.length);
      return d;
    });
    const same = next.length === datasets.length && next.every((d, i) => d === datasets[i]);
    if (!same) datasets.splice(0, datasets.length, ...next);
    this.chart.update('none');
  }

  /** Adds points at the end of the first line (a single run's live chart). */
  append(points: Point[]): void {
    const data = this.chart.data.datasets[0].data;
    for (const p of points) data.push(p);
    this.chart.data.datasets[0].pointRadius = pointRadius(data.length);
    this.chart.update('none');
  }

  setLogScale(on: boolean): void {
    const y = this.chart.options.scales!.y!;
    y.type = on ? 'logarithmic' : 'linear';
    this.chart.update('none');
  }

  /** Takes the axis and grid colours of the current theme. */
  restyle(): void {
    Chart.defaults.font.family = themeColors().font;
    restyleAxes(this.chart);
  }

  destroy(): void {
    this.chart.destroy();
  }
}
