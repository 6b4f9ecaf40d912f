// `npm run demo` starts on what it is there to show: the Labbook view (not the Explorer) and the
// panel of the run that is still writing. The demo loads scripts/demo-extension next to Labbook for
// that; this starts code-server the same way on a small workspace and looks without clicking.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { activeWebview, editorTab, screenshot, treeRow, treeView } from '../support/browser';
import { demoExtensionDir } from '../support/codeServer';
import { RunWriter, trainingCurve } from '../support/runWriter';
import { workbenchSuite } from '../support/workbenchSuite';

describe('The demo workbench (e2e)', function () {
  this.timeout(120_000);
  let live: RunWriter;
  const wb = workbenchSuite({
    name: 'demo',
    seeded: true,
    server: { extraExtensions: [demoExtensionDir] },
    prepare(workspace) {
      // Like make_demo.py --live: a run that is still writing when the workbench opens.
      live = new RunWriter(path.join(workspace, 'labbook'), { project: 'moons-mlp', name: 'live-h24', params: { lr: 0.1 } });
      live.series(0, 15, (s) => trainingCurve(s, 3));
    },
    teardown: () => live?.finish(),
  });

  it("opens on the Labbook view with the live run's panel, not on the Explorer", async function () {
    const page = wb.page;
    const labbook = page.locator('.activitybar .action-item:has(a.action-label[aria-label^="Labbook"])').first();
    await page.waitForFunction(
      () => document.querySelector('.activitybar .action-item.checked a.action-label')?.getAttribute('aria-label')?.startsWith('Labbook') ?? false,
      undefined,
      { timeout: 60_000 },
    );
    assert.ok(await labbook.evaluate((el) => el.classList.contains('checked')), 'the Labbook container is the active one');
    const pane = treeView(page, 'Experiments');
    await pane.waitFor({ state: 'visible', timeout: 30_000 });
    await treeRow(pane, 'moons-mlp').waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await page.locator('.monaco-list[role="tree"][aria-label="Files Explorer"]:visible').count(), 0, 'the Explorer is not showing');
    await editorTab(page, 'live-h24').waitFor({ state: 'visible', timeout: 30_000 });
    await activeWebview(page).locator('#charts canvas').first().waitFor({ state: 'visible', timeout: 30_000 });
    await new Promise((r) => setTimeout(r, 1500));
    await screenshot(page, '10-demo-start');
  });
});
