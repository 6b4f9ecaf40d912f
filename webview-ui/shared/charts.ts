import { Chart, LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, type ChartConfiguration } from 'chart.js';
import { themeColors } from '../shared/theme';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip);

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

/** One line of a chart: its label (for the tooltip), colour (index into the theme's series colours) and points. */
export interface ChartLine { readonly label: string; readonly colorIndex: number; readonly points: Point[] }

/** The colour of series `i` in the current theme (charts and legends use the same). */
export function seriesColor(i: number): string {
  const s = themeColors().series;
  return s[i % s.length];
}

/**
 * A chart.js line chart of one metric (one line per run when comparing), tuned for large series:
 * no parsing, no animation, no points past 60 per line.
 */
export class MetricChart {
  private readonly chart: Chart<'line', Point[]>;

  constructor(canvas: HTMLCanvasElement, readonly key: string, lines: ChartLine[], logScale: boolean) {
    const theme = themeColors();
    Chart.defaults.font.family = theme.font;
    const datasets = lines.map((l) => {
      const color = theme.series[l.colorIndex % theme.series.length];
      return { label: l.label, data: l.points, borderColor: color, backgroundColor: color, borderWidth: 1.5, pointRadius: l.points.length <= 60 ? 2 : 0, pointHoverRadius: 3, tension: 0, spanGaps: false };
    });
    const config: ChartConfiguration<'line', Point[]> = {
      type: 'line',
      data: { datasets },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { title: (items) => `step ${items[0]?.parsed.x ?? ''}`, label: (item) => `${item.dataset.label ?? ''}: ${item.formattedValue}` } },
        },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'step', color: theme.muted }, ticks: { color: theme.muted, maxTicksLimit: 8 }, grid: { color: theme.grid } },
          y: { type: logScale ? 'logarithmic' : 'linear', ticks: { color: theme.muted, maxTicksLimit: 6 }, grid: { color: theme.grid } },
        },
      },
    };
    this.chart = new Chart(canvas, config);
  }

  /** Points drawn, over all lines. */
  get pointCount(): number {
    return this.chart.data.datasets.reduce((n, d) => n + d.data.length, 0);
  }

  /** Adds points at the end of the first line (a single run's live chart). */
  append(points: Point[]): void {
    const data = this.chart.data.datasets[0].data;
    for (const p of points) data.push(p);
    this.chart.data.datasets[0].pointRadius = data.length <= 60 ? 2 : 0;
    this.chart.update('none');
  }

  setLogScale(on: boolean): void {
    const y = this.chart.options.scales!.y!;
    y.type = on ? 'logarithmic' : 'linear';
    this.chart.update('none');
  }

  destroy(): void {
    this.chart.destroy();
  }
}
