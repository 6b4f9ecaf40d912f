// A sweep as a user meets it: made with the Python SDK in the workspace, two agents launched from
// the command palette, trials appearing live under the sweep in the tree and in the sweep panel,
// then stopped from the palette.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { activeWebview, editorTab, openViewContainer, runCommandFromPalette, screenshot, treeRow, treeView, until } from '../support/browser';
import { repoRoot } from '../support/paths';
import { workbenchSuite } from '../support/workbenchSuite';

const TRAIN = `import time, labbook
run = labbook.init(project="sweep-e2e")
lr, opt = labbook.config["lr"], labbook.config["opt"]
for step in range(4):
    acc = (1 - abs(lr - 0.01) * 5) * (step + 1) / 4 + (0.04 if opt == "adam" else 0)
    labbook.log({"val/acc": acc})
    time.sleep(0.4)
labbook.finish()
`;

describe('Sweeps (e2e)', function () {
  this.timeout(240_000);
  let sweepId: string;
  const wb = workbenchSuite({
    name: 'sweeps',
    openFirst: false,
    prepare(workspace) {
      fs.writeFileSync(path.join(workspace, 'train.py'), TRAIN);
      const r = spawnSync('python3', ['-c', `
import labbook
s = labbook.create_sweep(experiment="sweep-e2e", name="lr-opt-grid", strategy="grid",
                         parameters={"lr": {"values": [0.1, 0.03, 0.01]}, "opt": {"values": ["sgd", "adam"]}},
                         objective="val/acc", goal="maximize", max_trials=6, command=["python3", "train.py"])
print(s.id)`], { cwd: workspace, encoding: 'utf8', env: { ...process.env, PYTHONPATH: path.join(repoRoot, 'sdk', 'python'), LABBOOK_DIR: path.join(workspace, 'labbook') } });
      assert.equal(r.status, 0, r.stderr);
      sweepId = r.stdout.trim();
    },
  });
  // Agents stop with the sweep; anything left ends with the server when the suite stops it.

  it('shows the sweep under its experiment, runs two agents launched from the palette, and shows trials live in the tree and the panel', async function () {
    const page = await wb.open();
    await openViewContainer(page, 'Labbook');
    const pane = treeView(page, 'Experiments');
    const sweepRow = treeRow(pane, 'lr-opt-grid');
    await sweepRow.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match((await sweepRow.textContent()) ?? '', /grid · 0 \/ 6/);

    await runCommandFromPalette(page, 'Labbook: Launch Sweep Agents');
    // The sweep to launch agents for, then how many.
    const input = page.locator('.quick-input-widget input.input');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'lr-opt-grid' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Enter');
    await until('the question how many agents', async () => (await page.locator('.quick-input-widget').textContent())?.includes('How many agents'), 10_000);
    await input.fill('2');
    await page.keyboard.press('Enter');

    // Trials appear under the sweep as the agents run them (the twistie expands it; a click on the row opens its panel).
    await sweepRow.locator('.monaco-tl-twistie').click();
    await treeRow(pane, 'trial 0').waitFor({ state: 'visible', timeout: 90_000 });
    await until('two agents running', async () => /2 agents running/.test((await sweepRow.textContent()) ?? ''), 60_000)
      .catch(() => undefined);
    await screenshot(page, '40-sweep-tree-running');

    // The panel fills in as trials complete.
    // The row re-renders as trials end; a click that lands mid-render is clicked again, as a user would.
    const sweepTab = editorTab(page, 'Sweep: lr-opt-grid');
    await until('the sweep panel open', async () => {
      if (await sweepTab.isVisible()) return true;
      await sweepRow.click();
      return sweepTab.waitFor({ state: 'visible', timeout: 8_000 }).then(() => true, () => false);
    }, 45_000);
    const web = activeWebview(page);
    await until('three completed trials in the panel', async () => (await web.locator('table.trials tr.status-completed').count()) >= 3, 120_000);
    await web.locator('.chart-box canvas').waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await web.locator('.best-box').textContent()) ?? '', /val\/acc = .* in trial \d/);
    assert.match((await web.locator('.importance-box').textContent()) ?? '', /Spearman/);
    await new Promise((r) => setTimeout(r, 800));
    await screenshot(page, '41-sweep-panel');
    const pcp = web.locator('.pcp-box canvas.pcp');
    await pcp.scrollIntoViewIfNeeded();
    await until('the trials in parallel coordinates', async () => Number(await pcp.getAttribute('data-runs')) >= 3, 60_000);
    assert.ok(Number(await pcp.getAttribute('data-axes')) >= 2, 'an axis per param and one for the objective');
    await screenshot(page, '44-sweep-parallel-coordinates');
    await web.locator('.trials-box').scrollIntoViewIfNeeded();
    await screenshot(page, '43-sweep-panel-importance-trials');

    // Stop: the agents finish their trial and exit; the row says stopped.
    await runCommandFromPalette(page, 'Labbook: Stop Sweep');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'lr-opt-grid' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Enter');
    await until('the sweep row saying stopped', async () => /stopped/.test((await sweepRow.textContent()) ?? ''), 30_000);
    const log = fs.readFileSync(path.join(wb.workspace, 'labbook', '_sweeps', sweepId, 'trials.jsonl'), 'utf8');
    assert.match(log, /"t":"stop"/);
    await until('every trial ended', async () => !/agents? running/.test((await sweepRow.textContent()) ?? ''), 60_000);
    await screenshot(page, '42-sweep-stopped');
  });
});
