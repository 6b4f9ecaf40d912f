// Compare of a whole sweep: 100 runs with 10 metrics each, selected in the runs table and compared.
// The first charts are drawn at once with a line per run; the charts further down get their lines
// when scrolled into view; a run's spike shows in its chart.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { editorTab, frameShowing, openViewContainer, runCommandFromPalette, screenshot, treeView, until } from '../support/browser';
import { RunWriter } from '../support/runWriter';
import { workbenchSuite } from '../support/workbenchSuite';

const RUNS = 100;
const STEPS = 400;
const KEYS = [...Array.from({ length: 5 }, (_, m) => `train/m${m}`), ...Array.from({ length: 5 }, (_, m) => `val/m${m}`)];
/** Run 37's val/m4 (the last chart) jumps to this at one step. */
const SPIKE = 50;

interface Drawn { label: string; points: number; ymax: number | null }

describe('Compare of 100 runs (e2e)', function () {
  this.timeout(180_000);
  const wb = workbenchSuite({
    name: 'compare-many',
    prepare(workspace) {
      for (let r = 0; r < RUNS; r++) {
        const w = new RunWriter(path.join(workspace, 'labbook'), { project: 'sweep-100', name: `s${String(r).padStart(3, '0')}`, params: { lr: 10 ** -(1 + (r % 4)), seed: r } });
        w.series(0, STEPS, (s) => Object.fromEntries(KEYS.map((k, m) => [k, r === 37 && m === KEYS.length - 1 && s === 123 ? SPIKE : Number((Math.exp(-s / (80 + r + m)) + 0.02 * Math.sin(s + r)).toFixed(5))])));
        w.finish();
      }
    },
  });
  let page: Page;
  let frame: Frame;
  before(() => {
    page = wb.page;
  });

  it('compares the 100 runs selected in the runs table: the first charts drawn with a line per run, the others waiting below', async function () {
    await openViewContainer(page, 'Labbook');
    await treeView(page, 'Experiments').waitFor({ state: 'visible', timeout: 60_000 });
    await runCommandFromPalette(page, 'Labbook: Open Runs Table');
    await editorTab(page, 'Runs').waitFor({ state: 'visible', timeout: 30_000 });
    const table = await frameShowing(page, '.grid .row .name');
    await until('100 runs listed', async () => /^100 runs/.test(await table.locator('.status-line').innerText()), 60_000);
    await table.locator('.grid .row').first().click();
    await page.keyboard.press('ControlOrMeta+a');
    const compare = table.locator('button', { hasText: 'Compare 100' });
    await compare.waitFor({ state: 'visible', timeout: 10_000 });
    const started = Date.now();
    await compare.click();
    await editorTab(page, 'Compare: ').waitFor({ state: 'visible', timeout: 30_000 });
    frame = await frameShowing(page, `.chart[data-key="${KEYS[0]}"][data-lines="${RUNS}"]`);
    console.log(`      compare: the first chart's ${RUNS} lines drawn ${((Date.now() - started) / 1000).toFixed(1)} s after the click`);
    assert.equal(await frame.locator('.chart').count(), KEYS.length, 'a card per metric');
    // The last chart is far below the fold: it has not been sent its lines yet.
    const last = frame.locator(`.chart[data-key="${KEYS[KEYS.length - 1]}"]`);
    assert.equal(await last.getAttribute('data-waiting'), 'true', 'the last chart waits until it is scrolled to');
    assert.equal(await last.getAttribute('data-lines'), '0');
    const first = JSON.parse((await frame.locator(`.chart[data-key="${KEYS[0]}"]`).getAttribute('data-drawn')) ?? '[]') as Drawn[];
    assert.equal(first.length, RUNS);
    assert.ok(first.every((l) => l.points >= 2 && l.points <= 2 * STEPS), `every line drawn: ${first.map((l) => l.points).join(' ')}`);
    await page.waitForTimeout(500);
    await screenshot(page, 'compare-20-hundred-runs');
  });

  it('draws a chart further down when it is scrolled into view, with a run\'s spike', async function () {
    const last = frame.locator(`.chart[data-key="${KEYS[KEYS.length - 1]}"]`);
    await last.scrollIntoViewIfNeeded();
    await until('the last chart drawn', async () => (await last.getAttribute('data-lines')) === String(RUNS), 30_000);
    assert.equal(await last.getAttribute('data-waiting'), null);
    const drawn = JSON.parse((await last.getAttribute('data-drawn')) ?? '[]') as Drawn[];
    const spiked = drawn.find((l) => l.label === 's037');
    assert.equal(spiked?.ymax, SPIKE, 'run s037\'s spike is drawn');
    assert.ok(drawn.filter((l) => l.label !== 's037').every((l) => (l.ymax ?? 0) < 2), 'no other run reaches it');
    await page.waitForTimeout(500);
    await screenshot(page, 'compare-21-hundred-runs-scrolled');
  });
});
