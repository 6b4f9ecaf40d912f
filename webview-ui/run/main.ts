import { provideVSCodeDesignSystem, vsCodeCheckbox, vsCodeTextField } from '@vscode/webview-ui-toolkit';
import type { HostToRunPanel, RunPanelToHost, RunSummary, SeriesData } from '../../src/protocol/runPanel';
import { naturalCompare, planPage, type PagePlan } from './metricLayout';
import { clear, el } from '../shared/dom';
import { checkbox, textField } from '../shared/controls';
import { onHostMessage, post } from '../shared/vscodeApi';
import { onThemeChange } from '../shared/theme';
import { ConsoleView, renderAlerts, renderDetails } from './details';
import { NoteView } from './note';
import { ImagesView } from './images';
import { MetricSections } from './metricSections';
import { pageState, savePageState } from './pageState';
import { SummaryTable, summaryStrip } from './summaryView';
import { renderEnvironment } from './environmentView';
import { ArtifactsView } from './artifactsView';
import '../shared/panel.css';
import './runPage.css';

provideVSCodeDesignSystem().register(vsCodeCheckbox(), vsCodeTextField());

/** Each metric's points as sent by the host (reduced when long), by key. */
const data = new Map<string, SeriesData>();
let run: RunSummary | undefined;
let plan: PagePlan = { scalars: [], sections: [] };
/** Which of Stop and Rerun this window can do (the host says, once the page is ready). */
let actions: Extract<HostToRunPanel, { type: 'actions' }> = { type: 'actions', stop: false, rerun: false };

const app = document.getElementById('app')!;
const header = el('header', { className: 'run-header' });
const strip = el('div', { className: 'strip-slot' });
const toolbar = el('div', { className: 'toolbar' });
const chartsRoot = el('main', { attrs: { id: 'charts' } });
const empty = el('p', { className: 'empty', text: 'No metrics logged yet. Points appear here as the run logs them.' });
const details = el('div', { className: 'run-details' });
const systemRoot = el('div', { attrs: { id: 'system' } });
const summaryTable = new SummaryTable();
const consoleView = new ConsoleView();
const noteView = new NoteView((text) => send({ type: 'saveNote', text }));
const imagesView = new ImagesView(
  (requestId, path) => send({ type: 'getImage', requestId, path }),
  (path) => send({ type: 'openArtifact', path }),
);
const artifactsView = new ArtifactsView({
  preview: (requestId, path) => send({ type: 'getArtifactPreview', requestId, path }),
  open: (path) => send({ type: 'openArtifact', path }),
  reveal: (path) => send({ type: 'revealArtifact', path }),
  saveAs: (path) => send({ type: 'saveArtifactAs', path }),
  openExternally: (path) => send({ type: 'openArtifactExternally', path }),
});
const sections = new MetricSections(chartsRoot, systemRoot, pageState, savePageState, pageState.logScale);
sections.onRange = (requestId, key, from, to, width, axis) => send({ type: axis === 'time' ? 'timeRange' : 'range', requestId, key, from, to, width });
sections.onPin = (id) => {
  const i = pageState.pinned.indexOf(id);
  if (i >= 0) pageState.pinned.splice(i, 1);
  else pageState.pinned.push(id);
  savePageState();
  renderCharts();
};
app.append(header, strip, toolbar, chartsRoot, details, systemRoot);

const filter = textField('Filter metrics', pageState.filter, (value) => {
  pageState.filter = value;
  savePageState();
  sections.filter(value);
});
const logScale = checkbox('Log scale', pageState.logScale, (on) => {
  pageState.logScale = on;
  savePageState();
  sections.setLogScale(on);
});
toolbar.append(filter, logScale);

function send(message: RunPanelToHost): void {
  post(message);
}

function formatTime(seconds: number): string {
  return seconds ? new Date(seconds * 1000).toLocaleString() : '';
}

function renderHeader(r: RunSummary): void {
  // The note editor survives a re-render (it is re-attached); so must its focus.
  const focused = header.contains(document.activeElement) ? (document.activeElement as HTMLElement) : undefined;
  clear(header);
  const title = el('div', { className: 'title-row' }, [
    el('h1', { text: r.name }),
    el('span', { className: `status status-${r.status}`, text: r.status, attrs: { 'data-status': r.status } }),
  ]);
  const action = (label: string, name: 'stop' | 'rerun', tip: string) => {
    const b = el('button', { className: `run-action run-action-${name}`, text: label, attrs: { type: 'button', title: tip } });
    b.addEventListener('click', () => send({ type: 'runAction', action: name }));
    return b;
  };
  if (actions.stop && r.status === 'running') title.append(action('Stop run', 'stop', 'Stop the training process (it ends as killed)'));
  if (actions.rerun) title.append(action('Rerun with this config', 'rerun', 'Run the recorded command again, in a terminal, in its working directory'));
  const meta = el('div', { className: 'meta' }, [
    el('span', { text: r.project }),
    el('span', { text: `started ${formatTime(r.startTime)}` }),
    el('span', { text: r.folder, attrs: { title: 'run folder' } }),
  ]);
  header.append(title, meta);
  if (r.description) header.append(el('p', { className: 'description', text: r.description }));
  if (r.tags.length) header.append(el('div', { className: 'tags' }, r.tags.map((t) => el('span', { className: 'tag', text: t }))));
  header.append(...renderAlerts(r));
  header.append(noteView.render(r.note));
  if (focused && header.contains(focused)) focused.focus();
}

/** Everything about the run below its charts: summary table, parameters, images, artifacts, datasets, environment, console. */
function renderRunDetails(r: RunSummary): void {
  clear(details);
  imagesView.update(r);
  const environment = renderEnvironment(r, () => send({ type: 'openGitDiff' }));
  const artifacts = artifactsView.render(r);
  details.append(summaryTable.element, ...renderDetails(r, { openDataset: (index) => send({ type: 'openDataset', index }), openRun: (id) => send({ type: 'openRun', id }) }), imagesView.element);
  if (artifacts) details.append(artifacts);
  if (environment) details.append(environment);
  details.append(consoleView.element);
}

function renderCharts(): void {
  const metrics = [...data.values()].map((s) => ({ key: s.key, total: s.total }));
  plan = planPage(metrics, new Set(pageState.pinned));
  sections.render(plan, data, timeOrigin());
  sections.filter(pageState.filter);
  strip.replaceChildren(...[summaryStrip(plan.scalars, data)].filter((n): n is HTMLElement => n !== null));
  if (plan.sections.length === 0) chartsRoot.append(empty);
  else empty.remove();
  summaryTable.update(data);
  updateCounts();
}

/** System metrics are drawn against seconds since this time: the run's start, or its first sample. */
function timeOrigin(): number {
  if (run?.startTime) return run.startTime;
  let first = Infinity;
  for (const s of data.values()) for (const t of s.times ?? []) if (t < first) first = t;
  return Number.isFinite(first) ? first : 0;
}

function updateCounts(): void {
  chartsRoot.setAttribute('data-total-points', String(sections.pointsDrawn()));
  chartsRoot.setAttribute('data-series', String(data.size));
}

/** New points at the end of series (`replace`: series drawn anew, whole). */
function appendSeries(update: SeriesData[], replace = false): void {
  let structural = false;
  for (const s of update) {
    const known = data.get(s.key);
    if (!known || replace) {
      // A new series makes a chart; one drawn anew only redraws its chart (unless it stops being a single value).
      if (!known || (known.total === 1) !== (s.total === 1)) structural = true;
      data.set(s.key, s);
      continue;
    }
    known.steps.push(...s.steps);
    known.values.push(...s.values);
    if (known.times && s.times) known.times.push(...s.times);
    // A metric logged once is a number in the strip; a second value makes it a chart.
    if ((known.total === 1) !== (s.total === 1)) structural = true;
    data.set(s.key, { ...known, total: s.total });
  }
  if (structural) {
    sortData();
    renderCharts();
  } else {
    sections.refresh(update.map((s) => s.key));
    summaryTable.update(data);
    strip.replaceChildren(...[summaryStrip(plan.scalars, data)].filter((n): n is HTMLElement => n !== null));
    updateCounts();
  }
}

function sortData(): void {
  const sorted = [...data.entries()].sort((a, b) => naturalCompare(a[0], b[0]));
  data.clear();
  for (const [k, v] of sorted) data.set(k, v);
}

onHostMessage<HostToRunPanel>((m) => {
  try {
    switch (m.type) {
      case 'init':
        run = m.run;
        data.clear();
        for (const s of m.series) data.set(s.key, s);
        sortData();
        renderHeader(m.run);
        renderRunDetails(m.run);
        renderCharts();
        break;
      case 'append':
        if (run && m.runId === run.id) appendSeries(m.series);
        break;
      case 'replace':
        if (run && m.runId === run.id) appendSeries(m.series, true);
        break;
      case 'run':
        run = m.run;
        renderHeader(m.run);
        renderRunDetails(m.run);
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
      case 'artifactPreview':
        artifactsView.onPreview(m);
        break;
      case 'range':
        if (m.error) send({ type: 'error', message: `could not zoom ${m.key}: ${m.error}` });
        sections.applyRange(m.requestId, m.series);
        break;
      case 'actions':
        actions = m;
        if (run) renderHeader(run);
        break;
    }
  } catch (e) {
    send({ type: 'error', message: `could not show ${m.type}: ${(e as Error).message}` });
  }
});

onThemeChange(() => sections.restyle());
send({ type: 'ready' });
