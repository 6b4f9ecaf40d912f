import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, eventually, labbookApi, webviewTabs, workspaceDir } from './helpers';

/** Runs Python with the extension's SDK on PYTHONPATH and the workspace's log root; returns stdout. */
function python(source: string, args: string[] = []): string {
  const sdk = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'sdk', 'python');
  const ws = workspaceDir();
  const r = spawnSync('python3', ['-c', source, ...args], { cwd: ws, encoding: 'utf8', env: { ...process.env, PYTHONPATH: sdk, LABBOOK_DIR: path.join(ws, 'labbook') } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function sweepOf(experiment: string, id: string) {
  return (snap: ReturnType<Awaited<ReturnType<typeof labbookApi>>['snapshot']>) => snap.experiments.find((e) => e.name === experiment)?.sweeps?.find((s) => s.id === id);
}

describe('Sweeps in VS Code', function () {
  this.timeout(90_000);

  it('shows a sweep made by the Python SDK under its experiment with its progress, best value and trials', async () => {
    const api = await labbookApi();
    const id = python(`
import labbook
s = labbook.create_sweep(experiment="sweep-itest", strategy="grid", parameters={"lr": {"values": [0.1, 0.01, 0.001]}, "opt": {"values": ["sgd", "adam"]}},
                         objective="acc", goal="maximize", max_trials=6)
for value in (0.5, 0.8):
    t = s.suggest()
    t.complete({"acc": value})
print(s.id)`);
    const sweep = await eventually(api, 'the sweep under its experiment', () => {
      const s = sweepOf('sweep-itest', id)(api.snapshot());
      return s?.trials.length === 2 ? s : undefined;
    });
    assert.equal(sweep.description, 'grid · 2 / 6 · best 0.8');
    assert.deepEqual(sweep.trials.map((t) => [t.number, t.status]), [[0, 'completed'], [1, 'completed']]);

    // A third trial completing elsewhere updates the row live.
    python('import labbook, sys\ns = labbook.get_sweep(sys.argv[1])\nt = s.suggest()\nt.complete({"acc": 0.9})', [id]);
    await eventually(api, 'the third trial in the tree', () => sweepOf('sweep-itest', id)(api.snapshot())?.description === 'grid · 3 / 6 · best 0.9');

    // Stop writes the documented record; the SDK sees the sweep stopped and suggests nothing.
    assert.equal(await vscode.commands.executeCommand('labbook.stopSweep', id), true);
    const log = fs.readFileSync(path.join(workspaceDir(), 'labbook', '_sweeps', id, 'trials.jsonl'), 'utf8').trim().split('\n');
    const stop = JSON.parse(log[log.length - 1]);
    assert.equal(stop.t, 'stop');
    assert.equal(typeof stop.time, 'number');
    assert.equal(python('import labbook, sys\ns = labbook.get_sweep(sys.argv[1])\nprint(s.stopped, s.suggest())', [id]), 'True None');
    await eventually(api, 'the sweep shown stopped', () => sweepOf('sweep-itest', id)(api.snapshot())?.description.endsWith('stopped'));
    assert.ok(api.notifications().some((n) => n.text.includes('stopped: its agents finish their current trial')));

    assert.equal(await vscode.commands.executeCommand('labbook.resumeSweep', id), true);
    assert.equal(python('import labbook, sys\nprint(labbook.get_sweep(sys.argv[1]).stopped)', [id]), 'False');
    await eventually(api, 'the sweep shown resumed', () => !sweepOf('sweep-itest', id)(api.snapshot())?.description.includes('stopped'));

    await vscode.commands.executeCommand('labbook.openSweep', id);
    await eventually(api, 'the sweep panel', () => webviewTabs().some((t) => t.label.startsWith('Sweep: ')));
  });

  it('Create Sweep writes a sweep file for an experiment and script and creates the sweep with the SDK', async () => {
    const api = await labbookApi();
    const ws = workspaceDir();
    fs.writeFileSync(path.join(ws, 'sweep_train.py'), 'import labbook\nlabbook.init(project="sweep-create")\nlabbook.log({"val/loss": labbook.config["lr"]})\nlabbook.finish()\n');
    const id = await vscode.commands.executeCommand<string | undefined>('labbook.createSweep', { experiment: 'sweep-create', script: 'sweep_train.py', metric: 'val/loss', goal: 'minimize', create: true });
    assert.ok(id, `no sweep created: ${JSON.stringify(api.notifications().slice(-2))}`);
    const file = JSON.parse(fs.readFileSync(path.join(ws, 'labbook-sweep-sweep-create.json'), 'utf8'));
    assert.deepEqual(file.objective, { metric: 'val/loss', goal: 'minimize' });
    assert.equal(file.command[1], 'sweep_train.py');
    const sweep = await eventually(api, 'the created sweep in the tree', () => sweepOf('sweep-create', id)(api.snapshot()));
    assert.equal(sweep.description, 'bayesian · 0 / 20');
  });

  it('lists a trial\'s run under its sweep only, not again in the experiment\'s runs', async () => {
    const api = await labbookApi();
    const id = python(`
import labbook
s = labbook.create_sweep(experiment="sweep-once", strategy="grid", parameters={"lr": {"values": [0.1, 0.01]}}, objective="acc", goal="maximize", max_trials=2)
t = s.suggest()
run = labbook.init(project="sweep-once", name="trial-run", config=t.params, tags=["sweep:%s" % s.id, "trial:%d" % t.number])
run.log({"acc": 0.7})
run.finish()
t.set_run(run.id)
t.complete({"acc": 0.7})
plain = labbook.init(project="sweep-once", name="plain-run")
plain.finish()
print(s.id)`);
    const exp = await eventually(api, 'the trial run and the plain run indexed', () => {
      const e = api.snapshot().experiments.find((x) => x.name === 'sweep-once');
      return e?.description?.startsWith('2 runs') && e.sweeps?.[0]?.trials[0]?.runId ? e : undefined;
    });
    assert.deepEqual(exp.runs.map((r) => r.name), ['plain-run']);
    const trialRun = exp.sweeps!.find((s) => s.id === id)!.trials[0].runId;
    assert.ok(trialRun && !exp.runs.some((r) => r.id === trialRun));
  });
});

