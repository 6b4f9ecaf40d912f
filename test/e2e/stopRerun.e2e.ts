// Stopping a running run and running its command again, as a user does it from the Experiments
// tree: a real training script (Python SDK, logging in a loop) is stopped from the row's context
// menu, the run ends as killed, and "Rerun with This Config" opens a terminal with the command
// typed in but not run.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openViewContainer, screenshot, treeRow, treeView, until } from '../support/browser';
import { repoRoot } from '../support/paths';
import { workbenchSuite } from '../support/workbenchSuite';

const TRAIN = `import sys, time
import labbook

lr = float(sys.argv[sys.argv.index("--lr") + 1]) if "--lr" in sys.argv else 0.1
labbook.init(project="e2e-stop", name="looping", config={"lr": lr})
step = 0
while True:
    labbook.log({"loss": 1.0 / (step + 1)}, step=step)
    step += 1
    time.sleep(0.2)
`;

describe('Stop and rerun from the tree (e2e)', function () {
  this.timeout(120_000);
  let training: ChildProcess | undefined;
  const wb = workbenchSuite({
    name: 'stop-rerun',
    openFirst: false,
    // The DOM renderer: the terminal's text can be read from the page.
    server: { settings: { 'terminal.integrated.gpuAcceleration': 'off' } },
    prepare: (workspace) => fs.writeFileSync(path.join(workspace, 'train.py'), TRAIN),
    teardown: () => training?.kill('SIGKILL'),
  });

  it('stops a running training script from the context menu; the run ends killed; Rerun types its command in a terminal', async function () {
    const workspace = wb.workspace;
    training = spawn('python3', ['train.py', '--lr', '0.05'], {
      cwd: workspace,
      stdio: 'ignore',
      env: { ...process.env, PYTHONPATH: path.join(repoRoot, 'sdk', 'python'), LABBOOK_DIR: path.join(workspace, 'labbook'), LABBOOK_CAPTURE_CONSOLE: '0', LABBOOK_CAPTURE_SYSTEM: '0' },
    });
    const exited = new Promise<number | null>((resolve) => training!.on('exit', (code) => resolve(code)));
    const page = await wb.open();
    await openViewContainer(page, 'Labbook');
    const pane = treeView(page, 'Experiments');
    const row = treeRow(pane, 'looping');
    await row.waitFor({ state: 'visible', timeout: 60_000 });
    await until('the run shown as running', async () => (await row.locator('.codicon-sync').count()) > 0, 30_000);
    await screenshot(page, '50-run-running');

    await row.click({ button: 'right' });
    const stop = page.getByRole('menuitem', { name: /^Stop Run/ });
    await stop.waitFor({ state: 'visible', timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    await stop.click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await dialog.textContent()) ?? '', /SIGTERM/);
    await screenshot(page, '51-stop-confirm');
    await dialog.getByRole('button', { name: 'Stop Run' }).click();
    const code = await Promise.race([exited, new Promise<'alive'>((r) => setTimeout(() => r('alive'), 20_000))]);
    assert.notEqual(code, 'alive', 'the training process ended after Stop Run');
    await until('the run shown as killed', async () => (await row.locator('.codicon-stop-circle').count()) > 0 && /killed/.test((await row.textContent()) ?? ''), 30_000);
    await screenshot(page, '52-run-killed');

    await row.click({ button: 'right' });
    const rerun = page.getByRole('menuitem', { name: /^Rerun with This Config/ });
    await rerun.waitFor({ state: 'visible', timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    await rerun.click();
    await page.locator('.terminal-tabs-entry, .single-terminal-tab').filter({ hasText: /Rerun: looping/ }).first().waitFor({ state: 'visible', timeout: 30_000 })
      .catch(() => page.getByText(/Rerun: looping/).first().waitFor({ state: 'visible', timeout: 10_000 }));
    const typed = await until('the command typed in the terminal', async () => {
      const text = (await page.locator('.terminal-wrapper .xterm-rows').last().textContent().catch(() => '')) ?? '';
      return /train\.py.*--lr.*0\.05/.test(text) ? text : undefined;
    }, 30_000);
    assert.match(typed, /train\.py/);
    await screenshot(page, '53-rerun-terminal');
    // Typed, not run: no second run appears.
    await new Promise((r) => setTimeout(r, 4000));
    const runs = fs.readdirSync(path.join(workspace, 'labbook'), { recursive: true }).map(String).filter((f) => f.endsWith('events.jsonl') && !f.startsWith('_'));
    assert.equal(runs.length, 1, `only the stopped run: ${runs.join(', ')}`);
  });
});
