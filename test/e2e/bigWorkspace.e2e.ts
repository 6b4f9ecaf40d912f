// A workspace of long runs, as the scale benchmark generates them (bench/genScale.ts): it is indexed,
// a run's page draws every metric with its spikes, a chart of two compared runs is zoomed down to
// the raw points around a spike, and the runs table lists them. By default a few runs of 2.4 M
// points in all, generated in a few seconds; LABBOOK_E2E_BIG="<points>,<metrics>,<runs>" and
// LABBOOK_E2E_BIG_DIR=<folder> (kept, generated when it holds no runs) try bigger ones the same way,
// with LABBOOK_E2E_BIG_MINUTES as the time each step may take.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { generateRuns, scaleRuns, SPIKE_VALUE, spikeSteps, type ScaleRun } from '../../bench/genScale';
import { activeWebview, editorTab, expand, frameShowing, openViewContainer, runCommandFromPalette, screenshot, treeRow, treeView, until } from '../support/browser';
import { drawnOf, zoomInUntilRaw, type Drawn } from '../support/chartZoom';
import { workbenchSuite } from '../support/workbenchSuite';

const [POINTS, METRICS, RUNS] = (process.env.LABBOOK_E2E_BIG ?? '2400000,4,3').split(',').map(Number);
const KEEP = process.env.LABBOOK_E2E_BIG_DIR;
/** How long one step may take: a few seconds here, minutes for 100 M points. */
const STEP_MS = Number(process.env.LABBOOK_E2E_BIG_MINUTES ?? 1.5) * 60_000;
/** The chart budget (`labbook.maxChartPoints`, default 4000). */
const BUDGET = 4000;

/** Lines of Labbook's output channel (the server writes each window's channels to its log folder). */
function labbookLog(userDataDir: string): string[] {
  const logs = path.join(userDataDir, 'logs');
  if (!fs.existsSync(logs)) return [];
  return fs.readdirSync(logs, { recursive: true }).map(String).filter((f) => f.endsWith('Labbook.log'))
    .flatMap((f) => fs.readFileSync(path.join(logs, f), 'utf8').split('\n'));
}

/**
 * With LABBOOK_E2E_BIG_RSS=1, samples every 2 s the resident memory of the server's processes
 * (the extension host among them) and gives each one's peak, largest first.
 */
function sampleMemory(rootPid: number): () => string {
  if (process.env.LABBOOK_E2E_BIG_RSS !== '1') return () => '';
  const peaks = new Map<number, { rss: number; what: string }>();
  const timer = setInterval(() => {
    const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], { encoding: 'utf8' }).split('\n').map((l) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(l)).filter((m) => m !== null);
    const mine = new Set([rootPid]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const m of rows) if (mine.has(Number(m[2])) && !mine.has(Number(m[1]))) grew = mine.add(Number(m[1])) !== undefined;
    }
    for (const m of rows) {
      const pid = Number(m[1]);
      if (!mine.has(pid)) continue;
      const rss = Number(m[3]) / 1024;
      if (rss > (peaks.get(pid)?.rss ?? 0)) peaks.set(pid, { rss, what: /--type=(\S+)/.exec(m[4])?.[1] ?? m[4].split(' ').slice(1).map((a) => a.split('/').slice(-2).join('/')).join(' ').slice(0, 60) });
    }
  }, 2000);
  return () => {
    clearInterval(timer);
    return [...peaks.values()].sort((a, b) => b.rss - a.rss).slice(0, 4).map((p) => `${p.rss.toFixed(0)} MiB ${p.what}`).join('; ');
  };
}

/** A line over steps that draws every step of its range. */
const isRawSteps = (line: Drawn): boolean => line.points === line.last! - line.first! + 1;

describe('A big generated workspace (e2e)', function () {
  this.timeout(STEP_MS);
  let runs: ScaleRun[] = [];
  let generatedMs = 0;
  const wb = workbenchSuite({
    name: 'bigws',
    folder: KEEP,
    prepare: (ws) => {
      const started = Date.now();
      const planned = scaleRuns(ws, POINTS, METRICS, RUNS);
      runs = KEEP && planned.every((r) => fs.existsSync(r.file)) ? planned : generateRuns(ws, POINTS, METRICS, RUNS);
      generatedMs = Date.now() - started;
    },
  });
  let page: Page;
  let memory = () => '';
  let opened = 0;
  const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

  before(function () {
    page = wb.page;
    opened = Date.now();
    memory = sampleMemory(wb.server.pid);
    console.log(`      ${RUNS} runs, ${(POINTS / 1e6).toFixed(1)} M points over ${METRICS} metrics, ready in ${(generatedMs / 1000).toFixed(1)} s`);
  });

  after(function () {
    const peaks = memory();
    if (peaks) console.log(`      peak memory of the server's processes: ${peaks}`);
  });

  it('indexes the runs: the tree says so while it reads them, then lists every run', async function () {
    await openViewContainer(page, 'Labbook');
    const pane = treeView(page, 'Experiments');
    const experiment = treeRow(pane, 'scale');
    await experiment.waitFor({ state: 'visible', timeout: STEP_MS });
    await until(`the tree lists ${RUNS} runs`, async () => new RegExp(`(?<!\\d)${RUNS} runs?\\b`).test((await experiment.textContent()) ?? ''), STEP_MS);
    await page.getByText(/Indexing \d+ runs?…/).first().waitFor({ state: 'hidden', timeout: STEP_MS });
    const synced = labbookLog(wb.server.userDataDir).find((l) => l.includes('first sync done'));
    console.log(`      indexed: all ${RUNS} runs listed ${seconds(opened)} after the workbench opened${synced ? `; ${synced.replace(/^.*?activation:/, 'extension host:')}` : ''}`);
    await expand(experiment);
    for (const r of runs) await treeRow(pane, r.name).waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, 'bigws-01-indexed');
  });

  it("draws a big run's page: every metric reduced to the chart's budget, from its first step to its last, every spike kept", async function () {
    const started = Date.now();
    const pane = treeView(page, 'Experiments');
    await treeRow(pane, runs[0].name).dblclick();
    await editorTab(page, runs[0].name).waitFor({ state: 'visible', timeout: STEP_MS });
    const frame = activeWebview(page);
    const card = frame.locator('.chart[data-key="m0"]');
    await until('the m0 chart drawn', async () => (await drawnOf(card, 'data-drawn')).length === 1 || undefined, STEP_MS);
    console.log(`      run page: m0 drawn ${seconds(started)} after the double-click`);
    for (let k = 0; k < METRICS; k++) {
      const [line] = await drawnOf(frame.locator(`.chart[data-key="m${k}"]`), 'data-drawn');
      assert.ok(line.points > 100 && line.points <= BUDGET, `m${k}: ${line.points} points drawn for ${runs[0].steps} steps`);
      assert.equal(line.first, 0, `m${k} starts at step 0`);
      assert.equal(line.last, runs[0].steps - 1, `m${k} ends at the last step`);
      // A sine plus noise below 1.1 everywhere; only m0 has the spikes.
      if (k === 0) assert.equal(line.ymax, SPIKE_VALUE, 'the spike of m0 is drawn');
      else assert.ok(line.ymax! > 0.9 && line.ymax! < 1.1, `m${k} tops out at ${line.ymax}`);
    }
    assert.match((await card.locator('.count').textContent()) ?? '', new RegExp(`of ${runs[0].steps.toLocaleString('en-US')} points`));
    await page.waitForTimeout(300);
    await screenshot(page, 'bigws-02-run-page');
  });

  it("zooms a run page's chart in, box after box, down to the raw points around a spike; a double-click shows all again", async function () {
    const spike = spikeSteps(runs[0].steps)[0];
    const frame = activeWebview(page);
    const card = frame.locator('.chart[data-key="m0"]');
    const canvas = card.locator('canvas');
    await canvas.scrollIntoViewIfNeeded();
    await zoomInUntilRaw(page, {
      canvas, drawn: card, at: spike, span: runs[0].steps / 20, minSpan: 300, lines: 1, isRaw: isRawSteps, timeoutMs: STEP_MS,
      each: (zoom, [line], raw, ms) => {
        console.log(`      run page zoom ${zoom}: ${line.points} points over steps ${line.first}…${line.last}${raw ? ', raw' : ''}, ${(ms / 1000).toFixed(1)} s`);
        assert.equal(line.ymax, SPIKE_VALUE, `the spike is kept at zoom ${zoom}`);
      },
    });
    assert.match((await card.locator('.count').textContent()) ?? '', /zoomed/);
    await page.waitForTimeout(300);
    await screenshot(page, 'bigws-02b-run-page-zoomed-raw');
    await canvas.dblclick();
    await until('the whole run drawn again', async () => {
      const [line] = await drawnOf(card, 'data-drawn');
      return (line?.first === 0 && line.last === runs[0].steps - 1) || undefined;
    }, STEP_MS);
    assert.doesNotMatch((await card.locator('.count').textContent()) ?? '', /zoomed/);
  });

  let compare: Frame;

  it('compares two big runs: both lines over every step, each with its spikes', async function () {
    const started = Date.now();
    const pane = treeView(page, 'Experiments');
    await treeRow(pane, runs[0].name).click();
    await treeRow(pane, runs[1].name).click({ modifiers: ['ControlOrMeta'] });
    await runCommandFromPalette(page, 'Labbook: Compare Runs');
    await editorTab(page, 'Compare: ').waitFor({ state: 'visible', timeout: STEP_MS });
    compare = await frameShowing(page, '.chart[data-key="m0"][data-lines="2"]');
    const card = compare.locator('.chart[data-key="m0"]');
    console.log(`      compare: two lines of m0 drawn ${seconds(started)} after the command`);
    const lines = await drawnOf(card, 'data-drawn');
    assert.equal(lines.length, 2);
    for (const [i, line] of lines.entries()) {
      assert.ok(line.points <= BUDGET, `${line.label}: ${line.points} points in the overview`);
      assert.equal(line.first, 0);
      assert.equal(line.last, runs[i].steps - 1);
      assert.equal(line.ymax, SPIKE_VALUE + i, `${line.label} keeps its spike`);
    }
    await page.waitForTimeout(300);
    await screenshot(page, 'bigws-03-compare');
  });

  it('zooms a compared chart in, box after box, down to the raw points around a spike', async function () {
    const spike = spikeSteps(runs[0].steps)[0];
    const card = compare.locator('.chart[data-key="m0"]');
    const canvas = card.locator('canvas');
    await canvas.scrollIntoViewIfNeeded();
    // A user's boxes: each about a twentieth of the view, around the spike, until every step in view is drawn.
    await zoomInUntilRaw(page, {
      canvas, drawn: canvas, at: spike, span: runs[0].steps / 20, minSpan: 300, lines: 2, isRaw: isRawSteps, timeoutMs: STEP_MS,
      each: async (zoom, lines, raw, ms) => {
        console.log(`      zoom ${zoom}: ${lines[0].points} points over steps ${lines[0].first}…${lines[0].last}${raw ? ', raw' : ''}, ${(ms / 1000).toFixed(1)} s`);
        for (const [i, line] of lines.entries()) assert.equal(line.ymax, SPIKE_VALUE + i, `${line.label} keeps its spike at zoom ${zoom}`);
        if (zoom === 1) await screenshot(page, 'bigws-04-zoomed');
      },
    });
    assert.match((await card.locator('.count').textContent()) ?? '', /zoomed/);
    await page.waitForTimeout(300);
    await screenshot(page, 'bigws-05-zoomed-raw');
  });

  it('lists the big runs in the runs table', async function () {
    const started = Date.now();
    await runCommandFromPalette(page, 'Labbook: Open Runs Table');
    await editorTab(page, 'Runs').waitFor({ state: 'visible', timeout: STEP_MS });
    const table = await frameShowing(page, '.grid .row .name');
    await until(`the ${RUNS} runs in the table`, async () => {
      const names = await table.locator('.grid .row .name').allTextContents();
      return runs.every((r) => names.some((n) => n.trim() === r.name)) || undefined;
    }, STEP_MS);
    console.log(`      runs table: ${RUNS} runs listed ${seconds(started)} after the command`);
    await page.waitForTimeout(300);
    await screenshot(page, 'bigws-06-runs-table');
    const errors = labbookLog(wb.server.userDataDir).filter((l) => /\[error\]|error:/i.test(l));
    assert.deepEqual(errors, [], 'errors in the Labbook output channel');
  });
});
