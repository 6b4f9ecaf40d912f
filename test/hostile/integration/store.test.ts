// The extension host activates over a workspace whose index file is larger than 2 GiB (seeded by
// the integration host before VS Code starts): the tree, its runs and the Rebuild command are there,
// and the giant file was set aside instead of read.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SEED } from '../../integration/workspace';
import { eventually, findRun, labbookApi, workspaceDir } from '../../integration/suite/helpers';

describe('hostile (extension host): the index file', function () {
  this.timeout(60_000);

  it('activates over an index file larger than 2 GiB: runs shown, Rebuild available, the file set aside', async function () {
    const api = await labbookApi();
    await eventually(api, `seed run ${SEED.runId}`, () => findRun(api.snapshot(), SEED.project, SEED.runId));
    assert.ok((await vscode.commands.getCommands(true)).includes('labbook.rebuildIndex'));
    const dir = path.join(workspaceDir(), '.labbook');
    const aside = fs.readdirSync(dir).filter((n) => n.startsWith('index.sqlite.corrupt-'));
    assert.ok(aside.length >= 1 && aside.length <= 2, `set aside: ${aside.join(', ')}`);
    await eventually(api, 'a small index saved in its place', () => {
      const file = path.join(dir, 'index.sqlite');
      return fs.existsSync(file) && fs.statSync(file).size < 100e6 && fs.existsSync(`${file}.sum`);
    });
  });
});
