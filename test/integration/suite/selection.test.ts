import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RunWriter, trainingCurve } from '../../support/runWriter';
import { eventually, labbookApi, sleep, webviewTabs, workspaceDir } from './helpers';

const EXPERIMENT = 'selection-exp';

describe('One run selection for the tree, the runs table and Compare', function () {
  this.timeout(90_000);

  it('rows selected in the table are selected in the tree, runs selected in the tree are highlighted in the table, and Compare compares them', async function () {
    const api = await labbookApi();
    const root = path.join(workspaceDir(), 'labbook');
    for (const [name, lr] of [['sel-a', 0.1], ['sel-b', 0.01], ['sel-c', 0.001]] as const) {
      new RunWriter(root, { project: EXPERIMENT, name, params: { lr } }).series(0, 5, (s) => trainingCurve(s, 2)).finish();
    }
    // The runs in the tree's order (newest first).
    const runs = await eventually(api, 'three runs in the tree', () => {
      const e = api.snapshot().experiments.find((x) => x.name === EXPERIMENT);
      return e?.runs.length === 3 && e.runs.map((r) => ({ id: r.id, name: r.name }));
    });
    await vscode.commands.executeCommand('labbook.experiments.focus');
    await vscode.commands.executeCommand('labbook.openRunsTable', EXPERIMENT);
    const table = await eventually(api, 'the table of the experiment filled', () => {
      const t = api.runsTables?.().find((x) => x.experiment === EXPERIMENT);
      return t && t.uids.length === 3 && t;
    });

    // Table → tree: the first and the third run selected in the table.
    table.select([runs[0].id, runs[2].id]);
    assert.deepEqual(api.selection!().runs, [runs[0].id, runs[2].id]);
    // VS Code lets an extension select one row of a tree: the first one is, the app keeps both.
    await eventually(api, 'the first run selected in the tree', () => api.selection!().tree.join() === runs[0].id);
    assert.deepEqual(api.selection!().runs, [runs[0].id, runs[2].id], 'the tree selecting one row does not shrink the selection');

    // Compare from the palette compares the selection.
    await vscode.commands.executeCommand('labbook.compareRuns');
    const compared = await eventually(api, 'a comparison of the selected runs', () => webviewTabs().find((t) => t.label === `Compare: ${runs[0].name}, ${runs[2].name}`));
    await vscode.window.tabGroups.close(compared);

    // Tree → table: Shift+Down in the tree adds the next run to the tree's selection.
    await vscode.commands.executeCommand('labbook.experiments.focus');
    await sleep(300);
    await vscode.commands.executeCommand('list.expandSelectionDown');
    await eventually(api, 'two runs selected in the tree', () => api.selection!().tree.length === 2);
    const expected = [runs[0].id, runs[1].id].sort();
    assert.deepEqual([...api.selection!().tree].sort(), expected);
    await eventually(api, 'the tree\'s runs highlighted in the table', () => {
      const t = api.runsTables?.().find((x) => x.experiment === EXPERIMENT);
      return t && [...t.selection].sort().join() === expected.join();
    });
    assert.deepEqual([...api.selection!().runs].sort(), expected);

    for (const tab of webviewTabs().filter((t) => t.label.startsWith('Runs'))) await vscode.window.tabGroups.close(tab);
  });
});
