import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RunWriter, trainingCurve } from '../../support/runWriter';
import { SEED } from '../workspace';
import { eventually, labbookApi, webviewTabs, workspaceDir } from './helpers';

describe('Runs table', function () {
  this.timeout(60_000);

  it('shows every run of the workspace, or of one experiment, and its runs open in Compare', async function () {
    const api = await labbookApi();
    const root = path.join(workspaceDir(), 'labbook');
    for (const [name, lr] of [['table-a', 0.1], ['table-b', 0.01]] as const) {
      new RunWriter(root, { project: 'table-exp', name, params: { lr, model: { hidden: 32 } } }).series(0, 10, (s) => trainingCurve(s, 3)).finish();
    }
    const all = await eventually(api, 'the runs in the tree', () => {
      const runs = api.snapshot().experiments.flatMap((e) => e.runs.map((r) => r.id));
      return api.snapshot().experiments.some((e) => e.name === 'table-exp' && e.runs.length === 2) && runs;
    });

    await vscode.commands.executeCommand('labbook.openRunsTable');
    await eventually(api, 'a tab "Runs"', () => webviewTabs().some((t) => t.label === 'Runs'));
    // The webview asks for its rows once it has loaded: the host then holds the runs it shows.
    const shown = await eventually(api, 'the table of all runs filled', () => {
      const t = api.runsTables?.().find((x) => x.experiment === null);
      return t && t.uids.length === all.length && t.uids;
    });
    assert.deepEqual([...shown].sort(), [...all].sort());

    await vscode.commands.executeCommand('labbook.openRunsTable', 'table-exp');
    const mine = await eventually(api, 'the table of one experiment filled', () => {
      const t = api.runsTables?.().find((x) => x.experiment === 'table-exp');
      return t && t.uids.length > 0 && t.uids;
    });
    const expected = api.snapshot().experiments.find((e) => e.name === 'table-exp')!.runs.map((r) => r.id);
    assert.deepEqual([...mine].sort(), [...expected].sort());
    assert.ok(!mine.includes(SEED.runId));

    // What the table's Compare button runs with the selected runs.
    await vscode.commands.executeCommand('labbook.compareRuns', [...mine]);
    const compare = await eventually(api, 'the comparison of the table\'s runs', () => webviewTabs().find((t) => t.label.startsWith('Compare: table-')));
    for (const tab of webviewTabs().filter((t) => t.label.startsWith('Runs') || t === compare)) await vscode.window.tabGroups.close(tab);
  });

  it('archiving the selected runs (the table\'s Archive button) hides them from the default table', async function () {
    const api = await labbookApi();
    const root = path.join(workspaceDir(), 'labbook');
    new RunWriter(root, { project: 'table-archive', name: 'keep', params: { lr: 0.1 } }).series(0, 3, (s) => trainingCurve(s, 1)).finish();
    new RunWriter(root, { project: 'table-archive', name: 'archive-me', params: { lr: 0.2 } }).series(0, 3, (s) => trainingCurve(s, 2)).finish();
    const ids = await eventually(api, 'both runs in the tree', () => {
      const e = api.snapshot().experiments.find((x) => x.name === 'table-archive');
      return e?.runs.length === 2 && Object.fromEntries(e.runs.map((r) => [r.name, r.id]));
    });
    await vscode.commands.executeCommand('labbook.openRunsTable', 'table-archive');
    await eventually(api, 'the table showing both', () => api.runsTables?.().find((x) => x.experiment === 'table-archive')?.uids.length === 2);
    await vscode.commands.executeCommand('labbook.archiveRuns', [ids['archive-me']]);
    const left = await eventually(api, 'the archived run gone from the table', () => {
      const t = api.runsTables?.().find((x) => x.experiment === 'table-archive');
      return t && t.uids.length === 1 && t.uids;
    });
    assert.deepEqual([...left], [ids.keep]);
    for (const tab of webviewTabs().filter((t) => t.label.startsWith('Runs'))) await vscode.window.tabGroups.close(tab);
  });
});

