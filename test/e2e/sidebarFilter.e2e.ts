// The Experiments tree organised as a user with many runs would: a key metric and tags in the rows,
// an experiment created by the SDK shown with its description, and the tree filtered from the
// view's Filter button, the filter shown above it, then cleared.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expand, openViewContainer, runCommandFromPalette, screenshot, treeRow, treeView, until } from '../support/browser';
import { RunWriter, trainingCurve } from '../support/runWriter';
import { workbenchSuite } from '../support/workbenchSuite';

describe('Sidebar filter (e2e)', function () {
  this.timeout(120_000);
  const wb = workbenchSuite({
    name: 'sidebar',
    openFirst: false,
    server: { settings: { 'labbook.keyMetric': 'val/acc' } },
    prepare(workspace) {
      const logRoot = path.join(workspace, 'labbook');
      const start = Date.now() / 1000 - 3 * 3600;
      const runs: Array<[string, string, string[], number]> = [
        ['resnet', 'resnet-lr0.1', ['best', 'final'], 0.93], ['resnet', 'resnet-lr0.01', ['final'], 0.88], ['resnet', 'resnet-lr1', [], 0.41],
        ['vit', 'vit-small', ['best'], 0.91], ['vit', 'vit-tiny', [], 0.83],
      ];
      runs.forEach(([project, name, tags, acc], i) => {
        const w = new RunWriter(logRoot, { project, name, tags, time: start + i * 60, params: { lr: 0.1 / (i + 1), model: project } });
        for (let s = 0; s < 10; s++) w.record({ t: 'metrics', step: s, time: start + i * 60 + s * 30, values: { ...trainingCurve(s, i), 'val/acc': acc * (s + 1) / 10 } });
        w.record({ t: 'status', status: 'finished', time: start + i * 60 + 1800 });
        fs.utimesSync(w.file, start + i * 60 + 1800, start + i * 60 + 1800);
      });
      fs.mkdirSync(path.join(logRoot, '_experiments'), { recursive: true });
      fs.writeFileSync(path.join(logRoot, '_experiments', 'exp-5c1b0c6f3a1e.json'), JSON.stringify({ format: 'labbook-experiment', version: 1, id: 'exp-5c1b0c6f3a1e', name: 'distill', description: 'student models, next week', tags: [], created: start }));
    },
  });

  it('shows the key metric and tags in rows, an SDK experiment with its description, and filters the tree', async function () {
    const page = await wb.open();
    await openViewContainer(page, 'Labbook');
    const pane = treeView(page, 'Experiments');
    await treeRow(pane, 'resnet-lr0.1').waitFor({ state: 'visible', timeout: 60_000 });
    const row = (await treeRow(pane, 'resnet-lr0.1').textContent()) ?? '';
    assert.match(row, /val\/acc 0\.93/);
    assert.match(row, /\[best\] \[final\]/);
    await until('the SDK experiment with its description', async () => /student models/.test((await treeRow(pane, 'distill').textContent().catch(() => '')) ?? ''), 30_000);
    await screenshot(page, '40-tree-organised');

    // The Filter button in the view's title bar, as a user finds it.
    await pane.hover();
    await page.locator('.pane-header .actions a.action-label[aria-label^="Filter Runs"]').first().click();
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('tag:best');
    await page.keyboard.press('Enter');
    await until('only the runs tagged best', async () => (await treeRow(pane, 'resnet-lr0.01').count()) === 0 && (await treeRow(pane, 'vit-tiny').count()) === 0, 20_000);
    await treeRow(pane, 'resnet-lr0.1').waitFor({ state: 'visible' });
    await treeRow(pane, 'vit-small').waitFor({ state: 'visible' });
    await page.getByText(/Filter: tag:best · 2 runs/).first().waitFor({ state: 'visible', timeout: 10_000 });
    await screenshot(page, '41-tree-filtered');

    await pane.hover();
    await page.locator('.pane-header .actions a.action-label[aria-label^="Clear Filter"]').first().click();
    await treeRow(pane, 'vit-tiny').waitFor({ state: 'visible', timeout: 20_000 });
  });

  it('groups runs by a param, and lists a deleted run in the Trash row', async function () {
    const page = await wb.open();
    const pane = treeView(page, 'Experiments');
    await runCommandFromPalette(page, 'Labbook: Group By');
    const input = page.locator('.quick-input-widget input.input');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'model' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('model');
    await page.keyboard.press('Enter');
    // Each experiment's runs under a row per value of the param, with its count.
    const groupRow = (label: string) => pane.locator('.monaco-list-row[role="treeitem"][aria-level="2"]', { has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${label}\\s*$`) }) });
    await until('a group row per model value', async () => /3 runs/.test((await groupRow('resnet').first().textContent().catch(() => '')) ?? ''), 20_000);
    await page.getByText(/grouped by param model/).first().waitFor({ state: 'visible', timeout: 10_000 });
    await screenshot(page, '42-tree-grouped');
    await runCommandFromPalette(page, 'Labbook: Group By');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'None' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('None');
    await page.keyboard.press('Enter');
    await until('no group rows', async () => (await groupRow('resnet').count()) === 0, 20_000);

    const row = treeRow(pane, 'vit-tiny');
    await row.click({ button: 'right' });
    const del = page.getByRole('menuitem', { name: /^Delete Runs/ });
    await del.waitFor({ state: 'visible', timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    await del.click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    await dialog.getByRole('button', { name: 'Move to Trash' }).click();
    const trash = treeRow(pane, 'Trash');
    await trash.waitFor({ state: 'visible', timeout: 20_000 });
    assert.match((await trash.textContent()) ?? '', /1 run/);
    await expand(trash);
    await treeRow(pane, 'vit-tiny').waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await treeRow(pane, 'vit-tiny').textContent()) ?? '', /vit · deleted/);
    await screenshot(page, '43-tree-trash');
  });
});
