import { provideVSCodeDesignSystem, vsCodeCheckbox, vsCodeTextField } from '@vscode/webview-ui-toolkit';
import type { CompareMetricRow, CompareParamRow, ComparePanelToHost, CompareRun, HostToComparePanel } from '../../src/protocol/comparePanel';
import { toPoints } from '../shared/charts';
import { ChartGrid } from '../shared/chartGrid';
import { clear, el } from '../shared/dom';
import { checkbox, textField } from '../shared/controls';
import { paletteColor } from '../shared/palette';
import { onThemeChange } from '../shared/theme';
import { getState, onHostMessage, post, setState } from '../shared/vscodeApi';
import '../shared/panel.css';
import './style.css';

provideVSCodeDesignSystem().register(vsCodeCheckbox(), vsCodeTextField());

interface ViewState { filter: string; logScale: boolean; onlyDifferences: boolean }
const state: ViewState = { filter: '', logScale: false, onlyDifferences: true, ...getState<ViewState>() };

/** A run's line in a chart, as the host sent it (points may have been appended since). */
interface Line { steps: number[]; values: number[]; total: number }
/** What the view shows: the last runs, parameters and metric values, and every line by chart key and run. */
interface Model {
  runs: CompareRun[];
  params: CompareParamRow[];
  metrics: CompareMetricRow[];
  keys: string[];
  lines: Map<string, Map<number, Line>>;
}
let data: Model | undefined;

const app = document.getElementById('app')!;
const header = el('header', { className: 'run-header' });
const paramsBox = el('details', { className: 'box params-box' });
paramsBox.open = true;
const metricsBox = el('details', { className: 'box metrics-box' });
metricsBox.open = true;
const toolbar = el('div', { className: 'toolbar' });
const chartsRoot = el('main', { attrs: { id: 'charts' } });
app.append(header, paramsBox, metricsBox, toolbar, chartsRoot);
const charts = new ChartGrid(chartsRoot, 'None of these runs logged metrics yet.', state.logScale);
/** What the header, parameter and metric tables were last drawn from: unchanged parts are not redrawn. */
const drawn = { header: '', params: '', metrics: '' };

function send(message: ComparePanelToHost): void {
  post(message);
}

const filter = textField('Filter metrics', state.filter, (value) => {
  state.filter = value;
  setState(state);
  charts.filter(state.filter);
});
toolbar.append(
  filter,
  checkbox('Log scale', state.logScale, (on) => {
    state.logScale = on;
    setState(state);
    charts.setLogScale(on);
  }),
);

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

function renderHeader(): void {
  const signature = JSON.stringify(data?.runs ?? null);
  if (signature === drawn.header) return;
  drawn.header = signature;
  clear(header);
  if (!data) return;
  header.append(el('h1', { text: `Comparing ${data.runs.length} runs` }));
  const legend = el('div', { className: 'legend' });
  data.runs.forEach((r) => legend.append(el('span', { className: 'legend-item' }, [runLabel(r), el('span', { className: `status status-${r.status}`, text: r.status })])));
  header.append(legend);
}

function renderParams(force = false): void {
  const signature = JSON.stringify([data?.runs ?? null, data?.params ?? null]);
  if (signature === drawn.params && !force) return;
  drawn.params = signature;
  clear(paramsBox);
  if (!data) return;
  const differing = data.params.filter((p) => p.differs).length;
  paramsBox.append(el('summary', { text: `Parameters (${differing} of ${data.params.length} differ)` }));
  if (data.params.length === 0) {
    paramsBox.append(el('p', { className: 'muted', text: 'None of these runs logged parameters.' }));
    return;
  }
  paramsBox.append(
    checkbox('Only differences', state.onlyDifferences, (on) => {
      state.onlyDifferences = on;
      setState(state);
      renderParams(true);
    }),
  );
  const table = el('table', { className: 'kv diff' });
  const head = el('tr', {}, [el('th', { text: 'parameter' })]);
  data.runs.forEach((r) => head.append(el('th', {}, [runLabel(r)])));
  table.append(head);
  for (const p of data.params) {
    if (state.onlyDifferences && !p.differs) continue;
    const row = el('tr', { className: p.differs ? 'differs' : '', attrs: { 'data-param': p.key } }, [el('th', { text: p.key })]);
    for (const v of p.values) row.append(el('td', { className: v === null ? 'missing' : '', text: v ?? '—' }));
    table.append(row);
  }
  if (state.onlyDifferences && differing === 0) paramsBox.append(el('p', { className: 'muted', text: 'All parameters are the same.' }));
  else paramsBox.append(table);
}

function formatNumber(v: number | null): string {
  if (v === null) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  return Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(Number(v.toPrecision(5)));
}

function metricCell(m: CompareMetricRow, i: number): { text: string; missing: boolean } {
  const last = m.last[i];
  const range = m.min[i] === null ? '' : ` (${formatNumber(m.min[i])} … ${formatNumber(m.max[i])})`;
  return { text: `${formatNumber(last)}${range}`, missing: last === null };
}

/**
 * Last value, minimum and maximum of each metric per run. While the runs and metrics stay the
 * same (a live run logging), only the cells' text changes.
 */
function renderMetrics(): void {
  if (!data || data.metrics.length === 0) {
    clear(metricsBox);
    drawn.metrics = '';
    metricsBox.hidden = true;
    return;
  }
  metricsBox.hidden = false;
  const signature = JSON.stringify([data.runs, data.metrics.map((m) => m.key)]);
  const table = metricsBox.querySelector('table.metrics');
  if (signature === drawn.metrics && table) {
    data.metrics.forEach((m, row) => {
      const cells = table.querySelectorAll<HTMLElement>(`tr:nth-child(${row + 2}) > td`);
      m.last.forEach((_, i) => {
        const { text, missing } = metricCell(m, i);
        const td = cells[i];
        if (td && td.textContent !== text) td.textContent = text;
        td?.classList.toggle('missing', missing);
      });
    });
    return;
  }
  drawn.metrics = signature;
  clear(metricsBox);
  metricsBox.append(el('summary', { text: `Metrics (${data.metrics.length}): last value, min … max` }));
  const fresh = el('table', { className: 'kv diff metrics' });
  const head = el('tr', {}, [el('th', { text: 'metric' })]);
  data.runs.forEach((r) => head.append(el('th', {}, [runLabel(r)])));
  fresh.append(head);
  for (const m of data.metrics) {
    const row = el('tr', { attrs: { 'data-metric': m.key } }, [el('th', { text: m.key })]);
    m.last.forEach((_, i) => {
      const { text, missing } = metricCell(m, i);
      row.append(el('td', { className: missing ? 'missing' : '', text }));
    });
    fresh.append(row);
  }
  metricsBox.append(fresh);
}

/**
 * One chart per metric, a line per run in the run's colour. Charts that stay are updated in place,
 * and only those in `changed` (all when undefined) are redrawn.
 */
function renderCharts(changed?: ReadonlySet<string>): void {
  if (!data) return;
  const { runs, lines } = data;
  charts.sync(
    data.keys.map((key) => {
      const byRun = [...(lines.get(key) ?? new Map<number, Line>())].sort(([a], [b]) => a - b);
      return {
        key,
        changed: !changed || changed.has(key),
        lines: () => byRun.map(([run, l]) => ({ id: runs[run].id, label: runs[run].name, color: paletteColor(runs[run].color), points: toPoints(l.steps, l.values) })),
        ariaLabel: `chart of ${key} for ${byRun.length} runs`,
        count: `${byRun.length} of ${runs.length} runs`,
        data: { points: String(byRun.reduce((n, [, l]) => n + l.steps.length, 0)), lines: String(byRun.length) },
      };
    }),
  );
  charts.filter(state.filter);
}

/** Everything anew (the first message, or the host starting over). */
function init(m: Extract<HostToComparePanel, { type: 'init' }>): void {
  const lines = new Map<string, Map<number, Line>>();
  for (const s of m.series) lines.set(s.key, new Map(s.lines.map((l) => [l.run, { steps: l.steps, values: l.values, total: l.total }])));
  data = { runs: m.runs, params: m.params, metrics: m.metrics, keys: m.series.map((s) => s.key), lines };
  render();
}

/** What changed: new points appended to their lines, lines sent again replaced, gone charts dropped. */
function update(m: Extract<HostToComparePanel, { type: 'update' }>): void {
  if (!data) return;
  const changed = new Set<string>();
  for (const l of m.lines) {
    const byRun = data.lines.get(l.key) ?? new Map<number, Line>();
    data.lines.set(l.key, byRun);
    const line = byRun.get(l.run);
    if (l.append && line) {
      line.steps = line.steps.concat(l.steps);
      line.values = line.values.concat(l.values);
      line.total = l.total;
    } else byRun.set(l.run, { steps: l.steps, values: l.values, total: l.total });
    changed.add(l.key);
  }
  const keys = new Set(m.keys);
  for (const key of data.lines.keys()) if (!keys.has(key)) data.lines.delete(key);
  data = { ...data, runs: m.runs, params: m.params, metrics: m.metrics, keys: m.keys };
  renderHeader();
  renderParams();
  renderMetrics();
  renderCharts(changed);
}

function render(): void {
  renderHeader();
  renderParams();
  renderMetrics();
  renderCharts();
}

onHostMessage<HostToComparePanel>((m) => {
  try {
    if (m.type === 'init') init(m);
    else if (m.type === 'update') update(m);
  } catch (e) {
    send({ type: 'error', message: `could not show ${m.type}: ${(e as Error).message}` });
  }
});

onThemeChange(() => charts.restyle());
send({ type: 'ready' });
