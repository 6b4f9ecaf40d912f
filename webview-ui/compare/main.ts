import { provideVSCodeDesignSystem, vsCodeCheckbox, vsCodeTextField } from '@vscode/webview-ui-toolkit';
import type { ComparePanelToHost, CompareRun, HostToComparePanel } from '../../src/protocol/comparePanel';
import { MetricChart, seriesColor, toPoints } from '../shared/charts';
import { clear, el } from '../shared/dom';
import { checkbox, textField } from '../shared/controls';
import { groupOf } from '../shared/groups';
import { onThemeChange } from '../shared/theme';
import { getState, onHostMessage, post, setState } from '../shared/vscodeApi';
import '../shared/panel.css';
import './style.css';

provideVSCodeDesignSystem().register(vsCodeCheckbox(), vsCodeTextField());

interface ViewState { filter: string; logScale: boolean; onlyDifferences: boolean }
const state: ViewState = { filter: '', logScale: false, onlyDifferences: true, ...getState<ViewState>() };

let data: Extract<HostToComparePanel, { type: 'init' }> | undefined;
const charts: MetricChart[] = [];

const app = document.getElementById('app')!;
const header = el('header', { className: 'run-header' });
const paramsBox = el('details', { className: 'box params-box' });
paramsBox.open = true;
const metricsBox = el('details', { className: 'box metrics-box' });
metricsBox.open = true;
const toolbar = el('div', { className: 'toolbar' });
const chartsRoot = el('main', { attrs: { id: 'charts' } });
app.append(header, paramsBox, metricsBox, toolbar, chartsRoot);

function send(message: ComparePanelToHost): void {
  post(message);
}

const filter = textField('Filter metrics', state.filter, (value) => {
  state.filter = value;
  setState(state);
  applyFilter();
});
toolbar.append(
  filter,
  checkbox('Log scale', state.logScale, (on) => {
    state.logScale = on;
    setState(state);
    for (const c of charts) c.setLogScale(on);
  }),
);

/** A run's name with its colour, clickable to open the run. */
function runLabel(r: CompareRun, i: number): HTMLElement {
  const link = el('a', { text: r.name, attrs: { href: '#', title: `${r.project} · ${r.status}${r.folder ? ` · ${r.folder}` : ''} — open the run` } });
  link.addEventListener('click', (e) => {
    e.preventDefault();
    send({ type: 'openRun', id: r.id });
  });
  const swatch = el('span', { className: 'swatch' });
  swatch.style.background = seriesColor(i);
  return el('span', { className: 'run-label', attrs: { 'data-run': r.id } }, [swatch, link]);
}

function renderHeader(): void {
  clear(header);
  if (!data) return;
  header.append(el('h1', { text: `Comparing ${data.runs.length} runs` }));
  const legend = el('div', { className: 'legend' });
  data.runs.forEach((r, i) => legend.append(el('span', { className: 'legend-item' }, [runLabel(r, i), el('span', { className: `status status-${r.status}`, text: r.status })])));
  header.append(legend);
}

function renderParams(): void {
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
      renderParams();
    }),
  );
  const table = el('table', { className: 'kv diff' });
  const head = el('tr', {}, [el('th', { text: 'parameter' })]);
  data.runs.forEach((r, i) => head.append(el('th', {}, [runLabel(r, i)])));
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

/** Last value, minimum and maximum of each metric per run. */
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
  data.runs.forEach((r, i) => head.append(el('th', {}, [runLabel(r, i)])));
  table.append(head);
  for (const m of data.metrics) {
    const row = el('tr', { attrs: { 'data-metric': m.key } }, [el('th', { text: m.key })]);
    m.last.forEach((last, i) => {
      const range = m.min[i] === null ? '' : ` (${formatNumber(m.min[i])} … ${formatNumber(m.max[i])})`;
      row.append(el('td', { className: last === null ? 'missing' : '', text: `${formatNumber(last)}${range}` }, []));
    });
    table.append(row);
  }
  metricsBox.append(table);
}

function renderCharts(): void {
  for (const c of charts) c.destroy();
  charts.length = 0;
  clear(chartsRoot);
  if (!data) return;
  if (data.series.length === 0) {
    chartsRoot.append(el('p', { className: 'empty', text: 'None of these runs logged metrics yet.' }));
    return;
  }
  const groups = new Map<string, typeof data.series>();
  for (const s of data.series) {
    const g = groupOf(s.key);
    groups.set(g, [...(groups.get(g) ?? []), s]);
  }
  for (const [group, list] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const grid = el('div', { className: 'grid' });
    chartsRoot.append(el('section', { className: 'group', attrs: { 'data-group': group } }, [el('h2', { text: group }), grid]));
    for (const s of list) {
      const canvas = el('canvas', { attrs: { role: 'img', 'aria-label': `chart of ${s.key} for ${s.lines.length} runs` } });
      const points = s.lines.reduce((n, l) => n + l.steps.length, 0);
      const card = el('div', { className: 'chart', attrs: { 'data-key': s.key, 'data-points': String(points), 'data-lines': String(s.lines.length) } }, [
        el('div', { className: 'chart-title' }, [el('span', { text: s.key }), el('span', { className: 'count', text: `${s.lines.length} of ${data.runs.length} runs` })]),
        el('div', { className: 'canvas-box' }, [canvas]),
      ]);
      grid.append(card);
      const lines = s.lines.map((l) => ({ label: data!.runs[l.run].name, colorIndex: l.run, points: toPoints(l.steps, l.values) }));
      charts.push(new MetricChart(canvas, s.key, lines, state.logScale));
    }
  }
  applyFilter();
}

function applyFilter(): void {
  const q = state.filter.trim().toLowerCase();
  for (const card of chartsRoot.querySelectorAll<HTMLElement>('.chart')) card.hidden = q !== '' && !(card.dataset.key ?? '').toLowerCase().includes(q);
  for (const section of chartsRoot.querySelectorAll<HTMLElement>('section.group')) {
    section.hidden = [...section.querySelectorAll<HTMLElement>('.chart')].every((c) => c.hidden);
  }
}

function render(): void {
  renderHeader();
  renderParams();
  renderMetrics();
  renderCharts();
}

onHostMessage<HostToComparePanel>((m) => {
  try {
    if (m.type === 'init') {
      data = m;
      render();
    }
  } catch (e) {
    send({ type: 'error', message: `could not show ${m.type}: ${(e as Error).message}` });
  }
});

onThemeChange(() => render());
send({ type: 'ready' });
