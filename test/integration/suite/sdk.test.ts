import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runQuickstart } from '../../../src/sdkSetup';
import { shownNotifications } from '../../../src/notifications';
import { eventually, labbookApi, workspaceDir } from './helpers';

describe('Python SDK from VS Code terminals', function () {
  this.timeout(60_000);

  it('lets a script in a VS Code terminal `import labbook` without an install and log into the workspace', async function () {
    const api = await labbookApi();
    const ws = workspaceDir();
    const script = path.join(ws, 'terminal_run.py');
    const marker = path.join(ws, 'terminal-run.done');
    // Run from a sub-folder on purpose: LABBOOK_DIR must still point at the workspace's log root.
    fs.mkdirSync(path.join(ws, 'sub'), { recursive: true });
    fs.writeFileSync(
      script,
      [
        'import labbook, sys',
        'run = labbook.init(project="terminal", name="from-terminal", config={"lr": 0.5})',
        'for i in range(5):',
        '    labbook.log({"loss": 1 / (i + 1)})',
        'labbook.finish()',
        `open(${JSON.stringify(marker)}, "w").write(labbook.__file__)`,
      ].join('\n'),
    );
    const terminal = vscode.window.createTerminal({ name: 'labbook-itest', cwd: path.join(ws, 'sub'), shellPath: '/bin/sh', shellArgs: ['-c', `python3 ${JSON.stringify(script)} > ${JSON.stringify(marker + '.log')} 2>&1`] });
    try {
      await eventually(api, 'the terminal script to finish', () => {
        if (fs.existsSync(marker)) return true;
        const log = fs.existsSync(marker + '.log') ? fs.readFileSync(marker + '.log', 'utf8') : '';
        if (/Error/.test(log)) throw new Error(`the script failed:\n${log}`);
        return false;
      }, 30_000);
      assert.match(fs.readFileSync(marker, 'utf8'), /sdk[\\/]python[\\/]labbook/);
      // The tree may first show the run from an earlier read of its log (watcher events come late): wait for the end.
      const exp = await eventually(api, 'the finished terminal run in the tree', () => {
        const e = api.snapshot().experiments.find((x) => x.name === 'terminal');
        return e?.runs[0]?.status === 'finished' ? e : undefined;
      });
      assert.equal(exp.runs[0].name, 'from-terminal');
      assert.equal(exp.runs[0].pointCount, 5);
      assert.ok(!fs.existsSync(path.join(ws, 'sub', 'labbook')), 'the run went to the workspace log root, not the cwd');
    } finally {
      terminal.dispose();
    }
  });

  it('labbook.copyPythonSdk copies the package into the workspace', async function () {
    await vscode.commands.executeCommand('labbook.copyPythonSdk');
    const init = path.join(workspaceDir(), 'labbook_sdk', 'labbook', '__init__.py');
    assert.ok(fs.existsSync(init), `${init} is missing`);
  });
});

describe('Quickstart', function () {
  this.timeout(90_000);

  it('labbook.runQuickstart copies the example into the workspace and runs it in a terminal; its run shows up finished', async function () {
    const api = await labbookApi();
    await vscode.commands.executeCommand('labbook.runQuickstart');
    const script = path.join(workspaceDir(), 'labbook_quickstart.py');
    assert.ok(fs.existsSync(script), `${script} is missing`);
    assert.ok(vscode.window.terminals.some((t) => t.name === 'Labbook quickstart'), 'a terminal runs it');
    const run = await eventually(api, 'the quickstart run finished with all its epochs', () => {
      const r = api.snapshot().experiments.find((e) => e.name === 'quickstart')?.runs[0];
      return r && r.status === 'finished' ? r : undefined;
    }, 60_000);
    assert.equal(run.pointCount, 4 * 60, 'train/loss, train/acc, val/loss, val/acc for 60 epochs');
    for (const t of vscode.window.terminals) if (t.name === 'Labbook quickstart') t.dispose();
  });

  it('tells the user when the quickstart cannot start (an installation without the example script), instead of doing nothing', async function () {
    // An extension folder without sdk/python/examples/, as a copy that leaves files out would be.
    const install = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-no-examples-'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-quickstart-'));
    const folder: vscode.WorkspaceFolder = { uri: vscode.Uri.file(dir), name: path.basename(dir), index: 0 };
    const terminalsBefore = vscode.window.terminals.length;
    const shownBefore = shownNotifications().length;
    try {
      const terminal = await runQuickstart({ extensionPath: install } as vscode.ExtensionContext, folder);
      const errors = shownNotifications().slice(shownBefore).filter((n) => n.level === 'error').map((n) => n.text);
      assert.equal(terminal, undefined, 'no terminal runs a script that is not there');
      assert.equal(errors.length, 1, 'one error message for the user');
      assert.match(errors[0], /quickstart/i);
      assert.match(errors[0], /quickstart\.py/, 'it names the missing file');
      assert.equal(vscode.window.terminals.length, terminalsBefore);
      assert.ok(!fs.existsSync(path.join(dir, 'labbook_quickstart.py')));
    } finally {
      fs.rmSync(install, { recursive: true, force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
