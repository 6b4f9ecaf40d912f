// The sweep reader on sweeps made by the real Python SDK (a child `python3` with sdk/python on
// PYTHONPATH), read incrementally as agents append to them.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ProblemList } from '../../../src/core/problems';
import { SweepReader } from '../../../src/core/sweeps/sweepReader';
import { controlRecord } from '../../../src/core/sweeps/sweepState';
import { absSpearman, etaSquared, paramImportance, ranks } from '../../../src/core/sweeps/importance';
import { Indexer } from '../../../src/core/ingest/indexer';
import { Store } from '../../../src/core/store/store';
import { loadSql, tempDir } from '../support/helpers';

const SDK_PYTHON = path.join(process.cwd(), 'sdk', 'python');
const PYTHON = process.env.LABBOOK_TEST_PYTHON ?? 'python3';
const HAVE_PYTHON = spawnSync(PYTHON, ['-c', 'import sys; assert sys.version_info >= (3, 8)']).status === 0;

function python(root: string, source: string, args: string[] = []): string {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('LABBOOK_')) env[k] = v;
  const r = spawnSync(PYTHON, ['-c', source, ...args], { cwd: root, encoding: 'utf8', env: { ...env, PYTHONPATH: SDK_PYTHON, LABBOOK_DIR: path.join(root, 'labbook'), PYTHONDONTWRITEBYTECODE: '1' }, timeout: 120_000 });
  assert.strictEqual(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const TRAIN = `
import labbook
run = labbook.init(project="mnist")
acc = 1 - abs(labbook.config["lr"] - 0.01) * 10 + (0.05 if labbook.config["opt"] == "adam" else 0)
labbook.log({"val/acc": acc})
labbook.finish()
`;

describe('sweeps: reading sweep folders written by the Python SDK', function () {
  this.timeout(120_000);
  before(function () {
    if (!HAVE_PYTHON) this.skip();
  });

  it('summarises a grid sweep run by the command-line agent: progress, best, trials and their runs', async () => {
    const root = tempDir('labbook-sweep-');
    fs.writeFileSync(path.join(root, 'train.py'), TRAIN);
    const id = python(root, `
import labbook
s = labbook.create_sweep(experiment="mnist", strategy="grid", parameters={"lr": {"values": [0.1, 0.01]}, "opt": {"values": ["sgd", "adam"]}},
                         objective="val/acc", goal="maximize", max_trials=4)
print(s.id)`);
    const problems = new ProblemList();
    const reader = new SweepReader(root, 'labbook', problems);
    let [sweep] = await reader.read();
    assert.strictEqual(sweep.id, id);
    assert.strictEqual(sweep.experiment, 'mnist');
    assert.strictEqual(sweep.strategy, 'grid');
    assert.strictEqual(sweep.progress, '0 / 4');
    assert.strictEqual(sweep.best, null);
    assert.deepStrictEqual(sweep.parameters, ['lr', 'opt']);

    const agent = spawnSync(PYTHON, ['-m', 'labbook', 'sweep', 'agent', id, '--', PYTHON, 'train.py'], {
      cwd: root, encoding: 'utf8', timeout: 120_000,
      env: { ...process.env, PYTHONPATH: SDK_PYTHON, LABBOOK_DIR: path.join(root, 'labbook'), PYTHONDONTWRITEBYTECODE: '1' },
    });
    assert.strictEqual(agent.status, 0, agent.stderr);
    [sweep] = await reader.read();
    assert.strictEqual(sweep.progress, '4 / 4');
    assert.strictEqual(sweep.counts.completed, 4);
    assert.strictEqual(sweep.state, 'done');
    assert.deepStrictEqual(sweep.trials.map((t) => t.number), [0, 1, 2, 3]);
    assert.deepStrictEqual(sweep.best?.params, { lr: 0.01, opt: 'adam' });
    assert.ok(Math.abs(sweep.best!.value - 1.05) < 1e-9);
    // Every trial names the run that trained it, and that run is in the index with the sweep's tags.
    const { store } = await Store.open(await loadSql());
    await new Indexer(store, root, 'labbook', problems).sync();
    const runs = store.listRuns();
    for (const trial of sweep.trials) {
      const run = runs.find((r) => r.uid === trial.runId);
      assert.ok(run, `trial ${trial.number}'s run ${trial.runId} is indexed`);
      assert.strictEqual(run.experiment, 'mnist');
    }
    assert.deepStrictEqual(problems.messages, []);

    // Stop and resume, as the SDK writes them and as Labbook writes them.
    python(root, 'import labbook, sys; labbook.get_sweep(sys.argv[1]).stop()', [id]);
    [sweep] = await reader.read();
    assert.strictEqual(sweep.stopped, true);
    assert.strictEqual(sweep.state, 'stopped');
    fs.appendFileSync(path.join(root, 'labbook', '_sweeps', id, 'trials.jsonl'), controlRecord('resume', Date.now() / 1000));
    [sweep] = await reader.read();
    assert.strictEqual(sweep.stopped, false);
    assert.strictEqual(python(root, 'import labbook, sys; print(labbook.get_sweep(sys.argv[1]).stopped)', [id]), 'False');
  });

  it('follows a sweep as trials are suggested and completed, and counts the running agents', async () => {
    const root = tempDir('labbook-sweep-');
    const id = python(root, `
import labbook
s = labbook.create_sweep(experiment="e", strategy="random", parameters={"x": {"min": 0.0, "max": 1.0}}, objective="loss", goal="minimize", max_trials=10, seed=3)
print(s.id)`);
    const reader = new SweepReader(root, 'labbook', new ProblemList());
    python(root, `
import labbook, sys
s = labbook.get_sweep(sys.argv[1])
a = s.suggest(); a.complete({"loss": a.params["x"]})
b = s.suggest(); b.complete({"loss": b.params["x"]})
c = s.suggest()`, [id]);
    let [sweep] = await reader.read();
    assert.strictEqual(sweep.progress, '2 / 10');
    assert.strictEqual(sweep.counts.running, 1);
    assert.strictEqual(sweep.agents.length, 1);
    assert.strictEqual(sweep.state, 'running');
    const best = Math.min(...sweep.trials.filter((t) => t.status === 'completed').map((t) => t.value!));
    assert.strictEqual(sweep.best?.value, best);
    // Much later without a heartbeat the running trial counts as abandoned and no agent runs.
    [sweep] = await reader.read({ now: Date.now() + 3600_000 });
    assert.strictEqual(sweep.counts.running, 0);
    assert.strictEqual(sweep.counts.abandoned, 1);
    assert.deepStrictEqual(sweep.agents, []);
  });
});

describe('sweeps: parameter importance', () => {
  it('ranks ties by their average rank', () => {
    assert.deepStrictEqual(ranks([3, 1, 3, 2]), [3.5, 1, 3.5, 2]);
  });
  it('is 1 for a monotone numeric relation and 0 for none', () => {
    assert.strictEqual(absSpearman([1, 2, 3, 4], [10, 20, 40, 80]), 1);
    assert.strictEqual(absSpearman([1, 2, 3, 4], [4, 3, 2, 1]), 1);
    assert.strictEqual(absSpearman([1, 2, 3, 4, 5], [1, 3, 5, 3, 1]), 0);
    assert.strictEqual(absSpearman([1, 1, 1], [1, 2, 3]), null);
  });
  it('is the variance share of the groups for categorical values', () => {
    assert.strictEqual(etaSquared(['a', 'a', 'b', 'b'], [1, 1, 5, 5]), 1);
    assert.strictEqual(etaSquared(['a', 'b', 'a', 'b'], [1, 1, 5, 5]), 0);
    assert.strictEqual(etaSquared(['a', 'a'], [1, 2]), null);
  });
  it('groups categorical values in linear time (a sweep of 50,000 trials)', () => {
    const groups = Array.from({ length: 50_000 }, (_, i) => (i % 2 ? 'adam' : 'sgd'));
    const y = groups.map((g, i) => (g === 'adam' ? 1 : 0) + (i % 7) / 100);
    const started = Date.now();
    assert.ok(etaSquared(groups, y)! > 0.9);
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  });
  it('scores each param by its kind and sorts the strongest first', () => {
    const trials = [
      { params: { lr: 0.1, opt: 'sgd', seed: 1 }, value: 0.1 },
      { params: { lr: 0.01, opt: 'adam', seed: 2 }, value: 0.9 },
      { params: { lr: 0.05, opt: 'sgd', seed: 3 }, value: 0.5 },
      { params: { lr: 0.02, opt: 'adam', seed: 4 }, value: 0.8 },
    ];
    const imp = paramImportance(['seed', 'opt', 'lr'], trials);
    assert.deepStrictEqual(imp.map((p) => [p.name, p.method]), [['lr', 'spearman'], ['opt', 'anova'], ['seed', 'spearman']]);
    assert.strictEqual(imp[0].score, 1);
    assert.strictEqual(paramImportance(['lr'], trials.slice(0, 2))[0].score, null);
  });
});
