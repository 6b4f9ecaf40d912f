import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RunWriter, trainingCurve } from '../../support/runWriter';
import { SEED } from '../workspace';
import { eventually, labbookApi, webviewTabs, workspaceDir } from './helpers';

describe('Comparing runs', function () {
  this.timeout(60_000);

  it('labbook.compareRuns opens one comparison tab per set of runs, and asks for two when given one', async function () {
    const api = await labbookApi();
    const other = new RunWriter(path.join(workspaceDir(), 'labbook'), { project: SEED.project, name: 'to-compare', params: { lr: 0.1, optimizer: 'sgd' } });
    other.series(0, 10, (s) => trainingCurve(s, 2)).finish();
    await eventually(api, 'the second run', () => api.snapshot().experiments.find((e) => e.name === SEED.project)?.runs.some((r) => r.name === 'to-compare'));

    await vscode.commands.executeCommand('labbook.compareRuns', [SEED.runId, other.runId]);
    const title = `Compare: ${SEED.name}, to-compare`;
    const tab = await eventually(api, `a tab "${title}"`, () => webviewTabs().find((t) => t.label === title));
    assert.ok(tab.input instanceof vscode.TabInputWebview);

    // The same runs in another order: the same tab, not a second one.
    await vscode.commands.executeCommand('labbook.compareRuns', [other.runId, SEED.runId]);
    assert.equal(webviewTabs().filter((t) => t.label === title).length, 1);

    await vscode.commands.executeCommand('labbook.compareRuns', [SEED.runId]);
    assert.equal(webviewTabs().filter((t) => t.label.startsWith('Compare:')).length, 1, 'one run is not compared');
    await vscode.window.tabGroups.close(tab);
  });
});
