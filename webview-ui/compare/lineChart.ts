import { Chart, Filler, Interaction, LineController, LineElement, LinearScale, LogarithmicScale, PointElement, Tooltip, type ActiveElement, type ChartConfiguration, type ChartDataset, type InteractionItem, type Plugin } from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import { FAST_LINE_OPTIONS, restyleAxes, zoomOptions, type Point } from '../shared/charts';
import { lineDrawn, type LineDrawn } from '../shared/lineDrawn';
import { themeColors } from '../shared/theme';
import { formatX, type XAxisKind } from '../shared/xAxis';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Filler, zoomPlugin);

/** What a dataset draws: a run's (or group's) line, its faint raw line behind the smoothed one, or a band's edge. */
export type LineRole = 'line' | 'raw' | 'bandHi' | 'bandLo';

export interface DrawnLine {
  /** The run (or group) the line belongs to: hovering it highlights this id everywhere. */
  readonly id: string;
  readonly label: string;
  readonly color: string;
  readonly role: LineRole;
  /** Sorted by x. */
  readonly points: Point[];
}

type Dataset = ChartDataset<'line', Point[]> & { lineId: string; role: LineRole; baseColor: string };

export interface AxisOptions { readonly kind: XAxisKind; readonly title: string; readonly logX: boolean; readonly logY: boolean }

export interface ChartHooks {
  /** The pointer is at data x `x` (null: left the chart), nearest to the line of run `id`. */
  hover(chart: LineChart, x: number | null, id: string | null): void;
  /** The user zoomed or panned to the x range [min, max]. */
  zoomed(chart: LineChart, min: number, max: number): void;
  /** Double-click: back to the whole range. */
  reset(chart: LineChart): void;
}

/** The index of the point of `data` (sorted by x) nearest to `x`. */
function nearestIndex(data: readonly Point[], x: number): number {
  let a = 0;
  let b = data.length - 1;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (data[m].x < x) a = m + 1;
    else b = m;
  }
  return a > 0 && Math.abs(data[a - 1].x - x) <= Math.abs(data[a].x - x) ? a - 1 : a;
}

/** Every visible line's point nearest the pointer's x: a tooltip with each run's value at that x. */
function eachLine(chart: Chart, x: number): InteractionItem[] {
  const value = chart.scales.x.getValueForPixel(x);
  if (value === undefined) return [];
  const items: InteractionItem[] = [];
  chart.data.datasets.forEach((d, datasetIndex) => {
    const ds = d as Dataset;
    if (ds.role !== 'line' || ds.hidden || ds.data.length === 0 || !chart.isDatasetVisible(datasetIndex)) return;
    // A run whose line ends before (or starts after) the pointer has no value there.
    const slack = Math.abs((chart.scales.x.getValueForPixel(x + 4) ?? value) - value);
    if (value < ds.data[0].x - slack || value > ds.data[ds.data.length - 1].x + slack) return;
    const index = nearestIndex(ds.data, value);
    const p = ds.data[index];
    if (!Number.isFinite(p.y)) return;
    const element = chart.getDatasetMeta(datasetIndex).data[index];
    if (element) items.push({ element, datasetIndex, index });
  });
  return items;
}

declare module 'chart.js' {
  interface InteractionModeMap {
    eachLine: (chart: Chart, e: { x: number; y: number }) => InteractionItem[];
  }
}
(Interaction.modes as unknown as Record<string, unknown>).eachLine = (chart: Chart, e: { x: number }) => eachLine(chart, e.x);

/** The vertical line at the hovered x, in this chart and in every other. */
const crosshair: Plugin<'line'> = {
  id: 'labbookCrosshair',
  afterDatasetsDraw(chart) {
    const x = (chart as unknown as { $crosshair?: number }).$crosshair;
    if (x === undefined || !Number.isFinite(x)) return;
    const px = chart.scales.x.getPixelForValue(x);
    const { top, bottom, left, right } = chart.chartArea;
    if (px < left || px > right) return;
    const ctx = chart.ctx;
    ctx.save();
    ctx.strokeStyle = themeColors().muted;
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(px, top);
    ctx.lineTo(px, bottom);
    ctx.stroke();
    ctx.restore();
  },
};

/** Canvas attributes that tell a test what is shown (the tooltip's title, the x range, the plot's place). */
const state: Plugin<'line'> = {
  id: 'labbookState',
  afterDraw(chart) {
    const shown = chart.tooltip && chart.tooltip.opacity > 0 && chart.tooltip.dataPoints?.length ? chart.tooltip.title.join(' ') : '';
    if ((chart.canvas.dataset.tooltip ?? '') !== shown) chart.canvas.dataset.tooltip = shown;
    chart.canvas.dataset.xmin = String(chart.scales.x.min);
    chart.canvas.dataset.xmax = String(chart.scales.x.max);
    // Where the plot lies in the canvas (CSS pixels), so that a step can be found on screen.
    const a = chart.chartArea;
    chart.canvas.dataset.area = `${a.left} ${a.top} ${a.right} ${a.bottom}`;
  },
};

/** Runs listed in a tooltip before "… and N more". */
const TOOLTIP_ROWS = 8;

const fmtY = (v: number) => (Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(Number(v.toPrecision(5))));

/** A hex colour at `alpha`. */
export function withAlpha(hex: string, alpha: number): string {
  return /^#[0-9a-f]{6}$/i.test(hex) ? `${hex}${Math.round(alpha * 255).toString(16).padStart(2, '0')}` : hex;
}

/**
 * One metric of the compare view: a chart.js line chart with a line (or a group's mean and band)
 * per run, every run's value at the hovered x in its tooltip, a crosshair synced with the other
 * charts, box and wheel zoom, shift-drag pan and double-click reset (chartjs-plugin-zoom).
 */
export class LineChart {
  readonly chart: Chart<'line', Point[]>;
  private axes: AxisOptions;
  private highlighted: string | null = null;

  constructor(readonly canvas: HTMLCanvasElement, readonly key: string, axes: AxisOptions, private readonly hooks: ChartHooks) {
    this.axes = axes;
    const theme = themeColors();
    Chart.defaults.font.family = theme.font;
    const config: ChartConfiguration<'line', Point[]> = {
      type: 'line',
      data: { datasets: [] },
      options: {
        ...FAST_LINE_OPTIONS,
        interaction: { mode: 'eachLine' as 'nearest', intersect: false },
        plugins: {
          legend: { display: false },
          tooltip: {
            // With many runs the tooltip lists the highest TOOLTIP_ROWS values (and the hovered run), then a count of the rest.
            filter: (item, _i, items) => {
              if ((item.dataset as Dataset).role !== 'line') return false;
              if ((item.dataset as Dataset).lineId === this.highlighted) return true;
              const y = item.parsed.y ?? -Infinity;
              let above = 0;
              for (const o of items) {
                if ((o.dataset as Dataset).role !== 'line') continue;
                const oy = o.parsed.y ?? -Infinity;
                if (oy > y || (oy === y && o.datasetIndex < item.datasetIndex)) above++;
              }
              return above < TOOLTIP_ROWS;
            },
            itemSort: (a, b) => Number((b.dataset as Dataset).lineId === this.highlighted) - Number((a.dataset as Dataset).lineId === this.highlighted) || (b.parsed.y ?? 0) - (a.parsed.y ?? 0),
            bodyFont: { size: 11 },
            callbacks: {
              title: (items) => (items.length ? `${this.axes.title} ${formatX(this.axes.kind, items[0].parsed.x ?? NaN)}` : ''),
              label: (item) => `${item.dataset.label ?? ''}: ${fmtY(item.parsed.y ?? NaN)}`,
              footer: () => {
                const lines = eachLine(this.chart as unknown as Chart, this.chart.tooltip?.caretX ?? 0).length;
                return lines > TOOLTIP_ROWS ? `… and ${lines - TOOLTIP_ROWS} more runs` : '';
              },
            },
          },
          zoom: zoomOptions(() => this.zoomDone()),
        },
        scales: {
          x: { type: 'linear', title: { display: true, text: axes.title, color: theme.muted }, ticks: { color: theme.muted, maxTicksLimit: 7, callback: (v) => formatX(this.axes.kind, Number(v)) }, grid: { color: theme.grid } },
          y: { type: 'linear', ticks: { color: theme.muted, maxTicksLimit: 6 }, grid: { color: theme.grid } },
        },
        onHover: (e, active: ActiveElement[]) => this.onHover(e.x ?? null, e.y ?? null, active, e.type),
      },
      plugins: [crosshair, state],
    };
    this.chart = new Chart(canvas, config);
    this.setAxes(axes);
    canvas.addEventListener('mouseleave', () => this.hooks.hover(this, null, null));
    canvas.addEventListener('dblclick', () => {
      this.chart.resetZoom('none');
      this.hooks.reset(this);
    });
  }

  private zoomDone(): void {
    const { min, max } = this.chart.scales.x;
    this.canvas.dataset.zoomed = 'true';
    this.hooks.zoomed(this, min, max);
  }

  get zoomed(): boolean {
    return this.chart.isZoomedOrPanned();
  }

  private onHover(x: number | null, y: number | null, active: ActiveElement[], type: string): void {
    if (type === 'mouseout' || x === null || y === null) return;
    const area = this.chart.chartArea;
    if (x < area.left || x > area.right) return;
    let near: string | null = null;
    let best = 16;
    for (const a of active) {
      const d = Math.abs(a.element.y - y);
      if (d < best) {
        best = d;
        near = (this.chart.data.datasets[a.datasetIndex] as Dataset).lineId;
      }
    }
    const value = this.chart.scales.x.getValueForPixel(x) ?? null;
    (this.chart as unknown as { $crosshair?: number }).$crosshair = value ?? undefined;
    this.hooks.hover(this, value, near);
  }

  /** Shows the crosshair and every line's value at data x `x` (another chart is hovered), or hides them. */
  syncTo(x: number | null): void {
    const c = this.chart as unknown as { $crosshair?: number };
    if (x === null) {
      if (c.$crosshair === undefined) return;
      c.$crosshair = undefined;
      this.chart.tooltip?.setActiveElements([], { x: 0, y: 0 });
      this.chart.draw();
      return;
    }
    c.$crosshair = x;
    const px = this.chart.scales.x.getPixelForValue(x);
    const { left, right, top } = this.chart.chartArea;
    const items = px >= left && px <= right ? eachLine(this.chart as unknown as Chart, px) : [];
    this.chart.tooltip?.setActiveElements(items.map((i) => ({ datasetIndex: i.datasetIndex, index: i.index })), { x: px, y: top });
    this.chart.draw();
  }

  /** Draws `id`'s lines on top in full colour and fades the others; null: all in full colour. */
  highlight(id: string | null): void {
    if (id === this.highlighted) return;
    this.highlighted = id;
    this.recolor();
    this.chart.update('none');
  }

  private recolor(): void {
    for (const d of this.chart.data.datasets as Dataset[]) {
      const faded = this.highlighted !== null && d.lineId !== this.highlighted;
      const alpha = d.role === 'raw' ? 0.25 : d.role === 'line' ? 1 : 0.15;
      const color = withAlpha(d.baseColor, faded ? alpha * 0.25 : alpha);
      d.borderColor = d.role === 'bandHi' || d.role === 'bandLo' ? 'transparent' : color;
      d.backgroundColor = d.role === 'bandHi' ? color : withAlpha(d.baseColor, faded ? 0.25 : 1);
      d.borderWidth = d.role === 'line' ? (d.lineId === this.highlighted ? 2.5 : 1.5) : 1;
    }
  }

  setLines(lines: readonly DrawnLine[]): void {
    const datasets: Dataset[] = lines.map((l) => ({
      lineId: l.id,
      role: l.role,
      baseColor: l.color,
      label: l.label,
      data: l.points,
      pointRadius: l.role === 'line' && l.points.length <= 60 ? 2 : 0,
      pointHoverRadius: l.role === 'line' ? 3 : 0,
      pointHitRadius: 0,
      tension: 0,
      spanGaps: false,
      // A band's upper edge fills down to its lower edge, the next dataset.
      fill: l.role === 'bandHi' ? '+1' : false,
      order: l.role === 'line' ? 0 : 1,
    }));
    this.chart.data.datasets = datasets;
    this.recolor();
    this.chart.update('none');
  }

  setAxes(axes: AxisOptions): void {
    this.axes = axes;
    const scales = this.chart.options.scales as Record<'x' | 'y', { type: string; title?: { text: string } }>;
    scales.x.type = axes.logX ? 'logarithmic' : 'linear';
    scales.x.title!.text = axes.title;
    scales.y.type = axes.logY ? 'logarithmic' : 'linear';
    this.chart.update('none');
  }

  /** Back to the whole range (after the x axis changed). */
  resetZoom(): void {
    if (this.chart.isZoomedOrPanned()) this.chart.resetZoom('none');
    delete this.canvas.dataset.zoomed;
  }

  get lineCount(): number {
    return this.chart.data.datasets.filter((d) => (d as Dataset).role === 'line').length;
  }

  /** Faint raw lines drawn behind smoothed ones. */
  get rawCount(): number {
    return this.chart.data.datasets.filter((d) => (d as Dataset).role === 'raw').length;
  }

  get pointCount(): number {
    return this.chart.data.datasets.reduce((n, d) => n + ((d as Dataset).role === 'line' ? d.data.length : 0), 0);
  }

  /** Each run's (or group's) line as drawn, without bands and faint raw lines. */
  get drawn(): LineDrawn[] {
    return this.chart.data.datasets.filter((d) => (d as Dataset).role === 'line').map((d) => lineDrawn(d.label ?? '', d.data));
  }

  restyle(): void {
    restyleAxes(this.chart);
  }

  toPng(): string {
    return this.chart.toBase64Image('image/png');
  }

  destroy(): void {
    this.chart.destroy();
  }
}
