// `npm run demo` starts on what it is there to show: the Labbook view (not the Explorer) and the
// panel of the run that is still writing. The demo loads scripts/demo-extension next to Labbook for
// that; this starts code-server the same way on a small workspace and looks without clicking.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { activeWebview, editorTab, launchBrowser, openWorkbench, screenshot, treeRow, treeView } from '../support/browser';
import { demoExtensionDir, startCodeServer, type CodeServer } from '../support/codeServer';
import { resultsDir } from '../support/paths';
import { RunWriter, trainingCurve } from '../support/runWriter';
import { createTestWorkspace } from '../integration/workspace';

describe('The demo workbench (e2e)', function () {
  this.timeout(120_000);
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let workspace: string;
  let live: RunWriter;
  let failed = false;

  before(async function () {
    this.timeout(180_000);
    workspace = createTestWorkspace('labbook-e2e-demo-');
    // Like make_demo.py --live: a run that is still writing when the workbench opens.
    live = new RunWriter(path.join(workspace, 'labbook'), { project: 'moons-mlp', name: 'live-h24', params: { lr: 0.1 } });
    live.series(0, 15, (s) => trainingCurve(s, 3));
    server = await startCodeServer({ workspace, tag: 'e2e-demo-code-server', extraExtensions: [demoExtensionDir] });
    browser = await launchBrowser();
    ({ page } = await openWorkbench(browser, server.url, 'e2e-demo'));
  });

  after(async function () {
    if (failed || !page) server?.collectLogs(path.join(resultsDir, 'logs', 'e2e-demo'));
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (workspace && process.env.LABBOOK_KEEP_TMP !== '1') fs.rmSync(workspace, { recursive: true, force: true });
  });

  it("opens on the Labbook view with the live run's panel, not on the Explorer", async function () {
    try {
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
    } catch (e) {
      failed = true;
      await screenshot(page, 'failure-demo-start').catch(() => undefined);
      throw e;
    } finally {
      live.finish();
    }
  });
});
