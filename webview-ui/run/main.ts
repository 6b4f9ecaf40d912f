import { provideVSCodeDesignSystem, vsCodeCheckbox, vsCodeTextField } from '@vscode/webview-ui-toolkit';
import type { HostToRunPanel, RunPanelToHost, RunSummary, SeriesData } from '../../src/protocol/runPanel';
import { clear, el } from '../shared/dom';
import { checkbox, textField } from '../shared/controls';
import { getState, onHostMessage, post, setState } from '../shared/vscodeApi';
import { onThemeChange } from '../shared/theme';
import { toPoints } from '../shared/charts';
import { ChartGrid, type ChartSpec } from '../shared/chartGrid';
import { paletteColor } from '../shared/palette';
import { ConsoleView, renderDetails } from './details';
import { NoteView } from './note';
import { ImagesView } from './images';
import '../shared/panel.css';

provideVSCodeDesignSystem().register(vsCodeCheckbox(), vsCodeTextField());

interface ViewState { filter: string; logScale: boolean }

const state: ViewState = { filter: '', logScale: false, ...getState<ViewState>() };
/** Points in the index per metric (more than drawn when the host reduced the series). */
const totals = new Map<string, number>();
let series: SeriesData[] = [];
let run: RunSummary | undefined;

const app = document.getElementById('app')!;
const header = el('header', { className: 'run-header' });
const toolbar = el('div', { className: 'toolbar' });
const chartsRoot = el('main', { attrs: { id: 'charts' } });
const charts = new ChartGrid(chartsRoot, 'No metrics logged yet. Points appear here as the run logs them.', state.logScale);
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
  charts.filter(state.filter);
});
const logScale = checkbox('Log scale', state.logScale, (on) => {
  state.logScale = on;
  setState(state);
  charts.setLogScale(on);
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
      tags.append(el('span', { className: 'tag', text: t }));
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

/** The run's colour: every chart of the panel draws its line in it. */
const RUN_COLOR = paletteColor(0);

function spec(s: SeriesData): ChartSpec {
  return { key: s.key, lines: () => [{ id: s.key, label: s.key, color: RUN_COLOR, points: toPoints(s.steps, s.values) }], changed: true, ariaLabel: `chart of ${s.key}` };
}

/** One chart per metric; charts that stay keep their canvas and only get their new points. */
function renderCharts(): void {
  totals.clear();
  for (const s of series) totals.set(s.key, s.total);
  charts.sync(series.map(spec));
  charts.filter(state.filter);
  updateCounts();
}

function updateCounts(): void {
  let total = 0;
  for (const [key, c] of charts.entries()) {
    const drawn = c.chart.pointCount;
    const all = totals.get(key) ?? drawn;
    total += drawn;
    c.card.setAttribute('data-points', String(drawn));
    const points = (n: number) => `${n.toLocaleString()} point${n === 1 ? '' : 's'}`;
    c.count.textContent = drawn < all ? `${drawn.toLocaleString()} of ${points(all)}` : points(all);
  }
  chartsRoot.setAttribute('data-total-points', String(total));
  chartsRoot.setAttribute('data-series', String(charts.size));
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
    totals.set(s.key, s.total);
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

onThemeChange(() => charts.restyle());
send({ type: 'ready' });
