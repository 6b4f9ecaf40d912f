import { provideVSCodeDesignSystem, vsCodeCheckbox, vsCodeTag, vsCodeTextField } from '@vscode/webview-ui-toolkit';
import type { HostToRunPanel, RunPanelToHost, RunSummary, SeriesData } from '../../src/protocol/runPanel';
import { clear, el } from '../shared/dom';
import { checkbox, textField } from '../shared/controls';
import { getState, onHostMessage, post, setState } from '../shared/vscodeApi';
import { onThemeChange } from '../shared/theme';
import { MetricChart, toPoints } from '../shared/charts';
import { groupOf } from '../shared/groups';
import { ConsoleView, renderDetails } from './details';
import { NoteView } from './note';
import { ImagesView } from './images';
import '../shared/panel.css';

provideVSCodeDesignSystem().register(vsCodeCheckbox(), vsCodeTag(), vsCodeTextField());

interface ViewState { filter: string; logScale: boolean }

const state: ViewState = { filter: '', logScale: false, ...getState<ViewState>() };
const charts = new Map<string, { chart: MetricChart; card: HTMLElement; total: number }>();
let series: SeriesData[] = [];
let run: RunSummary | undefined;

const app = document.getElementById('app')!;
const header = el('header', { className: 'run-header' });
const toolbar = el('div', { className: 'toolbar' });
const chartsRoot = el('main', { attrs: { id: 'charts' } });
const empty = el('p', { className: 'empty', text: 'No metrics logged yet. Points appear here as the run logs them.' });
const consoleView = new ConsoleView();
const noteView = new NoteView((text) => send({ type: 'saveNote', text }));
const imagesView = new ImagesView(
  (requestId, path) => send({ type: 'getImage', requestId, path }),
  (path) => send({ type: 'openArtifact', path }),
);
app.append(header, toolbar, chartsRoot, consoleView.element);

const filter = textField('Filter metrics', state.filter, (value) => {
  state.filter = value;
  setState(state);
  applyFilter();
});
const logScale = checkbox('Log scale', state.logScale, (on) => {
  state.logScale = on;
  setState(state);
  for (const c of charts.values()) c.chart.setLogScale(on);
});
toolbar.append(filter, logScale);

function send(message: RunPanelToHost): void {
  post(message);
}

function formatTime(seconds: number): string {
  return seconds ? new Date(seconds * 1000).toLocaleString() : '';
}

function renderHeader(r: RunSummary): void {
  // Keep the boxes the user opened or closed as they were.
  const openState = new Map<string, boolean>();
  for (const d of header.querySelectorAll('details')) openState.set(d.querySelector('summary')?.textContent?.replace(/ \(.*$/, '') ?? '', d.open);
  // The note editor survives a re-render (it is re-attached); so must its focus.
  const focused = header.contains(document.activeElement) ? (document.activeElement as HTMLElement) : undefined;
  clear(header);
  const title = el('div', { className: 'title-row' }, [
    el('h1', { text: r.name }),
    el('span', { className: `status status-${r.status}`, text: r.status, attrs: { 'data-status': r.status } }),
  ]);
  const meta = el('div', { className: 'meta' }, [
    el('span', { text: r.project }),
    el('span', { text: `started ${formatTime(r.startTime)}` }),
    el('span', { text: r.folder, attrs: { title: 'run folder' } }),
  ]);
  header.append(title, meta);
  if (r.description) header.append(el('p', { className: 'description', text: r.description }));
  if (r.tags.length) {
    const tags = el('div', { className: 'tags' });
    for (const t of r.tags) {
      const tag = document.createElement('vscode-tag');
      tag.textContent = t;
      tags.append(tag);
    }
    header.append(tags);
  }
  header.append(...renderDetails(r, (path) => send({ type: 'openArtifact', path })));
  imagesView.update(r);
  header.append(imagesView.element);
  header.append(noteView.render(r.note));
  for (const d of header.querySelectorAll('details')) {
    const was = openState.get(d.querySelector('summary')?.textContent?.replace(/ \(.*$/, '') ?? '');
    if (was !== undefined) d.open = was;
  }
  if (focused && header.contains(focused)) focused.focus();
}

function renderCharts(): void {
  for (const c of charts.values()) c.chart.destroy();
  charts.clear();
  clear(chartsRoot);
  if (series.length === 0) {
    chartsRoot.append(empty);
    updateCounts();
    return;
  }
  const groups = new Map<string, SeriesData[]>();
  for (const s of series) {
    const g = groupOf(s.key);
    const list = groups.get(g);
    if (list) list.push(s);
    else groups.set(g, [s]);
  }
  let colorIndex = 0;
  for (const [group, list] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const grid = el('div', { className: 'grid' });
    const section = el('section', { className: 'group', attrs: { 'data-group': group } }, [el('h2', { text: group }), grid]);
    chartsRoot.append(section);
    for (const s of list) {
      const canvas = el('canvas', { attrs: { role: 'img', 'aria-label': `chart of ${s.key}` } });
      const count = el('span', { className: 'count' });
      const card = el('div', { className: 'chart', attrs: { 'data-key': s.key } }, [
        el('div', { className: 'chart-title' }, [el('span', { text: s.key }), count]),
        el('div', { className: 'canvas-box' }, [canvas]),
      ]);
      grid.append(card);
      const chart = new MetricChart(canvas, s.key, [{ label: s.key, colorIndex: colorIndex++, points: toPoints(s.steps, s.values) }], state.logScale);
      charts.set(s.key, { chart, card, total: s.total });
    }
  }
  applyFilter();
  updateCounts();
}

function updateCounts(): void {
  let total = 0;
  for (const c of charts.values()) {
    const drawn = c.chart.pointCount;
    total += drawn;
    c.card.setAttribute('data-points', String(drawn));
    const label = c.card.querySelector('.count')!;
    const points = (n: number) => `${n.toLocaleString()} point${n === 1 ? '' : 's'}`;
    label.textContent = drawn < c.total ? `${drawn.toLocaleString()} of ${points(c.total)}` : points(c.total);
  }
  chartsRoot.setAttribute('data-total-points', String(total));
  chartsRoot.setAttribute('data-series', String(charts.size));
}

function applyFilter(): void {
  const q = state.filter.trim().toLowerCase();
  for (const [key, c] of charts) c.card.hidden = q !== '' && !key.toLowerCase().includes(q);
  for (const section of chartsRoot.querySelectorAll<HTMLElement>('section.group')) {
    section.hidden = [...section.querySelectorAll<HTMLElement>('.chart')].every((c) => c.hidden);
  }
}

function appendSeries(update: SeriesData[]): void {
  let structural = false;
  for (const s of update) {
    const c = charts.get(s.key);
    const known = series.find((x) => x.key === s.key);
    if (!c || !known) {
      series.push(s);
      structural = true;
      continue;
    }
    known.steps.push(...s.steps);
    known.values.push(...s.values);
    c.total = s.total;
    c.chart.append(toPoints(s.steps, s.values));
  }
  if (structural) {
    series.sort((a, b) => a.key.localeCompare(b.key));
    renderCharts();
  } else updateCounts();
}

onHostMessage<HostToRunPanel>((m) => {
  try {
    switch (m.type) {
      case 'init':
        run = m.run;
        series = m.series;
        renderHeader(m.run);
        renderCharts();
        break;
      case 'append':
        if (run && m.runId === run.id) appendSeries(m.series);
        break;
      case 'run':
        run = m.run;
        renderHeader(m.run);
        break;
      case 'editNote':
        noteView.edit();
        break;
      case 'console':
        consoleView.update(m.text, m.skipped);
        break;
      case 'image':
        imagesView.onImage(m);
        break;
    }
  } catch (e) {
    send({ type: 'error', message: `could not show ${m.type}: ${(e as Error).message}` });
  }
});

onThemeChange(() => renderCharts());
send({ type: 'ready' });
