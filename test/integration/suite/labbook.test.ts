import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LabbookApi } from '../../../src/api';
import { RunWriter, trainingCurve } from '../../support/runWriter';
import { SEED } from '../workspace';
import { eventually, findRun, labbookApi, normalize, webviewTabs, workspaceDir } from './helpers';

describe('Labbook in the extension host', function () {
  this.timeout(60_000);
  let api: LabbookApi;
  let logRoot: string;
  let live: RunWriter;

  before(async function () {
    api = await labbookApi();
    logRoot = path.join(workspaceDir(), 'labbook');
  });

  after(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('activates and exposes whenIdle() and snapshot()', async function () {
    await api.whenIdle();
    const snap = api.snapshot();
    assert.ok(Array.isArray(snap.experiments), 'snapshot().experiments is not an array');
  });

  it('registers the labbook commands', async function () {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['labbook.refresh', 'labbook.openRun', 'labbook.rebuildIndex']) {
      assert.ok(commands.includes(id), `command ${id} is not registered`);
    }
  });

  it('shows the run that was in the workspace at startup', async function () {
    const run = await eventually(api, `seed run ${SEED.runId} in project ${SEED.project}`, () => findRun(api.snapshot(), SEED.project, SEED.runId));
    assert.equal(run.name, SEED.name);
    assert.equal(run.status, 'finished');
    assert.ok(run.pointCount > 0, `pointCount is ${run.pointCount}`);
  });

  it('shows a run written while VS Code is open', async function () {
    live = new RunWriter(logRoot, { project: 'itest-live', name: 'live-run', params: { lr: 0.1 } });
    live.series(0, 10, (s) => trainingCurve(s, 2));
    const run = await eventually(api, 'the live run in the tree', () => findRun(api.snapshot(), 'itest-live', live.runId));
    assert.equal(run.name, 'live-run');
    assert.equal(run.status, 'running');
    assert.ok(run.pointCount > 0, `pointCount is ${run.pointCount}`);
  });

  it('picks up points appended to a running run', async function () {
    const before = findRun(api.snapshot(), 'itest-live', live.runId)!.pointCount;
    live.series(10, 15, (s) => trainingCurve(s, 2));
    const run = await eventually(api, `pointCount above ${before}`, () => {
      const r = findRun(api.snapshot(), 'itest-live', live.runId);
      return r && r.pointCount > before ? r : undefined;
    });
    assert.ok(run.pointCount > before);
  });

  it("changes a run's status to finished when its log says so", async function () {
    live.finish();
    await eventually(api, 'status finished', () => findRun(api.snapshot(), 'itest-live', live.runId)?.status === 'finished');
  });

  it('groups runs by project in the tree', async function () {
    const second = new RunWriter(logRoot, { project: 'itest-live', name: 'live-run-2' });
    second.series(0, 5, (s) => trainingCurve(s, 3)).finish();
    const exp = await eventually(api, 'two runs in itest-live', () => {
      const e = api.snapshot().experiments.find((x) => x.name === 'itest-live');
      return e && e.runs.length === 2 ? e : undefined;
    });
    assert.deepEqual(exp.runs.map((r) => r.name).sort(), ['live-run', 'live-run-2']);
  });

  it('labbook.refresh keeps the tree as it is', async function () {
    await api.whenIdle();
    const before = normalize(api.snapshot());
    await vscode.commands.executeCommand('labbook.refresh');
    await api.whenIdle();
    assert.deepEqual(normalize(api.snapshot()), before);
  });

  it('labbook.rebuildIndex rebuilds to the same snapshot', async function () {
    await api.whenIdle();
    const before = normalize(api.snapshot());
    assert.ok(before.experiments.length >= 2, 'expected the seeded and the live experiment');
    await vscode.commands.executeCommand('labbook.rebuildIndex');
    await eventually(api, 'snapshot equal to the one before the rebuild', () => {
      assert.deepEqual(normalize(api.snapshot()), before);
      return true;
    });
  });

  it('labbook.exportMetricsCsv writes the run\'s metrics as a CSV table', async function () {
    const file = path.join(os.tmpdir(), `labbook-export-${process.pid}.csv`);
    try {
      await vscode.commands.executeCommand('labbook.exportMetricsCsv', SEED.runId, file);
      const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
      assert.match(lines[0], /^step,/);
      assert.equal(lines.length, SEED.steps + 1, 'a header and a row per step');
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('labbook.openRun opens a webview tab titled with the run name', async function () {
    await vscode.commands.executeCommand('labbook.openRun', SEED.runId);
    const tab = await eventually(api, `a webview tab labelled ${SEED.name}`, () => webviewTabs().find((t) => t.label === SEED.name));
    assert.ok(tab.input instanceof vscode.TabInputWebview);
  });
});
