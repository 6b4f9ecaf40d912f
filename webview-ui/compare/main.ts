import { provideVSCodeDesignSystem, vsCodeCheckbox, vsCodeTextField } from '@vscode/webview-ui-toolkit';
import type { CompareContextRows, CompareMetricRow, CompareParamRow, ComparePanelToHost, CompareRun, HostToComparePanel } from '../../src/protocol/comparePanel';
import { clear, el } from '../shared/dom';
import { textField } from '../shared/controls';
import { toCsv, fileNameFor } from '../shared/csv';
import { paletteColor } from '../shared/palette';
import { onThemeChange } from '../shared/theme';
import { getState, onHostMessage, post, setState } from '../shared/vscodeApi';
import { stepSpan, xAxisTitle, xValues } from '../shared/xAxis';
import { AnalysisView, type AnalysisState } from './analysisView';
import { ChartCards } from './chartCards';
import { DiffView, type DiffState } from './diffView';
import type { LineChart } from './lineChart';
import { chartLines, groupRuns, type HeldLine } from './lines';
import { Toolbar, type ChartState } from './toolbar';
import '../shared/panel.css';
import './style.css';

provideVSCodeDesignSystem().register(vsCodeCheckbox(), vsCodeTextField());

interface ViewState { filter: string; chart: ChartState; hidden: string[]; diff: DiffState; analysis: AnalysisState }
const saved = getState<Partial<ViewState>>() ?? {};
const state: ViewState = {
  filter: saved.filter ?? '',
  chart: { xAxis: { kind: 'step' }, logX: false, logY: false, smoothing: 'ema', weight: 0, groupBy: { kind: 'none' }, band: 'minmax', ...saved.chart },
  hidden: saved.hidden ?? [],
  diff: { onlyDifferences: true, left: '', right: '', ...saved.diff },
  analysis: { pcpParams: null, pcpMetric: '', scatterX: '', scatterY: '', barMetric: '', barStat: 'last', corrMetric: '', ...saved.analysis },
};
const remember = () => setState(state);

/** What the view shows: runs, params, metric values, every line by chart key and run, and the diff rows. */
interface Model {
  runs: CompareRun[];
  params: CompareParamRow[];
  metrics: CompareMetricRow[];
  keys: string[];
  lines: Map<string, Map<number, HeldLine>>;
  context: CompareContextRows;
}
let data: Model | undefined;
/** Runs kept by the parallel coordinates' brushes (indices), or null. */
let brushed: Set<number> | null = null;
/** A zoomed chart's finer points, by chart key (the latest request's answer). */
const zoomed = new Map<string, { request: number; lines?: Map<number, HeldLine> }>();
let requests = 0;
/** Charts whose lines were asked for since the last `init` (sent once each). */
const asked = new Set<string>();

/** Asks the host for the lines of chart `key` when the view does not have them (a chart scrolled into view, or the x axis' metric). */
function want(key: string): void {
  if (!data || data.lines.has(key) || asked.has(key) || !data.keys.includes(key)) return;
  asked.add(key);
  send({ type: 'lines', key });
}

function send(message: ComparePanelToHost): void {
  post(message);
}
window.addEventListener('error', (e) => send({ type: 'error', message: String(e.message).slice(0, 2000) }));

const app = document.getElementById('app')!;
const header = el('header', { className: 'run-header' });
const legend = el('div', { className: 'legend' });
const toolbarRoot = el('div', { className: 'toolbar compare-toolbar' });
const chartsRoot = el('main', { attrs: { id: 'charts' } });
const metricsBox = el('details', { className: 'box metrics-box' });
const diffBox = el('details', { className: 'box params-box' });
diffBox.open = true;
const analysisBox = el('details', { className: 'box analysis-box' });
analysisBox.open = true;
const analysisRoot = el('div', { className: 'analysis' });
analysisBox.append(el('summary', { text: 'Parallel coordinates, scatter, per-run values and correlation' }), analysisRoot);
app.append(header, legend, toolbarRoot, chartsRoot, analysisBox, diffBox, metricsBox);

/** A run's name with its colour, clickable to open the run. */
function runLabel(r: CompareRun): HTMLElement {
  const link = el('a', { text: r.name, attrs: { href: '#', title: `${r.project} · ${r.status}${r.folder ? ` · ${r.folder}` : ''} — open the run` } });
  link.addEventListener('click', (e) => {
    e.preventDefault();
    send({ type: 'openRun', id: r.id });
  });
  const swatch = el('span', { className: 'swatch' });
  swatch.style.background = paletteColor(r.color);
  return el('span', { className: 'run-label', attrs: { 'data-run': r.id } }, [swatch, link]);
}

/** Runs drawn: not hidden from the legend, and inside the brushes. */
function shownRuns(): number[] {
  if (!data) return [];
  const hidden = new Set(state.hidden);
  return data.runs.map((_, i) => i).filter((i) => !hidden.has(data!.runs[i].id) && (!brushed || brushed.has(i)));
}

function paramOf(key: string): (run: number) => string | null {
  const row = data?.params.find((p) => p.key === key);
  return (run) => row?.values[run] ?? null;
}

const charts = new ChartCards(
  chartsRoot,
  'None of these runs logged metrics yet.',
  { kind: state.chart.xAxis.kind, title: xAxisTitle(state.chart.xAxis), logX: state.chart.logX, logY: state.chart.logY },
  { zoomed: (chart, min, max) => askRange(chart, min, max), reset: (chart) => resetZoom(chart.key) },
  {
    png: (key, chart) => send({ type: 'save', kind: 'png', name: fileNameFor(key, 'png'), data: chart.toPng() }),
    csv: (key) => saveCsv(key),
  },
  (id) => highlight(id),
  want,
);

function highlight(id: string | null): void {
  for (const item of Array.from(legend.querySelectorAll<HTMLElement>('.legend-item'))) item.classList.toggle('highlighted', item.dataset.id === id);
  analysis.highlight(id);
}

const analysis = new AnalysisView(analysisRoot, state.analysis, {
  filter: (kept) => {
    brushed = kept && new Set(kept);
    renderLegend();
    renderCharts();
  },
  save: (kind, name, text) => send({ type: 'save', kind, name, data: text }),
  stateChanged: remember,
});

const diff = new DiffView(diffBox, state.diff, runLabel, remember);

/** Redraws once a frame at most: a slider dragged over 100 runs does not queue a redraw per pixel. */
let redraw = 0;
function scheduleRedraw(): void {
  if (redraw) return;
  redraw = requestAnimationFrame(() => {
    redraw = 0;
    renderLegend();
    renderCharts();
  });
}

const toolbar = new Toolbar(toolbarRoot, state.chart, (what) => {
  remember();
  if (what === 'lines') {
    scheduleRedraw();
    return;
  }
  // A new x axis or scale: every chart back to its whole range.
  for (const c of charts.charts()) c.resetZoom();
  zoomed.clear();
  charts.setAxes({ kind: state.chart.xAxis.kind, title: xAxisTitle(state.chart.xAxis), logX: state.chart.logX, logY: state.chart.logY });
  renderLegend();
  renderCharts();
});
toolbarRoot.prepend(textField('Filter metrics', state.filter, (value) => {
  state.filter = value;
  remember();
  charts.filter(state.filter);
}));

/** The lines a chart draws: the zoomed range's when it has them, else the overview's. */
function heldLines(key: string): Map<number, HeldLine> {
  return zoomed.get(key)?.lines ?? data?.lines.get(key) ?? new Map();
}

function linesOf(key: string) {
  const c = state.chart;
  const xMetric = c.xAxis.kind === 'metric' && c.xAxis.metric ? data!.lines.get(c.xAxis.metric) : undefined;
  if (c.xAxis.kind === 'metric' && c.xAxis.metric) want(c.xAxis.metric);
  return chartLines(heldLines(key), data!.runs, shownRuns(), { xAxis: c.xAxis, smoothing: c.smoothing, weight: c.weight, groupBy: c.groupBy, band: c.band, logY: c.logY }, c.groupBy.kind === 'param' ? paramOf(c.groupBy.key) : () => null, xMetric);
}

/** A chart zoomed to [min, max] on its x axis: ask the host for that range's points, finer. */
function askRange(chart: LineChart, min: number, max: number): void {
  if (!data) return;
  const c = state.chart;
  const xMetric = c.xAxis.kind === 'metric' && c.xAxis.metric ? data.lines.get(c.xAxis.metric) : undefined;
  let lo = Infinity;
  let hi = -Infinity;
  for (const [run, l] of data.lines.get(chart.key) ?? []) {
    const span = stepSpan(xValues(c.xAxis, l, data.runs[run].startTime, xMetric?.get(run)), l.steps, min, max);
    if (!span) continue;
    lo = Math.min(lo, span.lo);
    hi = Math.max(hi, span.hi);
  }
  if (!(lo <= hi)) return;
  const request = ++requests;
  zoomed.set(chart.key, { request, lines: zoomed.get(chart.key)?.lines });
  send({ type: 'range', key: chart.key, lo: Math.floor(lo), hi: Math.ceil(hi), request });
}

function resetZoom(key: string): void {
  zoomed.delete(key);
  charts.get(key)?.canvas.removeAttribute('data-zoomed');
  renderCharts(new Set([key]));
}

function saveCsv(key: string): void {
  const chart = charts.get(key);
  if (!chart) return;
  const rows: Array<Array<string | number | null>> = [];
  for (const d of chart.chart.data.datasets as Array<{ label?: string; role?: string; data: Array<{ x: number; y: number }> }>) {
    if (d.role !== 'line') continue;
    for (const p of d.data) rows.push([d.label ?? '', p.x, p.y]);
  }
  send({ type: 'save', kind: 'csv', name: fileNameFor(key, 'csv'), data: toCsv([state.chart.groupBy.kind === 'none' ? 'run' : 'group', xAxisTitle(state.chart.xAxis), key], rows) });
}

/** The legend: a chip per run (click: hide or show its lines; hover: highlight it), or per group with its count. */
function renderLegend(): void {
  clear(legend);
  if (!data) return;
  const d = data;
  const hidden = new Set(state.hidden);
  const c = state.chart;
  if (c.groupBy.kind !== 'none') {
    for (const g of groupRuns(d.runs, shownRuns(), c.groupBy, c.groupBy.kind === 'param' ? paramOf(c.groupBy.key) : () => null)) {
      const swatch = el('span', { className: 'swatch' });
      swatch.style.background = g.color;
      legend.append(el('span', { className: 'legend-item group-item', attrs: { 'data-id': `group:${g.label}` } }, [swatch, el('span', { text: `${g.label} (${g.runs.length})` })]));
    }
    return;
  }
  d.runs.forEach((r, i) => {
    const swatch = el('span', { className: 'swatch' });
    swatch.style.background = paletteColor(r.color);
    const toggle = el('button', { className: 'legend-toggle', attrs: { type: 'button', title: hidden.has(r.id) ? 'Show this run\'s lines' : 'Hide this run\'s lines', 'aria-pressed': String(!hidden.has(r.id)) } }, [swatch, el('span', { text: r.name })]);
    toggle.addEventListener('click', () => {
      state.hidden = hidden.has(r.id) ? state.hidden.filter((x) => x !== r.id) : [...state.hidden, r.id];
      remember();
      renderLegend();
      renderCharts();
    });
    const open = el('a', { className: 'open-run', text: '↗', attrs: { href: '#', title: `${r.project} · ${r.status} — open the run` } });
    open.addEventListener('click', (e) => {
      e.preventDefault();
      send({ type: 'openRun', id: r.id });
    });
    const item = el('span', { className: `legend-item${hidden.has(r.id) ? ' off' : ''}${brushed && !brushed.has(i) ? ' brushed-out' : ''}`, attrs: { 'data-id': r.id, 'data-run': r.id } }, [toggle, open, el('span', { className: `status status-${r.status}`, text: r.status })]);
    item.addEventListener('mouseenter', () => charts.highlight(r.id));
    item.addEventListener('mouseleave', () => charts.highlight(null));
    legend.append(item);
  });
}

function renderHeader(): void {
  clear(header);
  if (!data) return;
  header.append(el('h1', { text: `Comparing ${data.runs.length} runs` }));
}

function renderCharts(changed?: ReadonlySet<string>): void {
  if (!data) return;
  const d = data;
  const shown = shownRuns().length;
  charts.sync(d.keys.map((key) => {
    const held = d.lines.get(key);
    return {
      key,
      changed: !changed || changed.has(key),
      lines: held ? () => linesOf(key) : undefined,
      count: held ? `${held.size} of ${d.runs.length} runs${shown < d.runs.length ? ` · ${shown} shown` : ''}${zoomed.get(key)?.lines ? ' · zoomed' : ''}` : 'loading…',
    };
  }));
  charts.filter(state.filter);
  document.body.dataset.charts = String(d.keys.length);
}

const fmt = (v: number | null) => (v === null ? '—' : Number.isNaN(v) ? 'NaN' : !Number.isFinite(v) ? (v > 0 ? '∞' : '-∞') : Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(Number(v.toPrecision(5))));

function renderMetrics(): void {
  clear(metricsBox);
  if (!data || data.metrics.length === 0) {
    metricsBox.hidden = true;
    return;
  }
  metricsBox.hidden = false;
  metricsBox.append(el('summary', { text: `Metrics (${data.metrics.length}): last value, min … max` }));
  const table = el('table', { className: 'kv diff metrics' });
  const head = el('tr', {}, [el('th', { text: 'metric' })]);
  data.runs.forEach((r) => head.append(el('th', {}, [runLabel(r)])));
  table.append(head);
  for (const m of data.metrics) {
    const row = el('tr', { attrs: { 'data-metric': m.key } }, [el('th', { text: m.key })]);
    m.last.forEach((last, i) => row.append(el('td', { className: last === null ? 'missing' : '', text: `${fmt(last)}${m.min[i] === null ? '' : ` (${fmt(m.min[i])} … ${fmt(m.max[i])})`}` })));
    table.append(row);
  }
  metricsBox.append(table);
}

function renderTables(): void {
  if (!data) return;
  diff.render(data.runs, [
    { title: 'Parameters', name: 'params', rows: data.params },
    { title: 'Code (git)', name: 'git', rows: data.context.git },
    { title: 'Environment', name: 'env', rows: data.context.env },
    { title: 'Datasets', name: 'datasets', rows: data.context.datasets },
  ]);
  renderMetrics();
  analysis.set(data.runs, data.params, data.metrics);
  toolbar.setChoices(data.keys, data.params.map((p) => p.key));
}

function init(m: Extract<HostToComparePanel, { type: 'init' }>): void {
  const lines = new Map<string, Map<number, HeldLine>>();
  for (const s of m.series) lines.set(s.key, new Map(s.lines.map((l) => [l.run, { steps: l.steps, values: l.values, times: l.times, total: l.total }])));
  data = { runs: m.runs, params: m.params, metrics: m.metrics, keys: m.keys, lines, context: m.context };
  zoomed.clear();
  asked.clear();
  renderHeader();
  renderTables();
  renderLegend();
  renderCharts();
  charts.askAgain();
}

/** What changed: new points appended to their lines (only those are sent), lines sent again replaced, gone charts dropped. */
function update(m: Extract<HostToComparePanel, { type: 'update' }>): void {
  if (!data) return;
  const changed = new Set<string>();
  for (const l of m.lines) {
    const byRun = data.lines.get(l.key) ?? new Map<number, HeldLine>();
    data.lines.set(l.key, byRun);
    const line = byRun.get(l.run);
    if (l.append && line) {
      line.steps = line.steps.concat(l.steps);
      line.values = line.values.concat(l.values);
      line.times = line.times.concat(l.times);
      line.total = l.total;
    } else byRun.set(l.run, { steps: l.steps, values: l.values, times: l.times, total: l.total });
    // A zoomed chart keeps the range it shows.
    if (!zoomed.get(l.key)?.lines) changed.add(l.key);
  }
  const keys = new Set(m.keys);
  for (const key of data.lines.keys()) if (!keys.has(key)) data.lines.delete(key);
  const runsChanged = JSON.stringify(m.runs) !== JSON.stringify(data.runs);
  data = { ...data, runs: m.runs, params: m.params, metrics: m.metrics, keys: m.keys, context: m.context };
  if (runsChanged) {
    renderHeader();
    renderLegend();
  }
  renderTables();
  renderCharts(runsChanged ? undefined : changed);
}

/** A chart's lines the view asked for: drawn now (every chart when it is the x axis' metric). */
function linesCame(m: Extract<HostToComparePanel, { type: 'lines' }>): void {
  if (!data) return;
  for (const s of m.series) data.lines.set(s.key, new Map(s.lines.map((l) => [l.run, { steps: l.steps, values: l.values, times: l.times, total: l.total }])));
  const x = state.chart.xAxis;
  const keys = new Set(m.series.map((s) => s.key));
  renderCharts(x.kind === 'metric' && x.metric && keys.has(x.metric) ? undefined : keys);
}

function range(m: Extract<HostToComparePanel, { type: 'range' }>): void {
  const z = zoomed.get(m.key);
  if (!z || z.request !== m.request) return;
  z.lines = new Map(m.lines.map((l) => [l.run, { steps: l.steps, values: l.values, times: l.times, total: l.total }]));
  renderCharts(new Set([m.key]));
  const chart = charts.get(m.key);
  if (!chart) return;
  chart.canvas.dataset.rangeDrawn = JSON.stringify(chart.drawn);
  chart.canvas.dataset.rangePoints = String(chart.pointCount);
}

onHostMessage<HostToComparePanel>((m) => {
  try {
    if (m.type === 'init') init(m);
    else if (m.type === 'update') update(m);
    else if (m.type === 'range') range(m);
    else if (m.type === 'lines') linesCame(m);
  } catch (e) {
    send({ type: 'error', message: `could not show ${m.type}: ${(e as Error).message}` });
  }
});

onThemeChange(() => {
  charts.restyle();
  if (data) analysis.set(data.runs, data.params, data.metrics);
});
send({ type: 'ready' });
