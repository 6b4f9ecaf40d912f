import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { repoRoot } from '../../support/paths';
import { eventually, labbookApi, workspaceDir } from './helpers';

describe('Other trackers: where and which, from the settings', function () {
  this.timeout(60_000);

  it('reads a TensorBoard log in a dot-folder once labbook.import.folders lists it, and hides it when TensorBoard is switched off', async function () {
    const api = await labbookApi();
    const hidden = path.join(workspaceDir(), '.experiments', 'lightning_logs');
    fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'trackers', 'tensorboard', 'lightning-lstm', 'lightning_logs'), hidden, { recursive: true });
    const config = vscode.workspace.getConfiguration('labbook.import');
    const hasRun = () => api.snapshot().experiments.some((e) => e.name === 'lightning_logs' && e.runs.some((r) => r.name === 'version_0'));
    try {
      await vscode.commands.executeCommand('labbook.refresh');
      await api.whenIdle();
      assert.equal(hasRun(), false, 'the workspace search skips dot-folders');

      await config.update('folders', ['.experiments', '../outside'], vscode.ConfigurationTarget.Workspace);
      const run = await eventually(api, 'the TensorBoard run from .experiments', () => api.snapshot().experiments.find((e) => e.name === 'lightning_logs')?.runs[0]);
      assert.equal(run.pointCount > 7000, true, `${run.pointCount} points`);

      await config.update('sources', { tensorboard: false }, vscode.ConfigurationTarget.Workspace);
      await eventually(api, 'the TensorBoard run gone', () => !hasRun());
    } finally {
      await config.update('folders', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('sources', undefined, vscode.ConfigurationTarget.Workspace);
      fs.rmSync(path.join(workspaceDir(), '.experiments'), { recursive: true, force: true });
    }
  });
});
