// The runs table as a user meets it: open it from the palette, query (a wrong query shows its error
// under the box), sort by a metric, choose columns, select runs and compare them.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { editorTab, frameShowing, openViewContainer, runCommandFromPalette, screenshot, treeRow, treeView, until } from '../support/browser';
import { RunWriter, trainingCurve } from '../support/runWriter';
import { workbenchSuite } from '../support/workbenchSuite';
import { SEED } from '../integration/workspace';

/** Names of the rows the grid shows, top to bottom. */
async function rowNames(frame: Frame): Promise<string[]> {
  return frame.locator('.grid .row').evaluateAll((rows) => rows
    .map((r) => ({ y: new DOMMatrix(getComputedStyle(r).transform).m42, name: r.querySelector('.name')?.textContent ?? '' }))
    .sort((a, b) => a.y - b.y).map((r) => r.name));
}

describe('Runs table (e2e)', function () {
  this.timeout(120_000);
  const wb = workbenchSuite({
    name: 'table',
    seeded: true,
    prepare(workspace) {
      const runs: Array<[string, number, number, string]> = [['sweep-a', 0.1, 2, 'finished'], ['sweep-b', 0.03, 3, 'finished'], ['sweep-c', 0.001, 4, 'failed'], ['sweep-d', 0.3, 5, 'finished']];
      for (const [name, lr, seed, status] of runs) {
        const w = new RunWriter(path.join(workspace, 'labbook'), { project: 'sweep', name, tags: [status === 'failed' ? 'stage:debug' : 'stage:final'], params: { lr, model: { hidden: seed * 32, act: 'relu' } } });
        w.series(0, 20, (s) => trainingCurve(s, seed));
        if (status === 'failed') w.status('failed', 'CUDA out of memory');
        else w.finish();
      }
    },
  });
  let page: Page;
  let frame: Frame;
  before(() => {
    page = wb.page;
  });

  it('opens from the palette with every run, its params flattened and its metrics', async function () {
    await openViewContainer(page, 'Labbook');
    await treeView(page, 'Experiments').waitFor({ state: 'visible', timeout: 60_000 });
    await runCommandFromPalette(page, 'Labbook: Open Runs Table');
    await editorTab(page, 'Runs').waitFor({ state: 'visible', timeout: 30_000 });
    frame = await frameShowing(page, '.grid .row .name');
    await until('five runs listed', async () => (await rowNames(frame)).filter(Boolean).length === 5);
    const heads = await frame.locator('.head').evaluateAll((hs) => hs.map((h) => (h as HTMLElement).dataset.column));
    for (const id of ['attr:name', 'attr:status', 'attr:start_time']) assert.ok(heads.includes(id), `column ${id} shown (${heads.join(' ')})`);
    assert.match(await frame.locator('.status-line').innerText(), /^5 runs/);
    await screenshot(page, 'table-01-all-runs');
    // Columns are virtualised: scrolled right, the params and metrics come into view (the name stays pinned).
    await frame.locator('.grid').evaluate((g) => (g.scrollLeft = g.scrollWidth));
    await frame.locator('.head[data-column="metric:train/loss"]').waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await frame.locator('.head.pinned[data-column="attr:name"]').count(), 1);
    await screenshot(page, 'table-01b-scrolled-to-metrics');
    await frame.locator('.grid').evaluate((g) => (g.scrollLeft = 0));
  });

  it('shows a wrong query\'s error under the box, at the token', async function () {
    const query = frame.locator('input.query');
    await query.fill('metrics.`train/loss` < 0.5 and params.lr >> 0.01');
    await query.press('Enter');
    const error = frame.locator('.query-error');
    await error.waitFor({ state: 'visible', timeout: 15_000 });
    const text = await error.innerText();
    assert.match(text, /expected a value after '>' at column 42, found '>'/, text);
    const caret = await frame.locator('.caret-pad').evaluate((e) => e.textContent?.length);
    assert.equal(caret, 42, 'the mark starts under the offending token (the second >)');
    await screenshot(page, 'table-02-query-error');
  });

  it('filters with a query and sorts by a metric', async function () {
    const query = frame.locator('input.query');
    await query.fill('params.lr < 0.2 and tags.stage = "final"');
    await query.press('Enter');
    // sweep-a (0.1) and sweep-b (0.03); sweep-d's lr is 0.3, sweep-c is tagged stage:debug, seed-run has no stage.
    await until('two runs match', async () => /^2 runs/.test(await frame.locator('.status-line').innerText()), 15_000);
    assert.ok(await frame.locator('.query-error').isHidden());
    await query.fill('');
    await query.press('Enter');
    await until('all runs again', async () => /^5 runs/.test(await frame.locator('.status-line').innerText()), 15_000);
    // The metrics are the last columns: scroll the grid right until the header is drawn (columns are virtualised).
    await frame.locator('.grid').evaluate((g) => (g.scrollLeft = g.scrollWidth));
    const head = frame.locator('.head[data-column="metric:train/acc"]');
    await head.waitFor({ state: 'visible', timeout: 10_000 });
    await head.click();
    await until('sorted by train/acc', async () => /\u25BC|\u25B2/.test(await head.innerText()), 10_000);
    const values = await until('rows re-ordered', async () => {
      const v = await frame.locator('.grid .row').evaluateAll((rows) => rows
        .map((r) => ({ y: new DOMMatrix(getComputedStyle(r).transform).m42, v: Number(r.querySelector('[data-col="metric:train/acc"]')?.textContent ?? NaN) }))
        .sort((a, b) => a.y - b.y).map((r) => r.v));
      return v.length === 5 && v.every((x, i) => i === 0 || x <= v[i - 1]) ? v : undefined;
    }, 15_000);
    console.log(`      train/acc sorted: ${values.join(', ')}`);
    await screenshot(page, 'table-03-sorted-by-metric');
  });

  it('the column chooser finds, hides and pins columns', async function () {
    await frame.locator('button', { hasText: 'Columns' }).click();
    const chooser = frame.locator('.chooser');
    await chooser.waitFor({ state: 'visible' });
    await chooser.locator('input.chooser-search').fill('model');
    await screenshot(page, 'table-04-column-chooser');
    // model.act and model.hidden (flattened from a nested param) and the seed run's flat param model.layers.
    await until('three model columns listed', async () => (await chooser.locator('.chooser-item').count()) === 3);
    await chooser.locator('.chooser-item', { hasText: 'model.act' }).locator('input[type=checkbox]').uncheck();
    await until('model.act hidden', async () => (await frame.locator('.head[data-column="param:model.act"]').count()) === 0);
    await frame.locator('button', { hasText: 'Columns' }).click();
  });

  it('selects runs with click and ctrl-click, and compares them', async function () {
    const row = (name: string) => frame.locator('.grid .row', { has: frame.locator('.name', { hasText: new RegExp(`^${name}$`) }) });
    await row('sweep-a').click();
    await row('sweep-b').click({ modifiers: ['ControlOrMeta'] });
    await row(SEED.name).click({ modifiers: ['ControlOrMeta'] });
    await until('three selected', async () => (await frame.locator('.grid .row.selected').count()) === 3);
    const compare = frame.locator('button', { hasText: 'Compare 3' });
    await compare.click();
    await editorTab(page, 'Compare: ').waitFor({ state: 'visible', timeout: 30_000 });
    await frameShowing(page, '.chart[data-lines="3"]');
    await screenshot(page, 'table-05-compare-selection');
  });

  it('shares its selection with the Experiments tree, both ways', async function () {
    const pane = treeView(page, 'Experiments');
    // The table's selection (sweep-a, sweep-b and the seed run) is revealed in the tree, its first run selected there.
    await until('sweep-a selected in the tree', async () => (await treeRow(pane, 'sweep-a').getAttribute('aria-selected')) === 'true', 15_000);
    await screenshot(page, 'table-06-selection-in-tree');
    // Runs selected in the tree are highlighted in the table.
    await treeRow(pane, 'sweep-c').click();
    await treeRow(pane, 'sweep-d').click({ modifiers: ['ControlOrMeta'] });
    await editorTab(page, 'Runs').click();
    const table = await frameShowing(page, '.grid .row .name');
    const selected = async () => (await table.locator('.grid .row.selected .name').allInnerTexts()).sort().join(',');
    await until('the tree\'s runs highlighted in the table', async () => (await selected()) === 'sweep-c,sweep-d', 15_000);
    await screenshot(page, 'table-07-tree-selection-in-table');
  });
});
