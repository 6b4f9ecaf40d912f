import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, eventually, labbookApi, webviewTabs, workspaceDir } from './helpers';

/** Runs Python with the extension's SDK, logging into the workspace's log root; returns what it printed. */
function python(source: string): string {
  const sdk = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'sdk', 'python');
  const ws = workspaceDir();
  return execFileSync('python3', ['-c', source], {
    cwd: ws,
    env: { ...process.env, PYTHONPATH: sdk, LABBOOK_DIR: path.join(ws, 'labbook'), LABBOOK_CAPTURE_ENV: '0', LABBOOK_CAPTURE_CONSOLE: '0', LABBOOK_CAPTURE_SYSTEM: '0' },
    encoding: 'utf8',
    timeout: 60_000,
  }).trim();
}

describe('Models view', function () {
  this.timeout(90_000);

  it('shows a model the SDK registered from the best of three runs, moves its alias, and the SDK loads by the moved alias', async () => {
    const api = await labbookApi();
    const ids = python(`
import os, labbook
for name, acc in [("m1", 0.7), ("m2", 0.9), ("m3", 0.8)]:
    run = labbook.init(project="models-itest", name=name)
    run.log({"val/acc": acc}, step=0)
    os.makedirs(os.path.join("models-itest-out", name), exist_ok=True)
    src = os.path.join("models-itest-out", name, "weights.pt")
    open(src, "w").write(name)
    run.log_artifact(src, artifact_path="model")
    run.finish()
best = labbook.best_run("models-itest", "val/acc")
labbook.register_model("itest-cnn", run=best, artifact_path="model/weights.pt", aliases=["champion"], description="best of three")
m3 = labbook.search_runs('name = "m3"', experiment="models-itest")[0]
labbook.register_model("itest-cnn", run=m3, artifact_path="model/weights.pt")
print(best.id, m3.id)
`).split(' ');

    const model = await eventually(api, 'the model in the Models view', async () => (await api.models()).find((m) => m.name === 'itest-cnn' && m.versions.length === 2));
    assert.equal(model.source, 'labbook');
    assert.deepEqual(model.versions.map((v) => [v.version, v.aliases, v.runUid]), [[1, ['champion'], ids[0]], [2, [], ids[1]]]);

    // Move the alias from v1 to v2 with the command (as the inline button does).
    await vscode.commands.executeCommand('labbook.setModelAlias', { model: 'itest-cnn', version: 2, alias: 'champion' });
    const moved = (await api.models()).find((m) => m.name === 'itest-cnn')!;
    assert.deepEqual(moved.versions.map((v) => [v.version, v.aliases]), [[1, []], [2, ['champion']]]);
    assert.ok(api.notifications().some((n) => n.level === 'info' && n.text.replace(/\u200b/g, '') === 'Labbook: @champion now points at itest-cnn v2 (moved from v1).'));
    const versions = fs.readFileSync(path.join(workspaceDir(), 'labbook', '_models', 'itest-cnn', 'versions.jsonl'), 'utf8').trim().split('\n');
    assert.deepEqual(JSON.parse(versions[versions.length - 1]), { ...JSON.parse(versions[versions.length - 1]), t: 'alias', alias: 'champion', version: 2 });
    assert.equal(python('import labbook; v = labbook.get_model("itest-cnn", alias="champion"); print(v.version, open(v.path).read())'), '2 m3');

    // A bad alias is refused with a message, and nothing is written.
    // (notifications are made plain: a zero-width space keeps '(' from forming a link)
    const before = fs.readFileSync(path.join(workspaceDir(), 'labbook', '_models', 'itest-cnn', 'versions.jsonl'), 'utf8');
    await vscode.commands.executeCommand('labbook.setModelAlias', { model: 'itest-cnn', version: 1, alias: 'latest' });
    assert.ok(api.notifications().some((n) => n.level === 'error' && /could not set @latest on itest-cnn v1: 'latest' is reserved/.test(n.text.replace(/\u200b/g, ''))));
    assert.equal(fs.readFileSync(path.join(workspaceDir(), 'labbook', '_models', 'itest-cnn', 'versions.jsonl'), 'utf8'), before);

    // Open the run of the champion: its run panel opens.
    await eventually(api, 'the run of v2 in the index', () => api.snapshot().experiments.find((e) => e.name === 'models-itest')?.runs.some((r) => r.id === ids[1]));
    await vscode.commands.executeCommand('labbook.openModelRun', { model: 'itest-cnn', version: 2 });
    await eventually(api, 'the run panel of m3', () => webviewTabs().some((t) => t.label.includes('m3')));

    // Show the Models view itself (for the screenshot of the e2e tier and to make sure it renders).
    await vscode.commands.executeCommand('labbook.models.focus');
  });
});
