import { Chart, type ChartConfiguration } from 'chart.js';
import type { HostToSweepPanel, SweepPanelData, SweepPanelToHost, SweepPanelTrial } from '../../src/protocol/sweepPanel';
// Registers chart.js's line chart parts.
import '../shared/charts';
import type { Point } from '../shared/charts';
import { paletteColor } from '../shared/palette';
import { metricColumn, paramColumn } from '../shared/analysis';
import { ParallelCoordinates } from '../shared/parallelCoordinates';
import { clear, el } from '../shared/dom';
import { onThemeChange, themeColors } from '../shared/theme';
import { onHostMessage, post } from '../shared/vscodeApi';
import '../shared/panel.css';
import './style.css';

// A sweep: header, best params (copy), objective per trial with the running best, each param's
// importance, and every trial sorted by the objective. Re-rendered in place on every update.

const app = document.getElementById('app')!;
const header = el('header', { className: 'run-header' });
const bestBox = el('section', { className: 'box best-box' });
const chartBox = el('section', { className: 'box chart-box' });
const canvasWrap = el('div', { className: 'chart-wrap' });
const canvas = el('canvas', { attrs: { 'aria-label': 'objective per trial' } });
canvasWrap.append(canvas);
chartBox.append(el('h3', { text: 'Objective per trial' }), canvasWrap);
const importanceBox = el('section', { className: 'box importance-box' });
const pcpBox = el('section', { className: 'box pcp-box' });
const pcpWrap = el('div', { className: 'pcp-wrap' });
pcpBox.append(el('h3', { text: 'Parallel coordinates of the trials' }), pcpWrap, el('p', { className: 'muted', text: 'Drag along an axis to keep only the trials in that range (the table below follows); click an axis to clear its brush; click a numeric axis title for log scale. The best trial is drawn thick.' }));
const trialsBox = el('section', { className: 'box trials-box' });
app.append(header, bestBox, chartBox, importanceBox, pcpBox, trialsBox);
/** Trial numbers kept by the brushes, or null. */
let keptTrials: Set<number> | null = null;
let pcpTrials: SweepPanelTrial[] = [];
const pcp = new ParallelCoordinates(pcpWrap, (kept) => {
  keptTrials = kept && new Set(kept.map((i) => pcpTrials[i].number));
  if (data) renderTrials(data);
});

function send(message: SweepPanelToHost): void {
  post(message);
}

window.addEventListener('error', (e) => send({ type: 'error', message: String(e.message).slice(0, 2000) }));

let chart: Chart<'line', Point[]> | undefined;
let data: SweepPanelData | undefined;

const fmt = (v: number | null) => (v === null ? '—' : Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString());

function renderHeader(s: SweepPanelData): void {
  clear(header);
  header.append(
    el('h2', { text: s.name }),
    el('div', { className: 'meta', text: `${s.experiment} · ${s.strategy} search · ${s.goal} ${s.metric}` }),
    el('div', { className: 'meta progress', text: `${s.progress} trials · ${s.state}${s.agents.length ? ` · ${s.agents.length} agent${s.agents.length === 1 ? '' : 's'} running` : ''}` }),
    el('div', { className: 'meta counts', text: Object.entries(s.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(' · ') || 'no trials yet' }),
  );
}

function renderBest(s: SweepPanelData): void {
  clear(bestBox);
  bestBox.append(el('h3', { text: 'Best params' }));
  if (!s.best) {
    bestBox.append(el('p', { className: 'muted', text: 'No completed trial yet.' }));
    return;
  }
  const copy = el('button', { className: 'copy-button', text: 'Copy', attrs: { title: 'Copy the best params as JSON', type: 'button' } });
  copy.addEventListener('click', () => send({ type: 'copyBest' }));
  const title = el('p', {}, [el('span', { text: `${s.metric} = ${fmt(s.best.value)} in trial ${s.best.trial} ` })]);
  const runId = s.best.runId;
  if (runId) {
    const open = el('button', { className: 'link-button', text: 'open its run', attrs: { type: 'button' } });
    open.addEventListener('click', () => send({ type: 'openRun', id: runId }));
    title.append(open);
  }
  bestBox.append(title, el('div', { className: 'best-params' }, [el('pre', { text: s.best.paramsJson }), copy]));
}

function chartPoints(s: SweepPanelData): { values: Point[]; best: Point[] } {
  const values: Point[] = [];
  const best: Point[] = [];
  let running: number | null = null;
  for (const t of [...s.trials].sort((a, b) => a.number - b.number)) {
    if (t.status !== 'completed' || t.value === null) continue;
    values.push({ x: t.number, y: t.value });
    if (running === null || (s.goal === 'maximize' ? t.value > running : t.value < running)) running = t.value;
    best.push({ x: t.number, y: running });
  }
  return { values, best };
}

function renderChart(s: SweepPanelData): void {
  const { values, best } = chartPoints(s);
  if (chart) {
    chart.data.datasets[0].data = values;
    chart.data.datasets[1].data = best;
    chart.update('none');
    return;
  }
  const theme = themeColors();
  Chart.defaults.font.family = theme.font;
  const config: ChartConfiguration<'line', Point[]> = {
    type: 'line',
    data: {
      datasets: [
        { label: s.metric, data: values, showLine: false, pointRadius: 3, borderColor: paletteColor(0), backgroundColor: paletteColor(0) },
        { label: 'best so far', data: best, stepped: true, pointRadius: 0, borderWidth: 2, borderColor: paletteColor(1), backgroundColor: paletteColor(1) },
      ],
    },
    options: {
      animation: false,
      parsing: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      plugins: { legend: { display: false }, tooltip: { callbacks: { title: (items) => `trial ${items[0]?.parsed.x ?? ''}` } } },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'trial', color: theme.muted }, ticks: { color: theme.muted, precision: 0 }, grid: { color: theme.grid } },
        y: { type: 'linear', title: { display: true, text: s.metric, color: theme.muted }, ticks: { color: theme.muted, maxTicksLimit: 6 }, grid: { color: theme.grid } },
      },
    },
  };
  chart = new Chart(canvas, config);
  const legend = el('div', { className: 'legend' }, [
    el('span', { className: 'legend-item' }, [el('span', { className: 'swatch', attrs: { 'data-series': '0' } }), el('span', { text: `${s.metric} of each completed trial` })]),
    el('span', { className: 'legend-item' }, [el('span', { className: 'swatch', attrs: { 'data-series': '1' } }), el('span', { text: 'best so far' })]),
  ]);
  chartBox.append(legend);
  paintSwatches();
}

function paintSwatches(): void {
  for (const sw of Array.from(document.querySelectorAll<HTMLElement>('.swatch[data-series]'))) sw.style.backgroundColor = paletteColor(Number(sw.dataset.series));
}

function renderImportance(s: SweepPanelData): void {
  clear(importanceBox);
  importanceBox.append(el('h3', { text: 'Parameter importance' }));
  const scored = s.trials.filter((t) => t.status === 'completed' && t.value !== null).length;
  importanceBox.append(el('p', {
    className: 'muted',
    text: `From the ${scored} completed trial${scored === 1 ? '' : 's'}: numeric params by |Spearman rank correlation| with ${s.metric}, categorical ones by η² (one-way ANOVA: the share of ${s.metric}'s variance the values explain). 0 = no relation, 1 = decides it. Interactions are not measured; with few trials these are noisy.`,
  }));
  const table = el('table', { className: 'importance' });
  for (const p of s.importance) {
    const bar = el('div', { className: 'bar' });
    bar.style.width = `${Math.round((p.score ?? 0) * 100)}%`;
    table.append(el('tr', {}, [
      el('th', { text: p.name }),
      el('td', { className: 'bar-cell' }, [bar]),
      el('td', { className: 'num', text: p.score === null ? 'n/a' : p.score.toFixed(2) }),
      el('td', { className: 'muted', text: p.method === 'spearman' ? 'Spearman' : 'η² (ANOVA)' }),
    ]));
  }
  importanceBox.append(table);
}

/** Each trial with a value as a line through its params and the objective. */
function renderPcp(s: SweepPanelData): void {
  pcpTrials = s.trials.filter((t) => t.value !== null);
  const columns = [...s.parameters.map((p, k) => paramColumn(p, pcpTrials.map((t) => t.params[k] ?? null))), metricColumn(s.metric, pcpTrials.map((t) => t.value))];
  pcp.set(columns, pcpTrials.map((t) => ({ label: `trial ${t.number}`, color: paletteColor(s.best?.trial === t.number ? 1 : 0) })));
  pcp.highlight(pcpTrials.findIndex((t) => t.number === s.best?.trial));
}

function sortedTrials(s: SweepPanelData): SweepPanelTrial[] {
  const sign = s.goal === 'maximize' ? -1 : 1;
  return [...s.trials].sort((a, b) => {
    if (a.value === null || b.value === null) return (a.value === null ? 1 : 0) - (b.value === null ? 1 : 0) || a.number - b.number;
    return sign * (a.value - b.value) || a.number - b.number;
  });
}

function renderTrials(s: SweepPanelData): void {
  clear(trialsBox);
  trialsBox.append(el('h3', { text: `Trials, ${s.goal === 'maximize' ? 'highest' : 'lowest'} ${s.metric} first` }));
  const table = el('table', { className: 'trials' });
  table.append(el('tr', {}, [el('th', { text: 'trial' }), el('th', { text: s.metric }), el('th', { text: 'status' }), ...s.parameters.map((p) => el('th', { text: p }))]));
  for (const t of sortedTrials(s)) {
    if (keptTrials && !keptTrials.has(t.number)) continue;
    const row = el('tr', { className: `status-${t.status}${t.runId ? ' opens' : ''}` }, [
      el('td', { text: String(t.number) }),
      el('td', { className: 'num', text: fmt(t.value) }),
      el('td', { text: t.status }),
      ...t.params.map((v) => el('td', { text: v ?? '' })),
    ]);
    const runId = t.runId;
    if (runId) {
      row.title = 'Open the run of this trial';
      row.addEventListener('click', () => send({ type: 'openRun', id: runId }));
    }
    table.append(row);
  }
  trialsBox.append(table);
}

onHostMessage<HostToSweepPanel>((message) => {
  if (message.type !== 'init') return;
  data = message.sweep;
  renderHeader(data);
  renderBest(data);
  renderChart(data);
  renderImportance(data);
  renderPcp(data);
  renderTrials(data);
  document.body.dataset.trials = String(data.trials.length);
});

onThemeChange(() => {
  paintSwatches();
  if (chart && data) {
    chart.destroy();
    chart = undefined;
    for (const l of Array.from(chartBox.querySelectorAll('.legend'))) l.remove();
    renderChart(data);
  }
});

send({ type: 'ready' });
