import { BarController, BarElement, CategoryScale, Chart, LinearScale, LogarithmicScale, PointElement, ScatterController, Tooltip } from 'chart.js';
import type { CompareMetricRow, CompareParamRow, CompareRun } from '../../src/protocol/comparePanel';
import { correlations, metricColumn, paramColumn, type Column } from '../shared/analysis';
import { toCsv } from '../shared/csv';
import { clear, el } from '../shared/dom';
import { paletteColor } from '../shared/palette';
import { ParallelCoordinates } from '../shared/parallelCoordinates';
import { themeColors } from '../shared/theme';
import { withAlpha } from './lineChart';

Chart.register(ScatterController, BarController, BarElement, CategoryScale, LinearScale, LogarithmicScale, PointElement, Tooltip);

export interface AnalysisState { pcpParams: string[] | null; pcpMetric: string; scatterX: string; scatterY: string; barMetric: string; barStat: 'last' | 'min' | 'max'; corrMetric: string }

export interface AnalysisHooks {
  /** Brushing kept these runs (indices), or null: no brush. */
  filter(kept: number[] | null): void;
  save(kind: 'png' | 'csv', name: string, data: string): void;
  stateChanged(): void;
}

const fmt = (v: number | null) => (v === null ? '—' : Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(Number(v.toPrecision(5))));

function select(label: string, options: ReadonlyArray<{ value: string; text: string }>, value: string, onChange: (v: string) => void): HTMLElement {
  const s = el('select', { attrs: { 'aria-label': label } });
  for (const o of options) s.append(el('option', { text: o.text, attrs: { value: o.value } }));
  s.value = options.some((o) => o.value === value) ? value : (options[0]?.value ?? '');
  s.addEventListener('change', () => onChange(s.value));
  return el('label', { className: 'pick' }, [el('span', { text: label }), s]);
}

/**
 * Why the runs differ in outcome: parallel coordinates over chosen params and one metric (brush an
 * axis to filter the runs everywhere), a scatter plot of any param or metric against a metric, a
 * bar chart of each run's last, lowest or highest value, and each numeric param's correlation with
 * a metric, strongest first.
 */
export class AnalysisView {
  private readonly pcpBox = el('div', { className: 'pcp-box' });
  private readonly pcpControls = el('div', { className: 'pick-row' });
  private readonly pcp: ParallelCoordinates;
  private readonly scatterControls = el('div', { className: 'pick-row' });
  private readonly barControls = el('div', { className: 'pick-row' });
  private readonly corrBox = el('div', { className: 'corr-box' });
  private readonly scatterCanvas = el('canvas', { attrs: { role: 'img', 'aria-label': 'scatter plot' } });
  private readonly barCanvas = el('canvas', { attrs: { role: 'img', 'aria-label': 'bar chart' } });
  private scatter: Chart<'scatter'> | undefined;
  private bar: Chart<'bar'> | undefined;
  private runs: CompareRun[] = [];
  private params: Column[] = [];
  private metrics: CompareMetricRow[] = [];

  constructor(root: HTMLElement, private readonly state: AnalysisState, private readonly hooks: AnalysisHooks) {
    const card = (title: string, controls: HTMLElement, body: HTMLElement, cls: string, actions: HTMLElement[]) =>
      el('div', { className: `analysis-card ${cls}` }, [el('div', { className: 'chart-title' }, [el('span', { text: title }), el('span', { className: 'chart-actions' }, actions)]), controls, body]);
    const pngOf = (canvas: () => HTMLCanvasElement, name: string) => {
      const b = el('button', { className: 'chart-action', text: 'PNG', attrs: { type: 'button', title: `Save the ${name} as a PNG image` } });
      b.addEventListener('click', () => this.hooks.save('png', `${name}.png`, canvas().toDataURL('image/png')));
      return b;
    };
    const csvOf = (name: string, rows: () => { header: string[]; rows: Array<Array<string | number | null>> }) => {
      const b = el('button', { className: 'chart-action', text: 'CSV', attrs: { type: 'button', title: `Save the ${name}'s data as CSV` } });
      b.addEventListener('click', () => {
        const t = rows();
        this.hooks.save('csv', `${name}.csv`, toCsv(t.header, t.rows));
      });
      return b;
    };
    const pcpWrap = el('div', { className: 'pcp-wrap' });
    this.pcp = new ParallelCoordinates(pcpWrap, (kept) => this.hooks.filter(kept));
    const clearBrush = el('button', { className: 'chart-action', text: 'Clear brushes', attrs: { type: 'button' } });
    clearBrush.addEventListener('click', () => this.pcp.clearBrushes());
    this.pcpBox.append(this.pcpControls, pcpWrap, el('p', { className: 'muted hint', text: 'Drag along an axis to keep only the runs in that range (everywhere in this view); click an axis to clear its brush; click a numeric axis title for log scale.' }));
    const scatterBox = el('div', { className: 'canvas-box' }, [this.scatterCanvas]);
    const barBox = el('div', { className: 'canvas-box' }, [this.barCanvas]);
    root.append(
      card('Parallel coordinates', el('div'), this.pcpBox, 'pcp-card', [clearBrush, pngOf(() => this.pcp.canvas, 'parallel-coordinates'), csvOf('parallel-coordinates', () => this.table(this.pcpColumns()))]),
      el('div', { className: 'analysis-grid' }, [
        card('Scatter', this.scatterControls, scatterBox, 'scatter-card', [pngOf(() => this.scatterCanvas, 'scatter'), csvOf('scatter', () => this.table(this.scatterColumns()))]),
        card('Per run', this.barControls, barBox, 'bar-card', [pngOf(() => this.barCanvas, 'bar-chart'), csvOf('bar-chart', () => this.table([this.barColumn()]))]),
        card('Correlation with a metric', el('div'), this.corrBox, 'corr-card', []),
      ]),
    );
  }

  /** A metric's column: `key` or `key:min` / `key:max`. */
  private metricCol(key: string, stat: 'last' | 'min' | 'max' = 'last'): Column | undefined {
    const m = this.metrics.find((x) => x.key === key);
    return m && metricColumn(m.key, m[stat], stat);
  }

  private column(id: string): Column | undefined {
    if (id.startsWith('param:')) return this.params.find((p) => p.id === id);
    return this.metricCol(id.slice('metric:'.length));
  }

  private table(cols: Array<Column | undefined>): { header: string[]; rows: Array<Array<string | number | null>> } {
    const c = cols.filter((x): x is Column => !!x);
    return { header: ['run', ...c.map((x) => x.label)], rows: this.runs.map((r, i) => [r.name, ...c.map((x) => x.values[i])]) };
  }

  private pcpColumns(): Column[] {
    const chosen = this.state.pcpParams ?? this.params.slice(0, 8).map((p) => p.id);
    const cols = chosen.map((id) => this.params.find((p) => p.id === id)).filter((c): c is Column => !!c);
    const m = this.metricCol(this.state.pcpMetric);
    return m ? [...cols, m] : cols;
  }

  private scatterColumns(): Array<Column | undefined> {
    return [this.column(this.state.scatterX), this.column(this.state.scatterY)];
  }

  private barColumn(): Column | undefined {
    return this.metricCol(this.state.barMetric, this.state.barStat);
  }

  /** New data from the host. Params that differ come first (those that do not explain nothing). */
  set(runs: CompareRun[], params: CompareParamRow[], metrics: CompareMetricRow[]): void {
    this.runs = runs;
    this.metrics = metrics;
    const differing = params.filter((p) => p.differs);
    this.params = [...differing, ...params.filter((p) => !p.differs)].map((p) => paramColumn(p.key, p.values));
    // A result (loss, accuracy, …) rather than a counter (epoch, step) is what a first look wants.
    const first = (metrics.find((m) => /loss|acc|err|score|f1|auc|reward|metric|val/i.test(m.key)) ?? metrics.find((m) => !/^(epoch|step|global_step|iter|iteration)s?$/i.test(m.key)) ?? metrics[0])?.key ?? '';
    if (!metrics.some((m) => m.key === this.state.pcpMetric)) this.state.pcpMetric = first;
    if (!metrics.some((m) => m.key === this.state.barMetric)) this.state.barMetric = first;
    if (!metrics.some((m) => m.key === this.state.corrMetric)) this.state.corrMetric = first;
    if (!this.column(this.state.scatterY)) this.state.scatterY = `metric:${first}`;
    if (!this.column(this.state.scatterX)) this.state.scatterX = this.params[0]?.id ?? `metric:${metrics[1]?.key ?? first}`;
    if (this.state.pcpParams === null) this.state.pcpParams = differing.slice(0, 8).map((p) => `param:${p.key}`);
    // A live run changes values, not choices: the pickers stay as they are (an open one stays open).
    const choices = JSON.stringify([this.params.map((p) => p.id), metrics.map((m) => m.key)]);
    if (choices !== this.choices) {
      this.choices = choices;
      this.renderControls();
    }
    this.render();
  }

  private choices = '';

  private renderControls(): void {
    const metricOptions = this.metrics.map((m) => ({ value: m.key, text: m.key }));
    const anyOptions = [...this.params.map((p) => ({ value: p.id, text: `param ${p.label}` })), ...this.metrics.map((m) => ({ value: `metric:${m.key}`, text: `metric ${m.key}` }))];
    const changed = () => {
      this.hooks.stateChanged();
      this.render();
    };
    clear(this.pcpControls);
    const chosen = new Set(this.state.pcpParams ?? []);
    const boxes = el('div', { className: 'param-picks' });
    for (const p of this.params) {
      const box = el('input', { attrs: { type: 'checkbox', 'aria-label': `axis ${p.label}` } });
      box.checked = chosen.has(p.id);
      box.addEventListener('change', () => {
        const now = new Set(this.state.pcpParams ?? []);
        if (box.checked) now.add(p.id);
        else now.delete(p.id);
        this.state.pcpParams = this.params.map((x) => x.id).filter((id) => now.has(id));
        changed();
      });
      boxes.append(el('label', { className: 'param-pick' }, [box, el('span', { text: p.label })]));
    }
    this.pcpControls.append(select('metric', metricOptions, this.state.pcpMetric, (v) => ((this.state.pcpMetric = v), changed())), boxes);
    clear(this.scatterControls);
    this.scatterControls.append(
      select('x', anyOptions, this.state.scatterX, (v) => ((this.state.scatterX = v), changed())),
      select('y', metricOptions.map((o) => ({ value: `metric:${o.value}`, text: o.text })), this.state.scatterY, (v) => ((this.state.scatterY = v), changed())),
    );
    clear(this.barControls);
    this.barControls.append(
      select('metric', metricOptions, this.state.barMetric, (v) => ((this.state.barMetric = v), changed())),
      select('value', [{ value: 'last', text: 'last' }, { value: 'min', text: 'lowest' }, { value: 'max', text: 'highest' }], this.state.barStat, (v) => ((this.state.barStat = v as AnalysisState['barStat']), changed())),
    );
    const corrSelect = select('metric', metricOptions, this.state.corrMetric, (v) => ((this.state.corrMetric = v), changed()));
    corrSelect.classList.add('corr-pick');
    this.corrBox.previousElementSibling?.replaceChildren(corrSelect);
  }

  /** Draws run `id` on top in the parallel coordinates. */
  highlight(id: string | null): void {
    this.pcp.highlight(id === null ? -1 : this.runs.findIndex((r) => r.id === id));
  }

  private render(): void {
    this.pcp.set(this.pcpColumns(), this.runs.map((r) => ({ label: r.name, color: paletteColor(r.color) })));
    this.renderScatter();
    this.renderBar();
    this.renderCorrelation();
  }

  private renderScatter(): void {
    const [x, y] = this.scatterColumns();
    const theme = themeColors();
    const categories = x && !x.numeric ? [...new Set(x.values.filter((v) => v !== null).map(String))].sort() : [];
    const xOf = (v: number | string | null) => (v === null ? NaN : typeof v === 'number' ? v : categories.indexOf(String(v)));
    const points = this.runs.map((r, i) => ({ x: x ? xOf(x.values[i]) : NaN, y: y ? Number(y.values[i] ?? NaN) : NaN, run: r }));
    const shown = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    const data = { datasets: [{ data: shown.map((p) => ({ x: p.x, y: p.y })), pointRadius: 5, pointHoverRadius: 7, pointBackgroundColor: shown.map((p) => withAlpha(paletteColor(p.run.color), 0.85)), pointBorderColor: shown.map((p) => paletteColor(p.run.color)) }] };
    const tickX = (v: number | string) => (categories.length ? (categories[Number(v)] ?? '') : String(v));
    this.scatterCanvas.dataset.points = String(shown.length);
    if (this.scatter) this.scatter.destroy();
    this.scatter = new Chart(this.scatterCanvas, {
      type: 'scatter',
      data,
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item) => `${shown[item.dataIndex]?.run.name ?? ''}: ${x?.label ?? ''} ${categories.length ? tickX(item.parsed.x ?? 0) : fmt(item.parsed.x)}, ${y?.label ?? ''} ${fmt(item.parsed.y)}` } } },
        scales: {
          x: { type: 'linear', title: { display: true, text: x?.label ?? '', color: theme.muted }, ticks: { color: theme.muted, stepSize: categories.length ? 1 : undefined, callback: (v) => tickX(v) }, grid: { color: theme.grid } },
          y: { type: 'linear', title: { display: true, text: y?.label ?? '', color: theme.muted }, ticks: { color: theme.muted }, grid: { color: theme.grid } },
        },
      },
    });
  }

  private renderBar(): void {
    const col = this.barColumn();
    const theme = themeColors();
    const rows = this.runs.map((r, i) => ({ r, v: col ? (col.values[i] as number | null) : null })).filter((x) => x.v !== null);
    this.barCanvas.dataset.bars = String(rows.length);
    if (this.bar) this.bar.destroy();
    this.bar = new Chart(this.barCanvas, {
      type: 'bar',
      data: { labels: rows.map((x) => x.r.name), datasets: [{ data: rows.map((x) => x.v as number), backgroundColor: rows.map((x) => withAlpha(paletteColor(x.r.color), 0.8)), borderColor: rows.map((x) => paletteColor(x.r.color)), borderWidth: 1 }] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item) => `${col?.label ?? ''}: ${fmt(item.parsed.y)}` } } },
        scales: { x: { ticks: { color: theme.muted, autoSkip: true, maxRotation: 60 }, grid: { display: false } }, y: { title: { display: true, text: col?.label ?? '', color: theme.muted }, ticks: { color: theme.muted }, grid: { color: theme.grid } } },
      },
    });
  }

  private renderCorrelation(): void {
    clear(this.corrBox);
    const target = this.metricCol(this.state.corrMetric);
    if (!target) return;
    const rows = correlations(this.params, target);
    if (rows.length === 0) {
      this.corrBox.append(el('p', { className: 'muted', text: 'No numeric parameter to correlate.' }));
      return;
    }
    const table = el('table', { className: 'corr' });
    table.append(el('tr', {}, [el('th', { text: 'parameter' }), el('th', { text: `Pearson r with ${target.label}` }), el('th', { text: '' }), el('th', { text: 'runs' })]));
    for (const c of rows) {
      const bar = el('div', { className: `bar ${c.r !== null && c.r < 0 ? 'neg' : 'pos'}` });
      bar.style.width = `${Math.round(Math.abs(c.r ?? 0) * 100)}%`;
      table.append(el('tr', { attrs: { 'data-param': c.key } }, [el('th', { text: c.key }), el('td', { className: 'num', text: c.r === null ? 'n/a' : c.r.toFixed(2) }), el('td', { className: 'bar-cell' }, [bar]), el('td', { className: 'num', text: String(c.n) })]));
    }
    this.corrBox.append(table, el('p', { className: 'muted hint', text: 'A first hint of what matters: linear correlation over these runs, not cause; with few runs it is noisy.' }));
  }
}
