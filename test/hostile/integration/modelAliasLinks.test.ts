import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { eventually, labbookApi, workspaceDir } from '../../integration/suite/helpers';

const RECORD = JSON.stringify({ t: 'version', version: 1, run_id: 'r', run_path: 'r', path: 'r/artifacts/m.pt', time: 1 }) + '\n';

describe('Hostile workspaces: model registry files', function () {
  this.timeout(60_000);

  it('never appends an alias record through a versions.jsonl that is a link, inside or outside the workspace', async function () {
    const api = await labbookApi();
    const folder = path.join(workspaceDir(), 'labbook', '_models', 'linked-model');
    const file = path.join(folder, 'versions.jsonl');
    const inside = path.join(workspaceDir(), 'linked-model-target.jsonl');
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-outside-'));
    const victim = path.join(outside, 'victim.jsonl');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'model.json'), JSON.stringify({ format: 'labbook-model', version: 1, name: 'linked-model' }));
    fs.writeFileSync(inside, RECORD);
    fs.writeFileSync(victim, RECORD);
    const count = () => api.notifications().length;
    try {
      // A link that stays in the workspace is read, but never written through.
      fs.symlinkSync(inside, file);
      await eventually(api, 'the model in the view', async () => (await api.models()).some((m) => m.name === 'linked-model'));
      let before = count();
      await vscode.commands.executeCommand('labbook.setModelAlias', { model: 'linked-model', version: 1, alias: 'champion' });
      assert.equal(fs.readFileSync(inside, 'utf8'), RECORD, 'nothing was appended through the link');
      const refused = api.notifications().slice(before);
      assert.ok(refused.some((n) => n.level === 'error' && /could not set @champion on linked-model v1: .*versions\.jsonl is a link; Labbook writes nothing through it/.test(n.text)), JSON.stringify(refused));

      // A link leading out of the workspace is not even read: the model is not offered, nothing is written.
      fs.rmSync(file);
      fs.symlinkSync(victim, file);
      await eventually(api, 'the linked model gone from the view', async () => !(await api.models()).some((m) => m.name === 'linked-model'));
      before = count();
      await vscode.commands.executeCommand('labbook.setModelAlias', { model: 'linked-model', version: 1, alias: 'champion' });
      assert.equal(fs.readFileSync(victim, 'utf8'), RECORD, 'nothing was appended outside the workspace');
      assert.ok(api.notifications().slice(before).some((n) => n.level === 'warning' && /no Labbook model linked-model with a version 1/.test(n.text)));
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
      fs.rmSync(inside, { force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
