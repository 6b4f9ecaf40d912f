// The compare view as a user explores five runs of a small sweep: switch the x axis to epochs,
// smooth, zoom into a long series down to its raw points and back, group by a param, brush the
// parallel coordinates, read the scatter plot. A screenshot of each.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { editorTab, expand, frameShowing, launchBrowser, openViewContainer, openWorkbench, runCommandFromPalette, screenshot, treeRow, treeView, until } from '../support/browser';
import { startCodeServer, type CodeServer } from '../support/codeServer';
import { resultsDir } from '../support/paths';
import { RunWriter } from '../support/runWriter';

const PROJECT = 'sweep-demo';
const RUNS = [
  { name: 'cmp-a', lr: 0.001, optimizer: 'sgd', steps: 3000 },
  { name: 'cmp-b', lr: 0.01, optimizer: 'adam', steps: 3000 },
  { name: 'cmp-c', lr: 0.1, optimizer: 'sgd', steps: 3000 },
  { name: 'cmp-d', lr: 0.001, optimizer: 'adam', steps: 3000 },
  // A long run: 20,000 points, reduced in the overview, raw when zoomed in.
  { name: 'cmp-long', lr: 0.01, optimizer: 'sgd', steps: 20_000 },
];

function workspace(): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-e2e-compare-views-'));
  RUNS.forEach((r, k) => {
    const w = new RunWriter(path.join(ws, 'labbook'), { project: PROJECT, name: r.name, params: { lr: r.lr, optimizer: r.optimizer, batch: 32 * (k + 1) } });
    const speed = 400 * (1 + Math.log10(r.lr * 1000));
    w.series(0, r.steps, (s) => {
      const loss = 2 * Math.exp(-s / speed) + 0.1 + 0.05 * Math.sin(s * 12.9898 + k);
      return { 'train/loss': Number(loss.toFixed(5)), epoch: Math.floor(s / 100) };
    });
    w.finish();
  });
  return ws;
}

/** Moves the smoothing slider as a drag would: a new value and an input event. */
async function setSlider(frame: Frame, value: number): Promise<void> {
  await frame.locator('input[aria-label="smoothing"]').evaluate((el: HTMLInputElement, v: number) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

async function card(frame: Frame, key: string): Promise<Locator> {
  return frame.locator(`.chart[data-key="${key}"]`);
}

describe('Compare view: axes, smoothing, zoom, groups, parallel coordinates, scatter (e2e)', function () {
  this.timeout(180_000);
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let ws: string;
  let frame: Frame;
  let anyFailed = false;

  before(async function () {
    this.timeout(240_000);
    ws = workspace();
    server = await startCodeServer({ workspace: ws, tag: 'e2e-compare-views-code-server' });
    browser = await launchBrowser();
    ({ page } = await openWorkbench(browser, server.url, 'e2e-compare-views'));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      anyFailed = true;
      await screenshot(page, `failure-compare-views-${(this.currentTest.title || 'test').replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`).catch(() => undefined);
    }
  });

  after(async function () {
    if (anyFailed) server?.collectLogs(path.join(resultsDir, 'logs', 'e2e-compare-views'));
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (ws && process.env.LABBOOK_KEEP_TMP !== '1') fs.rmSync(ws, { recursive: true, force: true });
  });

  it('opens five runs: a line per run in its colour', async function () {
    await openViewContainer(page, 'Labbook');
    const pane = treeView(page, 'Experiments');
    await pane.waitFor({ state: 'visible', timeout: 60_000 });
    await expand(treeRow(pane, PROJECT));
    await treeRow(pane, RUNS[0].name).click();
    for (const r of RUNS.slice(1)) await treeRow(pane, r.name).click({ modifiers: ['ControlOrMeta'] });
    await runCommandFromPalette(page, 'Labbook: Compare Runs');
    await editorTab(page, 'Compare: ').waitFor({ state: 'visible', timeout: 30_000 });
    frame = await frameShowing(page, '.chart[data-key="train/loss"][data-lines="5"]');
    assert.equal(await frame.locator('.legend .legend-item').count(), 5);
    await page.waitForTimeout(500);
    await screenshot(page, 'compare-10-five-runs');
  });

  it('switches the x axis to another metric (epoch) and back', async function () {
    const loss = await card(frame, 'train/loss');
    await frame.locator('select[aria-label="x axis"]').selectOption('metric:epoch');
    await until('the x axis in epochs', async () => Number(await loss.locator('canvas').getAttribute('data-xmax')) <= 200);
    assert.equal(await loss.locator('canvas').evaluate((c) => (c.closest('.chart') as HTMLElement).dataset.lines), '5');
    await screenshot(page, 'compare-11-x-epoch');
    await frame.locator('select[aria-label="x axis"]').selectOption('step');
    await until('the x axis in steps', async () => Number(await loss.locator('canvas').getAttribute('data-xmax')) >= 19_000);
  });

  it('smooths with the raw lines faint behind', async function () {
    const loss = await card(frame, 'train/loss');
    assert.equal(await loss.getAttribute('data-raw-lines'), '0');
    await setSlider(frame, 0.9);
    await until('raw lines behind the smoothed ones', async () => (await loss.getAttribute('data-raw-lines')) === '5');
    await screenshot(page, 'compare-12-smoothed');
    await setSlider(frame, 0);
    await until('raw lines only', async () => (await loss.getAttribute('data-raw-lines')) === '0');
  });

  it('zooms into the long series down to its raw points, and double-click resets', async function () {
    const loss = await card(frame, 'train/loss');
    const canvas = loss.locator('canvas');
    await canvas.scrollIntoViewIfNeeded();
    const overview = Number(await loss.getAttribute('data-points'));
    const box = (await canvas.boundingBox())!;
    // Steps ~10,000 to ~10,400: only the long run reaches there.
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.1);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.565, box.y + box.height * 0.9, { steps: 6 });
    await page.mouse.up();
    const points = await until('the finer points of the zoomed range', async () => Number((await canvas.getAttribute('data-range-points')) ?? 0) || undefined);
    const xmin = Number(await canvas.getAttribute('data-xmin'));
    const xmax = Number(await canvas.getAttribute('data-xmax'));
    assert.ok(xmax - xmin < 1000, `zoomed to ${xmin}…${xmax}`);
    // The overview drew the five lines reduced (32,000 points logged); the zoomed range draws every step in view: raw points.
    assert.ok(overview < 32_000, `the overview drew ${overview} points`);
    assert.ok(points >= Math.floor(xmax - xmin), `${points} points for steps ${xmin}…${xmax}`);
    assert.match((await loss.locator('.count').textContent()) ?? '', /zoomed/);
    await screenshot(page, 'compare-13-zoomed-raw');
    await canvas.dblclick();
    await until('back to the whole range', async () => Number(await canvas.getAttribute('data-xmax')) >= 19_000 && !/zoomed/.test((await loss.locator('.count').textContent()) ?? ''));
  });

  it('groups the runs by a param: a mean line and band per group, the count in the legend', async function () {
    const loss = await card(frame, 'train/loss');
    await frame.locator('select[aria-label="group by"]').selectOption('param:lr');
    await until('three groups', async () => (await loss.getAttribute('data-lines')) === '3');
    const legend = await frame.locator('.legend .legend-item').allTextContents();
    assert.deepEqual(legend.sort(), ['lr=0.001 (2)', 'lr=0.01 (2)', 'lr=0.1 (1)']);
    await screenshot(page, 'compare-14-grouped');
    await frame.locator('select[aria-label="group by"]').selectOption('none');
    await until('a line per run again', async () => (await loss.getAttribute('data-lines')) === '5');
  });

  it('brushes the parallel coordinates to filter the runs everywhere', async function () {
    const pcp = frame.locator('canvas.pcp');
    await pcp.scrollIntoViewIfNeeded();
    await until('the parallel coordinates drawn', async () => Number(await pcp.getAttribute('data-axes')) >= 3);
    assert.equal(await pcp.getAttribute('data-kept'), '5');
    const box = (await pcp.boundingBox())!;
    // The first axis (batch: 32 … 160) at the left margin: brush its upper half (batch 96, 128, 160).
    await page.mouse.move(box.x + 40, box.y + 30);
    await page.mouse.down();
    await page.mouse.move(box.x + 40, box.y + 150, { steps: 6 });
    await page.mouse.up();
    await until('three runs kept', async () => (await pcp.getAttribute('data-kept')) === '3');
    const loss = await card(frame, 'train/loss');
    await until('the charts show the kept runs', async () => (await loss.getAttribute('data-lines')) === '3');
    await screenshot(page, 'compare-15-parallel-coordinates');
    await frame.getByRole('button', { name: 'Clear brushes' }).click();
    await until('all runs again', async () => (await loss.getAttribute('data-lines')) === '5');
  });

  it('plots any param against a metric', async function () {
    const scatter = frame.locator('canvas[aria-label="scatter plot"]');
    await scatter.scrollIntoViewIfNeeded();
    await frame.locator('.scatter-card select[aria-label="x"]').selectOption('param:lr');
    await until('a point per run', async () => (await scatter.getAttribute('data-points')) === '5');
    assert.equal(await frame.locator('canvas[aria-label="bar chart"]').getAttribute('data-bars'), '5');
    const corr = await frame.locator('table.corr tr[data-param] th').allTextContents();
    assert.ok(corr.includes('lr') && corr.includes('batch'), `correlations: ${corr.join(', ')}`);
    await page.waitForTimeout(300);
    await screenshot(page, 'compare-16-scatter');
  });
});
