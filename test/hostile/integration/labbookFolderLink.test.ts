import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { eventually, labbookApi } from '../../integration/suite/helpers';

/**
 * Issue 9, item 1: a cloned folder whose `.labbook` is a link to somewhere else. Labbook opens it
 * and shows its runs, but writes no `.gitignore` (nor anything else of its own) through the link.
 */
describe('Hostile workspace: a .labbook folder that links outside', function () {
  this.timeout(90_000);

  it('opens the folder and shows its runs, writing no .gitignore into the link target', async function () {
    const api = await labbookApi();
    const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-linked-')));
    const cloned = path.join(base, 'cloned');
    const elsewhere = path.join(base, 'elsewhere');
    fs.mkdirSync(path.join(cloned, 'labbook', 'run-1'), { recursive: true });
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(
      path.join(cloned, 'labbook', 'run-1', 'events.jsonl'),
      `${JSON.stringify({ t: 'header', format: 'labbook-run', version: 1, run_id: 'linked1', project: 'linked-dot-labbook', name: 'r', time: 1_700_000_000 })}\n`,
    );
    fs.symlinkSync(path.relative(cloned, elsewhere), path.join(cloned, '.labbook'));
    const at = vscode.workspace.workspaceFolders?.length ?? 0;
    assert.ok(vscode.workspace.updateWorkspaceFolders(at, 0, { uri: vscode.Uri.file(cloned) }), 'the folder could not be added');
    try {
      await eventually(api, 'the run of the folder with a linked .labbook', () => api.snapshot().experiments.some((e) => e.name === 'linked-dot-labbook'));
      assert.equal(fs.existsSync(path.join(elsewhere, '.gitignore')), false, '.gitignore written through the .labbook link');
      assert.equal(fs.existsSync(path.join(elsewhere, 'images')), false);
    } finally {
      const i = vscode.workspace.workspaceFolders?.findIndex((f) => f.uri.fsPath === cloned) ?? -1;
      if (i >= 0) vscode.workspace.updateWorkspaceFolders(i, 1);
    }
  });
});
