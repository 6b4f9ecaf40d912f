import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RunWriter, trainingCurve } from '../../support/runWriter';
import { eventually, labbookApi, webviewTabs, workspaceDir } from './helpers';

const EXPERIMENT = 'selection-exp';

describe('One run selection for the tree, the runs table and Compare', function () {
  this.timeout(90_000);

  it('rows selected in a table are selected in the tree and highlighted in other tables, and Compare compares them', async function () {
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

    // Another table, opened now, shows the same selection (the tree's clicks reaching the table are
    // checked in the browser tier, test/e2e/runsTable.e2e.ts, where a user's clicks can be made).
    await vscode.commands.executeCommand('labbook.openRunsTable');
    await eventually(api, 'the selection highlighted in the table of all runs', () => {
      const t = api.runsTables?.().find((x) => x.experiment === null);
      return t && t.uids.length > 3 && [...t.selection].sort().join() === [runs[0].id, runs[2].id].sort().join();
    });
    // A selection made in that table replaces it everywhere: the first table follows.
    api.runsTables!().find((x) => x.experiment === null)!.select([runs[1].id]);
    await eventually(api, 'the experiment\'s table following', () => api.runsTables?.().find((x) => x.experiment === EXPERIMENT)?.selection.join() === runs[1].id);
    await eventually(api, 'the tree following', () => api.selection!().tree.join() === runs[1].id);

    for (const tab of webviewTabs().filter((t) => t.label.startsWith('Runs'))) await vscode.window.tabGroups.close(tab);
  });
});
