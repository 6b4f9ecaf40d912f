import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RunWriter, trainingCurve } from '../../support/runWriter';
import { eventually, labbookApi, workspaceDir } from './helpers';

describe('Editing runs: written to files, shown in the tree', function () {
  this.timeout(60_000);

  it('renames, retags, archives and unarchives a run through its edits file', async function () {
    const api = await labbookApi();
    const w = new RunWriter(path.join(workspaceDir(), 'labbook'), { project: 'itest-edits', name: 'to-rename' });
    w.series(0, 3, (s) => trainingCurve(s, 4)).finish();
    await eventually(api, 'the run in the tree', () => api.snapshot().experiments.find((e) => e.name === 'itest-edits'));
    const editsFile = path.join(workspaceDir(), 'labbook', fs.readdirSync(path.join(workspaceDir(), 'labbook')).find((d) => fs.existsSync(path.join(workspaceDir(), 'labbook', d, 'events.jsonl')) && fs.readFileSync(path.join(workspaceDir(), 'labbook', d, 'events.jsonl'), 'utf8').includes(w.runId))!, 'labbook.edits.jsonl');

    await vscode.commands.executeCommand('labbook.renameRun', w.runId, 'renamed-run');
    await eventually(api, 'the new name', () => api.snapshot().experiments.find((e) => e.name === 'itest-edits')?.runs[0].name === 'renamed-run');
    assert.match(fs.readFileSync(editsFile, 'utf8'), /"t":"set","name":"renamed-run"/);

    await vscode.commands.executeCommand('labbook.editTags', w.runId, ['best', 'keep']);
    assert.match(fs.readFileSync(editsFile, 'utf8'), /"t":"tags","tags":\["best","keep"\]/);

    await vscode.commands.executeCommand('labbook.archiveRun', w.runId);
    await eventually(api, 'the archived run hidden', () => !api.snapshot().experiments.some((e) => e.name === 'itest-edits'));
    await vscode.commands.executeCommand('labbook.toggleArchived');
    await eventually(api, 'archived runs shown', () => api.snapshot().experiments.some((e) => e.name === 'itest-edits'));
    await vscode.commands.executeCommand('labbook.toggleArchived');
    await vscode.commands.executeCommand('labbook.unarchiveRun', w.runId);
    await eventually(api, 'the run back', () => api.snapshot().experiments.some((e) => e.name === 'itest-edits'));

    // The index is only a cache: after a rebuild the edits are still there, read from the file.
    await vscode.commands.executeCommand('labbook.rebuildIndex');
    await eventually(api, 'the new name after a rebuild', () => api.snapshot().experiments.find((e) => e.name === 'itest-edits')?.runs[0].name === 'renamed-run');
  });
});
