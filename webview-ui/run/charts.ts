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

/** A chart.js line chart of one metric, tuned for large series (no parsing, no animation, no points). */
export class MetricChart {
  private readonly chart: Chart<'line', Point[]>;

  constructor(canvas: HTMLCanvasElement, readonly key: string, colorIndex: number, points: Point[], logScale: boolean) {
    const theme = themeColors();
    const color = theme.series[colorIndex % theme.series.length];
    Chart.defaults.font.family = theme.font;
    const config: ChartConfiguration<'line', Point[]> = {
      type: 'line',
      data: { datasets: [{ label: key, data: points, borderColor: color, backgroundColor: color, borderWidth: 1.5, pointRadius: points.length <= 60 ? 2 : 0, pointHoverRadius: 3, tension: 0, spanGaps: false }] },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { title: (items) => `step ${items[0]?.parsed.x ?? ''}` } },
        },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'step', color: theme.muted }, ticks: { color: theme.muted, maxTicksLimit: 8 }, grid: { color: theme.grid } },
          y: { type: logScale ? 'logarithmic' : 'linear', ticks: { color: theme.muted, maxTicksLimit: 6 }, grid: { color: theme.grid } },
        },
      },
    };
    this.chart = new Chart(canvas, config);
  }

  get pointCount(): number {
    return this.chart.data.datasets[0].data.length;
  }

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
