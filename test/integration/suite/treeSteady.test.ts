import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LabbookApi, TreeChange } from '../../../src/api';
import { RunWriter, trainingCurve } from '../../support/runWriter';
import { eventually, findRun, labbookApi, sleep, webviewTabs, workspaceDir } from './helpers';

describe('Experiments tree holds still while runs write', function () {
  this.timeout(60_000);
  let api: LabbookApi;
  let logRoot: string;

  before(async function () {
    api = await labbookApi();
    logRoot = path.join(workspaceDir(), 'labbook');
  });

  after(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('renders no row again while a running run only logs points, and only its own rows when its status changes', async function () {
    const writer = new RunWriter(logRoot, { project: 'itest-steady', name: 'steady-writer' }).series(0, 5, (s) => trainingCurve(s, 4));
    const other = new RunWriter(logRoot, { project: 'itest-steady', name: 'steady-other' }).series(0, 5, (s) => trainingCurve(s, 5)).finish();
    await eventually(api, 'both runs in the tree, the writer running', () =>
      findRun(api.snapshot(), 'itest-steady', writer.runId)?.status === 'running' && findRun(api.snapshot(), 'itest-steady', other.runId)?.status === 'finished');
    const changes: TreeChange[] = [];
    const subscription = api.onDidChangeTree((c) => changes.push(c));
    try {
      for (let i = 1; i <= 8; i++) {
        writer.series(i * 5, 5, (s) => trainingCurve(s, 4));
        await sleep(400);
      }
      const points = 9 * 5 * 2;
      await eventually(api, `${points} points indexed`, () => findRun(api.snapshot(), 'itest-steady', writer.runId)?.pointCount === points);
      const mine = (c: TreeChange) => c.whole || c.experiments.includes('itest-steady') || c.runs.includes(writer.runId) || c.runs.includes(other.runId);
      assert.deepEqual(changes.filter(mine), [], 'appending points re-rendered rows');

      writer.finish();
      await eventually(api, 'the writer finished', () => findRun(api.snapshot(), 'itest-steady', writer.runId)?.status === 'finished');
      const after = changes.filter(mine);
      assert.ok(after.length >= 1, 'the finished run was not re-rendered');
      for (const c of after) {
        assert.equal(c.whole, false, 'the whole tree was re-rendered');
        assert.deepEqual(c.runs.filter((uid) => uid !== writer.runId), [], `other runs re-rendered: ${JSON.stringify(c)}`);
      }
    } finally {
      subscription.dispose();
    }
  });

  it('asks for the tags when a context menu passes the selected runs as the second argument', async function () {
    const run = new RunWriter(logRoot, { project: 'itest-menu', name: 'menu-run' }).series(0, 3, (s) => trainingCurve(s, 8)).finish();
    await eventually(api, 'the run in the tree', () => findRun(api.snapshot(), 'itest-menu', run.runId));
    // What a right-click on one of two selected runs passes: the clicked node, then the selection.
    const selection = [{ kind: 'run' }, { kind: 'run' }];
    const done = vscode.commands.executeCommand('labbook.editTags', run.runId, selection);
    await sleep(1500);
    const edits = path.join(run.dir, 'labbook.edits.jsonl');
    const written = fs.existsSync(edits) ? fs.readFileSync(edits, 'utf8') : '';
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await done;
    assert.doesNotMatch(written, /"tags"/, `tags were set without asking: ${written}`);
  });

  it('opens a clicked run in one preview panel that the next click replaces; a double-click keeps it', async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const a = new RunWriter(logRoot, { project: 'itest-preview', name: 'preview-a' }).series(0, 3, (s) => trainingCurve(s, 6)).finish();
    const b = new RunWriter(logRoot, { project: 'itest-preview', name: 'preview-b' }).series(0, 3, (s) => trainingCurve(s, 7)).finish();
    await eventually(api, 'both preview runs in the tree', () => findRun(api.snapshot(), 'itest-preview', a.runId) && findRun(api.snapshot(), 'itest-preview', b.runId));
    const labels = () => webviewTabs().map((t) => t.label).sort();
    await vscode.commands.executeCommand('labbook.openRun', a.runId, { preview: true });
    await eventually(api, 'a in a tab', () => labels().includes('preview-a'));
    await sleep(600);
    await vscode.commands.executeCommand('labbook.openRun', b.runId, { preview: true });
    await eventually(api, 'b replacing a', () => JSON.stringify(labels()) === JSON.stringify(['preview-b']));
    // Two clicks on b in a row (a double-click): kept. The next click opens beside it.
    await vscode.commands.executeCommand('labbook.openRun', b.runId, { preview: true });
    await vscode.commands.executeCommand('labbook.openRun', b.runId, { preview: true });
    await vscode.commands.executeCommand('labbook.openRun', a.runId, { preview: true });
    await eventually(api, 'a beside the kept b', () => JSON.stringify(labels()) === JSON.stringify(['preview-a', 'preview-b']));
    // Opened from the palette or a script: kept too.
    await vscode.commands.executeCommand('labbook.openRun', a.runId);
    await sleep(600);
    await vscode.commands.executeCommand('labbook.openRun', 'seed0001', { preview: true });
    await eventually(api, 'seed beside both', () => labels().length === 3);
  });
});
