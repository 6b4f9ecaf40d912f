import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { RunWriter, trainingCurve } from '../../support/runWriter';
import { eventually, findRun, labbookApi, workspaceDir } from './helpers';

const logRoot = () => path.join(workspaceDir(), 'labbook');
const experiment = (api: Awaited<ReturnType<typeof labbookApi>>, name: string) => api.snapshot().experiments.find((e) => e.name === name);

describe('Sidebar: organising runs (every change written to files)', function () {
  this.timeout(90_000);

  it('deletes runs to the trash and restores them', async () => {
    const api = await labbookApi();
    const a = new RunWriter(logRoot(), { project: 'itest-trash', name: 'doomed' }).series(0, 3, (s) => trainingCurve(s, 3)).finish();
    const b = new RunWriter(logRoot(), { project: 'itest-trash', name: 'kept' }).finish();
    await eventually(api, 'both runs', () => experiment(api, 'itest-trash')?.runs.length === 2);
    await vscode.commands.executeCommand('labbook.deleteRuns', [a.runId], undefined, { confirmed: true });
    await eventually(api, 'the deleted run gone', () => experiment(api, 'itest-trash')?.runs.map((r) => r.id).join() === b.runId);
    assert.ok(!fs.existsSync(a.dir), 'the run folder left its place');
    const entries = fs.readdirSync(path.join(logRoot(), '_trash'));
    const entry = entries.find((e) => fs.readFileSync(path.join(logRoot(), '_trash', e, 'trash.json'), 'utf8').includes(a.runId));
    assert.ok(entry && fs.existsSync(path.join(logRoot(), '_trash', entry, 'run', 'events.jsonl')), 'the run is whole in the trash');
    // The index is a cache: a rebuild does not bring a trashed run back.
    await vscode.commands.executeCommand('labbook.rebuildIndex');
    await api.whenIdle();
    assert.equal(findRun(api.snapshot(), 'itest-trash', a.runId), undefined);
    await vscode.commands.executeCommand('labbook.restoreFromTrash', [a.runId]);
    await eventually(api, 'the run back', () => (findRun(api.snapshot(), 'itest-trash', a.runId)?.pointCount ?? 0) > 0);
    assert.ok(fs.existsSync(a.file));
  });

  it('archives, stars, tags and moves a multi-selection, and keeps it all after an index rebuild', async () => {
    const api = await labbookApi();
    const runs = [1, 2, 3].map((i) => new RunWriter(logRoot(), { project: 'itest-bulk', name: `bulk-${i}` }).finish());
    const ids = runs.map((r) => r.runId);
    await eventually(api, 'three runs', () => experiment(api, 'itest-bulk')?.runs.length === 3);
    await vscode.commands.executeCommand('labbook.starRuns', [ids[0]]);
    await vscode.commands.executeCommand('labbook.tagRuns', ids.slice(0, 2), undefined, ['sweep-a', 'best']);
    await eventually(api, 'star and tags in the rows', () => {
      const rows = experiment(api, 'itest-bulk')?.runs ?? [];
      const first = rows.find((r) => r.id === ids[0]);
      return rows[0]?.id === ids[0] && /^★/.test(first?.description ?? '') && /\[sweep-a\] \[best\]/.test(first?.description ?? '');
    });
    await vscode.commands.executeCommand('labbook.archiveRuns', [ids[2]]);
    await eventually(api, 'the archived run hidden', () => experiment(api, 'itest-bulk')?.runs.length === 2);
    await vscode.commands.executeCommand('labbook.moveRuns', ids.slice(0, 2), undefined, 'itest-bulk-moved');
    await eventually(api, 'the runs in their new experiment', () => experiment(api, 'itest-bulk-moved')?.runs.length === 2 && !experiment(api, 'itest-bulk'));
    assert.match(fs.readFileSync(path.join(runs[0].dir, 'labbook.edits.jsonl'), 'utf8'), /"t":"move","experiment":"itest-bulk-moved"/);
    await vscode.commands.executeCommand('labbook.rebuildIndex');
    await eventually(api, 'everything after a rebuild', () => experiment(api, 'itest-bulk-moved')?.runs.length === 2 && /^★/.test(experiment(api, 'itest-bulk-moved')?.runs[0].description ?? ''));
    await vscode.commands.executeCommand('labbook.unarchiveRuns', [ids[2]]);
    await eventually(api, 'the archived run back', () => experiment(api, 'itest-bulk')?.runs.length === 1);
  });

  it('creates, describes, renames and archives experiments, and shows one the SDK created', async () => {
    const api = await labbookApi();
    await vscode.commands.executeCommand('labbook.createExperiment', 'itest-created', 'a new idea');
    await eventually(api, 'the new experiment, without runs', () => experiment(api, 'itest-created')?.description === '0 runs · a new idea');
    await vscode.commands.executeCommand('labbook.describeExperiment', 'itest-created', 'a better idea');
    await eventually(api, 'its new description', () => experiment(api, 'itest-created')?.description === '0 runs · a better idea');
    const run = new RunWriter(logRoot(), { project: 'itest-created', name: 'first' }).finish();
    await eventually(api, 'its run', () => experiment(api, 'itest-created')?.runs.length === 1);
    await vscode.commands.executeCommand('labbook.renameExperiment', 'itest-created', 'itest-renamed');
    await eventually(api, 'the renamed experiment with its run and description', () =>
      experiment(api, 'itest-renamed')?.runs[0]?.id === run.runId && experiment(api, 'itest-renamed')?.description === '1 run · a better idea' && !experiment(api, 'itest-created'));
    await vscode.commands.executeCommand('labbook.archiveExperiment', 'itest-renamed');
    await eventually(api, 'the archived experiment hidden', () => !experiment(api, 'itest-renamed'));
    await vscode.commands.executeCommand('labbook.toggleArchived');
    await eventually(api, 'shown with archived ones', () => /^archived · /.test(experiment(api, 'itest-renamed')?.description ?? ''));
    await vscode.commands.executeCommand('labbook.toggleArchived');
    await vscode.commands.executeCommand('labbook.unarchiveExperiment', 'itest-renamed');
    await eventually(api, 'back', () => !!experiment(api, 'itest-renamed'));

    // As labbook.Client().create_experiment("itest-sdk", "from the SDK", ["team:x"]) writes it.
    const dir = path.join(logRoot(), '_experiments');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'exp-0123456789ab.json'), JSON.stringify({ format: 'labbook-experiment', version: 1, id: 'exp-0123456789ab', name: 'itest-sdk', description: 'from the SDK', tags: ['team:x'], created: Date.now() / 1000 }, null, 1));
    await eventually(api, 'the SDK experiment with its description', () => experiment(api, 'itest-sdk')?.description === '0 runs · from the SDK');
  });

  it('filters the view (quick filters and queries), sorts it, and clears the filter', async () => {
    const api = await labbookApi();
    const fast = new RunWriter(logRoot(), { project: 'itest-find', name: 'fast', tags: ['itest-find-keep'] }).metrics(0, { 'itest/acc': 0.9 }).finish();
    const slow = new RunWriter(logRoot(), { project: 'itest-find', name: 'slow' }).metrics(0, { 'itest/acc': 0.4 }).finish();
    await eventually(api, 'both', () => experiment(api, 'itest-find')?.runs.length === 2);
    const shown = () => api.snapshot().experiments.flatMap((e) => e.runs).map((r) => r.id).join();
    try {
      await vscode.commands.executeCommand('labbook.filterRuns', 'tag:itest-find-keep');
      await eventually(api, 'only the tagged run', () => shown() === fast.runId);
      await vscode.commands.executeCommand('labbook.filterRuns', 'metrics.`itest/acc` < 0.5');
      await eventually(api, 'only the slow run', () => shown() === slow.runId);
    } finally {
      await vscode.commands.executeCommand('labbook.clearFilter');
    }
    await eventually(api, 'everything again', () => experiment(api, 'itest-find')?.runs.length === 2 && api.snapshot().experiments.length > 1);
    await vscode.commands.executeCommand('labbook.sortRuns', 'metric', true, 'itest/acc');
    await eventually(api, 'the best run first', () => experiment(api, 'itest-find')?.runs[0].id === fast.runId);
    await vscode.commands.executeCommand('labbook.sortRuns', 'metric', false, 'itest/acc');
    await eventually(api, 'the worst run first', () => experiment(api, 'itest-find')?.runs[0].id === slow.runId);
    await vscode.commands.executeCommand('labbook.sortRuns', 'default');
  });
});

describe('Sidebar: an experiment with many runs', function () {
  this.timeout(90_000);

  it('shows its runs a page at a time, saying how many more there are', async () => {
    const api = await labbookApi();
    const writers = Array.from({ length: 205 }, (_, i) => new RunWriter(logRoot(), { project: 'itest-pages', name: `p-${i}` }).finish());
    await eventually(api, 'the first page and the rest counted', () => experiment(api, 'itest-pages')?.runs.length === 200 && experiment(api, 'itest-pages')?.more === 5, 60_000);
    assert.match(experiment(api, 'itest-pages')?.description ?? '', /^205 runs/);
    // A filter that leaves fewer runs needs no second page.
    try {
      await vscode.commands.executeCommand('labbook.filterRuns', 'p-19');
      await eventually(api, 'the filtered runs on one page', () => experiment(api, 'itest-pages')?.more === 0 && (experiment(api, 'itest-pages')?.runs.length ?? 0) > 0);
    } finally {
      await vscode.commands.executeCommand('labbook.clearFilter');
    }
    // The tests after this one share the workspace: the 205 runs go.
    for (const w of writers) fs.rmSync(w.dir, { recursive: true, force: true });
    await vscode.commands.executeCommand('labbook.refresh');
    await eventually(api, 'the many runs gone', () => !experiment(api, 'itest-pages'));
  });
});

describe('Sidebar: stopping and rerunning a run', function () {
  this.timeout(90_000);
  const children: ChildProcess[] = [];
  after(() => children.forEach((c) => c.kill('SIGKILL')));

  /** A training process stand-in that writes its run (host and pid in the header) and heartbeats; `onTerm` is its SIGTERM handler. */
  function training(project: string, runId: string, onTerm: string): ChildProcess {
    const folder = path.join(logRoot(), `run-${runId}`);
    const script = `
      const fs = require('fs');
      const file = ${JSON.stringify(path.join(folder, 'events.jsonl'))};
      fs.mkdirSync(${JSON.stringify(folder)}, { recursive: true });
      const w = (r) => fs.appendFileSync(file, JSON.stringify({ time: Date.now() / 1000, ...r }) + '\\n');
      w({ t: 'header', format: 'labbook-run', version: 1, run_id: ${JSON.stringify(runId)}, project: ${JSON.stringify(project)}, name: 'train', host: require('os').hostname(), pid: process.pid });
      w({ t: 'env', values: { command: 'python train.py --lr 0.1', cwd: process.cwd() } });
      setInterval(() => w({ t: 'heartbeat' }), 1000);
      process.on('SIGTERM', () => { ${onTerm} });`;
    const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore', cwd: workspaceDir() });
    children.push(child);
    return child;
  }

  it('stops a running run with SIGTERM; the run ends as killed, written as an edit when the process could not', async () => {
    const api = await labbookApi();
    const child = training('itest-stop', 'stopme1', 'process.exit(0)');
    const exited = new Promise((r) => child.on('exit', r));
    await eventually(api, 'the running run', () => findRun(api.snapshot(), 'itest-stop', 'stopme1')?.status === 'running');
    await vscode.commands.executeCommand('labbook.stopRun', 'stopme1', { confirmed: true, graceMs: 5000 });
    await exited;
    await eventually(api, 'the run killed', () => findRun(api.snapshot(), 'itest-stop', 'stopme1')?.status === 'killed');
    assert.match(fs.readFileSync(path.join(logRoot(), 'run-stopme1', 'labbook.edits.jsonl'), 'utf8'), /"t":"end","status":"killed","message":"Killed: manually terminated"/);
  });

  it('kills a process that ignores SIGTERM only when told to (SIGKILL after the grace period)', async () => {
    const api = await labbookApi();
    const child = training('itest-stop', 'stubborn1', '/* ignored */');
    const exited = new Promise((r) => child.on('exit', (_code, signal) => r(signal)));
    await eventually(api, 'the running run', () => findRun(api.snapshot(), 'itest-stop', 'stubborn1')?.status === 'running');
    await vscode.commands.executeCommand('labbook.stopRun', 'stubborn1', { confirmed: true, graceMs: 1500, force: false });
    assert.equal(child.exitCode, null, 'still alive without force');
    await vscode.commands.executeCommand('labbook.stopRun', 'stubborn1', { confirmed: true, graceMs: 1500, force: true });
    assert.equal(await exited, 'SIGKILL');
    await eventually(api, 'the run killed', () => findRun(api.snapshot(), 'itest-stop', 'stubborn1')?.status === 'killed');
  });

  it('does not signal a run whose header names another machine, and says why', async () => {
    const api = await labbookApi();
    const w = new RunWriter(logRoot(), { project: 'itest-stop', name: 'remote' });
    w.record({ t: 'status', status: 'running', resumed: true, host: 'some-other-host', pid: process.pid }).heartbeat();
    await eventually(api, 'the remote run', () => findRun(api.snapshot(), 'itest-stop', w.runId)?.status === 'running');
    await vscode.commands.executeCommand('labbook.stopRun', w.runId, { confirmed: true });
    assert.ok(api.notifications().some((n) => n.text.includes('cannot be stopped from here') && n.text.includes('not on this machine')));
    w.finish();
  });

  it('opens a terminal with the recorded command, typed but not run', async () => {
    const api = await labbookApi();
    const w = new RunWriter(logRoot(), { project: 'itest-rerun', name: 'again' });
    w.record({ t: 'env', values: { command: 'python train.py --lr 0.1', argv: ['train.py', '--lr', '0.1'], cwd: workspaceDir() } }).finish();
    await eventually(api, 'the run', () => !!findRun(api.snapshot(), 'itest-rerun', w.runId));
    const before = vscode.window.terminals.length;
    await vscode.commands.executeCommand('labbook.rerunRun', w.runId);
    await eventually(api, 'a terminal', () => vscode.window.terminals.length === before + 1);
    const terminal = vscode.window.terminals.find((t) => t.name === 'Rerun: again');
    assert.ok(terminal, 'the rerun terminal');
    assert.equal(String((terminal.creationOptions as vscode.TerminalOptions).cwd), workspaceDir());
    terminal.dispose();
  });
});
