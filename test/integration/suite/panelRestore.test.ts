import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { SEED } from '../workspace';
import { eventually, labbookApi, webviewTabs } from './helpers';

// After a window reload VS Code hands each kept webview panel and the state its webview saved to
// the serializer of its view type; `restorePanel` does the same with a fresh panel.
describe('Panels after a window reload', function () {
  this.timeout(60_000);

  it('a run panel comes back showing its run, and opening that run shows it again rather than a second panel', async function () {
    const api = await labbookApi();
    await api.whenIdle();
    const folder = vscode.workspace.workspaceFolders![0].uri.toString();
    const panel = vscode.window.createWebviewPanel('labbook.run', 'Labbook', vscode.ViewColumn.Active, { enableScripts: true });
    let closed = false;
    panel.onDidDispose(() => { closed = true; });
    await api.restorePanel('labbook.run', panel, { labbookPanel: { folder, uid: SEED.runId } });
    assert.equal(closed, false, 'the restored panel was closed');
    // The title comes with the run's data, sent once the restored webview has loaded and said ready.
    await eventually(api, 'the restored panel titled by its run', () => panel.title === SEED.name);
    assert.match(panel.webview.html, /data-state="[^"]*seed0001/, 'the page carries the run it shows, for the next reload');

    await vscode.commands.executeCommand('labbook.openRun', SEED.runId);
    // The tab's label follows the panel's title a moment later (the window updates tabs on its own time).
    await eventually(api, 'a tab titled by the run', () => webviewTabs().some((t) => t.label === SEED.name));
    assert.equal(webviewTabs().filter((t) => t.label === SEED.name).length, 1, 'one panel for the run');
    assert.equal(closed, false, 'opening the run kept the restored panel');
    panel.dispose();
  });

  it('a panel whose saved state names no known run, or is not understood, is closed', async function () {
    const api = await labbookApi();
    await api.whenIdle();
    const folder = vscode.workspace.workspaceFolders![0].uri.toString();
    for (const state of [{ labbookPanel: { folder, uid: 'no-such-run' } }, { labbookPanel: { uid: 42 } }, undefined]) {
      const panel = vscode.window.createWebviewPanel('labbook.run', 'Labbook', vscode.ViewColumn.Active, { enableScripts: true });
      let closed = false;
      panel.onDidDispose(() => { closed = true; });
      await api.restorePanel('labbook.run', panel, state);
      assert.equal(closed, true, `kept a panel restored from ${JSON.stringify(state)}`);
    }
  });
});
