import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RunWriter } from '../../support/runWriter';
import { eventually, labbookApi, workspaceDir } from './helpers';

const logRoot = () => path.join(workspaceDir(), 'labbook');
const experiment = (api: Awaited<ReturnType<typeof labbookApi>>, name: string) => api.snapshot().experiments.find((e) => e.name === name);

describe('Sidebar: grouping runs by a tag or a param', function () {
  this.timeout(90_000);

  it('groups by a param and by a tag key, "(none)" last, with the filter, and back to no groups', async () => {
    const api = await labbookApi();
    const a = new RunWriter(logRoot(), { project: 'itest-group', name: 'g-a', tags: ['model:resnet'], params: { lr: 0.1 } }).finish();
    const b = new RunWriter(logRoot(), { project: 'itest-group', name: 'g-b', tags: ['model:vit'], params: { lr: 0.01 } }).finish();
    const c = new RunWriter(logRoot(), { project: 'itest-group', name: 'g-c', params: { lr: 0.1 } }).finish();
    const d = new RunWriter(logRoot(), { project: 'itest-group', name: 'g-d' }).finish();
    await eventually(api, 'four runs', () => experiment(api, 'itest-group')?.runs.length === 4);
    const groups = () => experiment(api, 'itest-group')?.groups?.map((g) => `${g.label}:${g.count}:${[...g.runs].sort().join('+')}`).join(' | ');
    const ids = (...w: RunWriter[]) => w.map((x) => x.runId).sort().join('+');
    try {
      await vscode.commands.executeCommand('labbook.groupRuns', 'param', 'lr');
      await eventually(api, 'groups by lr', () => groups() === `0.01:1:${ids(b)} | 0.1:2:${ids(a, c)} | (none):1:${ids(d)}`);
      await vscode.commands.executeCommand('labbook.groupRuns', 'tag', 'model');
      await eventually(api, 'groups by the model tag', () => groups() === `resnet:1:${ids(a)} | vit:1:${ids(b)} | (none):2:${ids(c, d)}`);
      await vscode.commands.executeCommand('labbook.filterRuns', 'g-a');
      await eventually(api, 'only the filtered run, in its group', () => groups() === `resnet:1:${ids(a)}`);
    } finally {
      await vscode.commands.executeCommand('labbook.clearFilter');
      await vscode.commands.executeCommand('labbook.groupRuns', 'none');
    }
    await eventually(api, 'no groups again', () => experiment(api, 'itest-group')?.groups === undefined && experiment(api, 'itest-group')?.runs.length === 4);
    for (const w of [a, b, c, d]) fs.rmSync(w.dir, { recursive: true, force: true });
    await vscode.commands.executeCommand('labbook.refresh');
    await eventually(api, 'the group runs gone', () => !experiment(api, 'itest-group'));
  });
});

describe('Sidebar: the Trash row', function () {
  this.timeout(90_000);

  it('lists a deleted run, restores it, and deletes another permanently; the row goes when the trash is empty', async () => {
    const api = await labbookApi();
    const trashed = () => (api.snapshot().trash ?? []).filter((t) => t.experiment === 'itest-trashrow').map((t) => t.id).sort().join();
    const a = new RunWriter(logRoot(), { project: 'itest-trashrow', name: 'back' }).finish();
    const b = new RunWriter(logRoot(), { project: 'itest-trashrow', name: 'gone' }).finish();
    await eventually(api, 'both runs', () => experiment(api, 'itest-trashrow')?.runs.length === 2);
    await vscode.commands.executeCommand('labbook.deleteRuns', [a.runId, b.runId], undefined, { confirmed: true });
    await eventually(api, 'both in the Trash row', () => trashed() === [a.runId, b.runId].sort().join());
    await vscode.commands.executeCommand('labbook.restoreFromTrash', [a.runId]);
    await eventually(api, 'one back in the tree, one in the trash', () => experiment(api, 'itest-trashrow')?.runs.length === 1 && trashed() === b.runId);
    const entry = api.snapshot().trash!.find((t) => t.id === b.runId)!.entry;
    await vscode.commands.executeCommand('labbook.deleteFromTrash', [b.runId], undefined, { confirmed: true });
    await eventually(api, 'the trash empty', () => trashed() === '');
    assert.ok(!fs.existsSync(path.join(logRoot(), '_trash', entry)), 'the entry is erased');
    assert.ok(fs.existsSync(a.file), 'the restored run is untouched');
    fs.rmSync(a.dir, { recursive: true, force: true });
    await vscode.commands.executeCommand('labbook.refresh');
  });
});

describe('Sidebar: notes in an editor tab', function () {
  this.timeout(90_000);

  it('opens an experiment\'s and a run\'s note as Markdown, and saving writes them next to the runs', async () => {
    const api = await labbookApi();
    const w = new RunWriter(logRoot(), { project: 'itest-notes', name: 'noted' }).finish();
    await eventually(api, 'the run', () => experiment(api, 'itest-notes')?.runs.length === 1);
    await vscode.commands.executeCommand('labbook.editExperimentNote', 'itest-notes');
    let editor = await waitForEditor('itest-notes (note).md');
    assert.equal(editor.document.languageId, 'markdown');
    assert.ok(await editor.edit((e) => e.insert(new vscode.Position(0, 0), '# Plan\n\n- try <b>a</b> lower lr\n')), 'the note document takes the edit');
    await saved(editor.document);
    const files = fs.readdirSync(path.join(logRoot(), '_experiments')).map((f) => fs.readFileSync(path.join(logRoot(), '_experiments', f), 'utf8'));
    assert.ok(files.some((t) => t.includes('"name": "itest-notes"') && t.includes('# Plan\\n\\n- try <b>a</b> lower lr')), 'the experiment file holds the note');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    await vscode.commands.executeCommand('labbook.editRunNoteDocument', [w.runId]);
    editor = await waitForEditor('noted (note).md');
    assert.ok(await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'line one\nline two')));
    await saved(editor.document);
    assert.match(fs.readFileSync(path.join(w.dir, 'labbook.edits.jsonl'), 'utf8'), /"t":"note","text":"line one\\nline two"/);
    await eventually(api, 'the index holds the note', () => api.snapshot().experiments.some((e) => e.name === 'itest-notes'));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    fs.rmSync(w.dir, { recursive: true, force: true });
    await vscode.commands.executeCommand('labbook.refresh');
  });
});

async function waitForEditor(tab: string): Promise<vscode.TextEditor> {
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    const editor = vscode.window.activeTextEditor;
    if (editor && editor.document.uri.scheme === 'labbook-note' && path.posix.basename(editor.document.uri.path) === tab) return editor;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no editor for ${tab}; active: ${vscode.window.activeTextEditor?.document.uri.toString()}`);
}

/** Saves a document; when the editor does not, writes it through the file system to show why. */
async function saved(doc: vscode.TextDocument): Promise<void> {
  assert.ok(doc.isDirty, 'the edit made the document dirty');
  if (await doc.save()) return;
  try {
    await vscode.workspace.fs.writeFile(doc.uri, Buffer.from(doc.getText(), 'utf8'));
  } catch (e) {
    assert.fail(`the note document did not save: ${(e as Error).message}`);
  }
  assert.fail('the note document did not save, though writing it through the file system works');
}
