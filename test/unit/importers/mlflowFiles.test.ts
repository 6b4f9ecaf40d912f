import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  EMPTY_METRIC_TAIL,
  emptySeries,
  findMlflowStores,
  mlflowStatus,
  parseMetricText,
  readMetricFile,
  readMlflowFileStore,
} from '../../../src/core/importers/mlflow';
import type { ImportedRun } from '../../../src/core/importers/contract';
import { ProblemList } from '../../../src/core/problems';
import { tempDir, trackerFixtures } from '../support/helpers';

function byName(runs: ImportedRun[], name: string): ImportedRun {
  const r = runs.find((x) => x.name === name);
  assert.ok(r, `run ${name} not found among ${runs.map((x) => x.name).join(', ')}`);
  return r;
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** A minimal MLflow store with one experiment and one run, in a temp workspace. */
function craftedStore(): { root: string; runDir: string } {
  const root = tempDir();
  write(path.join(root, 'mlruns', '1', 'meta.yaml'), "artifact_location: ./mlruns/1\nexperiment_id: '1'\nlifecycle_stage: active\nname: crafted\n");
  const runDir = path.join(root, 'mlruns', '1', 'abc123');
  write(
    path.join(runDir, 'meta.yaml'),
    "artifact_uri: ./mlruns/1/abc123/artifacts\nend_time: 1700000100000\nexperiment_id: '1'\nlifecycle_stage: active\nrun_id: abc123\nrun_name: crafted-run\nstart_time: 1700000000000\nstatus: FINISHED\n",
  );
  return { root, runDir };
}

describe('mlflow file store: ultralytics-boat fixture (MLflow 2.x)', () => {
  const root = trackerFixtures('mlflow-files', 'ultralytics-boat');
  let runs: ImportedRun[];
  let problems: ProblemList;
  before(async () => {
    problems = new ProblemList();
    runs = await readMlflowFileStore(root, path.join(root, 'runs', 'mlflow'), problems);
  });

  it('finds the store (a folder of numbered experiments, not named mlruns)', async () => {
    assert.deepStrictEqual(await findMlflowStores(root), [path.join(root, 'runs', 'mlflow')]);
  });

  it('reads the 4 runs of "Ship detection", saying only that their server-side artifacts are not there', () => {
    assert.deepStrictEqual(problems.messages.filter((m) => !m.includes('logged artifacts through an MLflow server')), []);
    assert.strictEqual(runs.length, 4);
    for (const r of runs) {
      assert.strictEqual(r.source, 'mlflow');
      assert.strictEqual(r.experiment, 'Ship detection');
      assert.ok(r.uid.startsWith('mlflow:runs/mlflow/579515437971696587/'), r.uid);
      assert.strictEqual(r.folder, r.uid.slice('mlflow:'.length));
      assert.ok(!r.deleted);
    }
    assert.strictEqual(new Set(runs.map((r) => r.uid)).size, 4);
  });

  it('reads the finished runs: 13 metrics with nested keys, 100 and 50 steps, 106 params', () => {
    const a = byName(runs, 'languid-shrike-374');
    const b = byName(runs, 'popular-conch-815');
    for (const [r, n] of [[a, 100], [b, 50]] as const) {
      assert.strictEqual(r.status, 'finished');
      assert.strictEqual(r.metrics.size, 13);
      for (const [key, s] of r.metrics) {
        // Ultralytics logs the final validation of the best model again at the last step: the
        // `metrics/*` files have one more line, kept in file order.
        const expected = Array.from({ length: n }, (_, i) => i);
        if (key.startsWith('metrics/')) expected.push(n - 1);
        assert.deepStrictEqual(s.steps, expected, key);
      }
      assert.strictEqual(Object.keys(r.params).filter((k) => !k.startsWith('tag.')).length, 106);
    }
    const keys = [...a.metrics.keys()];
    for (const k of ['train/box_loss', 'val/dfl_loss', 'lr/pg0', 'lr/pg2', 'metrics/mAP50-95B', 'metrics/precisionB']) assert.ok(keys.includes(k), k);
    // Spot checks against the raw files.
    const box = a.metrics.get('train/box_loss')!;
    assert.strictEqual(box.values[0], 1.2171);
    assert.strictEqual(box.values[1], 0.99252);
    assert.strictEqual(box.times[0], 1746607553.835);
    const map = a.metrics.get('metrics/mAP50-95B')!;
    assert.strictEqual(map.values[100], 0.9508417468541822);
    assert.strictEqual(map.times[100], 1746607613.629);
    assert.strictEqual(b.metrics.get('train/box_loss')!.times[0], 1746608746.345);
    assert.strictEqual(a.params.lr0, '0.01');
    assert.strictEqual(a.params.epochs, '100');
    assert.strictEqual(a.startTime, 1746607547.924);
    assert.strictEqual(a.endTime, 1746607614.194);
  });

  it('keeps MLflow system tags in params under tag.<key>, and has no user tags', () => {
    const a = byName(runs, 'languid-shrike-374');
    assert.strictEqual(a.params['tag.mlflow.source.git.commit'], '9950e3d90be82c42e70f68d1f0e6f78fc84576a8');
    assert.strictEqual(a.params['tag.mlflow.user'], 'cerdas');
    assert.strictEqual(a.params['tag.mlflow.runName'], 'languid-shrike-374');
    assert.deepStrictEqual(a.tags, []);
    assert.strictEqual(a.note, undefined);
    assert.deepStrictEqual(a.artifacts, [], 'artifact_uri is mlflow-artifacts:, nothing local');
  });

  it('maps status 4 (FAILED in MLflow\'s RunStatus) of the two short runs; they have no metrics and 3 params', () => {
    for (const name of ['shivering-hawk-444', 'caring-calf-363']) {
      const r = byName(runs, name);
      assert.strictEqual(r.status, 'failed');
      assert.strictEqual(r.metrics.size, 0);
      assert.deepStrictEqual(Object.keys(r.params).filter((k) => !k.startsWith('tag.')).sort(), ['config_path', 'epochs', 'model_path']);
    }
  });

  it('maps every MLflow status spelling', () => {
    assert.strictEqual(mlflowStatus(1), 'running');
    assert.strictEqual(mlflowStatus(2), 'running');
    assert.strictEqual(mlflowStatus(3), 'finished');
    assert.strictEqual(mlflowStatus(4), 'failed');
    assert.strictEqual(mlflowStatus(5), 'killed');
    assert.strictEqual(mlflowStatus('KILLED'), 'killed');
    assert.strictEqual(mlflowStatus('finished'), 'finished');
    assert.strictEqual(mlflowStatus('RunStatus.FAILED'), 'failed');
    assert.strictEqual(mlflowStatus('3'), 'finished');
    assert.strictEqual(mlflowStatus('weird'), undefined);
    assert.strictEqual(mlflowStatus(9), undefined);
  });
});

describe('mlflow file store: keras-petrophysics fixture (MLflow 1.21, trash)', () => {
  const root = trackerFixtures('mlflow-files', 'keras-petrophysics');
  let runs: ImportedRun[];
  let problems: ProblemList;
  before(async () => {
    problems = new ProblemList();
    runs = await readMlflowFileStore(root, 'mlruns', problems);
  });

  it('finds the mlruns folder', async () => {
    assert.deepStrictEqual(await findMlflowStores(root), [path.join(root, 'mlruns')]);
  });

  it('reads 18 runs, counting the 5 of the deleted experiment in .trash/1', () => {
    assert.deepStrictEqual(problems.messages, []);
    assert.strictEqual(runs.length, 18);
    const byExp = new Map<string, number>();
    for (const r of runs) byExp.set(r.experiment, (byExp.get(r.experiment) ?? 0) + 1);
    assert.deepStrictEqual(Object.fromEntries(byExp), { sonic_prediction_DTC: 7, sonic_prediction_DTS: 6, try1: 5 });
  });

  it('marks the runs of the trashed experiment deleted even though its meta.yaml says active', () => {
    const trashed = runs.filter((r) => r.experiment === 'try1');
    assert.strictEqual(trashed.length, 5);
    for (const r of trashed) {
      assert.strictEqual(r.deleted, true);
      assert.ok(r.folder.startsWith('mlruns/.trash/1/'), r.folder);
    }
    assert.deepStrictEqual(trashed.map((r) => r.status).sort(), ['failed', 'failed', 'failed', 'failed', 'finished']);
  });

  it('marks the one deleted run of an active experiment, and only it', () => {
    const deleted = runs.filter((r) => r.deleted && r.experiment !== 'try1');
    assert.deepStrictEqual(deleted.map((r) => r.uid), ['mlflow:mlruns/2/7fff46949ec64571a4800eb2c8823760']);
    assert.strictEqual(deleted[0].metrics.get('loss')!.steps.length, 1);
  });

  it('reads metrics, 26 autolog params and artifacts of a run; unnamed runs are named by their id', () => {
    const r = runs.find((x) => x.uid === 'mlflow:mlruns/2/08136db752da434eaac7e389f55ff173')!;
    assert.ok(r);
    assert.strictEqual(r.name, '08136db752da434eaac7e389f55ff173');
    assert.strictEqual(r.status, 'finished');
    assert.strictEqual(Object.keys(r.params).filter((k) => !k.startsWith('tag.')).length, 26);
    assert.strictEqual(r.params.opt_learning_rate, '0.001');
    assert.deepStrictEqual([...r.metrics.keys()], ['loss', 'mae', 'restored_epoch', 'root_mean_squared_error', 'stopped_epoch', 'val_loss', 'val_mae', 'val_root_mean_squared_error']);
    const loss = r.metrics.get('loss')!;
    assert.strictEqual(loss.steps.length, 57);
    assert.strictEqual(loss.values[0], 860.8004150390625);
    assert.strictEqual(loss.times[0], 1637360941.779);
    assert.deepStrictEqual(r.metrics.get('stopped_epoch'), { steps: [0], values: [55], times: [1637361039.83] });
    assert.ok(String(r.params['tag.mlflow.log-model.history']).startsWith('[{"run_id": "08136db752da434eaac7e389f55ff173"'));
    const base = 'mlruns/2/08136db752da434eaac7e389f55ff173/artifacts/';
    assert.deepStrictEqual(r.artifacts, [
      'model/MLmodel',
      'model/conda.yaml',
      'model/data/keras_module.txt',
      'model/data/save_format.txt',
      'model/requirements.txt',
      'model_summary.txt',
      'tensorboard_logs/train/events.out.tfevents.1637360937.marcos.30134.0.v2',
      'tensorboard_logs/validation/events.out.tfevents.1637360940.marcos.30134.1.v2',
    ].map((p) => base + p));
  });

  it('finds both fixture stores from a common root', async () => {
    const stores = await findMlflowStores(trackerFixtures('mlflow-files'));
    assert.deepStrictEqual(stores, [path.join(root, 'mlruns'), trackerFixtures('mlflow-files', 'ultralytics-boat', 'runs', 'mlflow')].sort());
  });
});

describe('mlflow file store: crafted input', () => {
  it('reads two-field lines as step 0, and nan / inf spellings', async () => {
    const { root, runDir } = craftedStore();
    write(path.join(runDir, 'metrics', 'old'), '1700000000000 0.5\n1700000001000 0.25\n');
    write(path.join(runDir, 'metrics', 'odd'), ['1 nan 0', '2 inf 1', '3 -inf 2', '4 NaN 3', '5 Infinity 4', '6 -Infinity 5', '7 1e-05 6', '8 -0.5 7'].join('\n') + '\n');
    const problems = new ProblemList();
    const [run] = await readMlflowFileStore(root, path.join(root, 'mlruns'), problems);
    assert.deepStrictEqual(problems.messages, []);
    assert.deepStrictEqual(run.metrics.get('old'), { steps: [0, 0], values: [0.5, 0.25], times: [1700000000, 1700000001] });
    const odd = run.metrics.get('odd')!;
    assert.deepStrictEqual(odd.steps, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.ok(Number.isNaN(odd.values[0]) && Number.isNaN(odd.values[3]));
    assert.deepStrictEqual(odd.values.slice(1, 3), [Infinity, -Infinity]);
    assert.deepStrictEqual(odd.values.slice(4), [Infinity, -Infinity, 1e-5, -0.5]);
    assert.strictEqual(run.name, 'crafted-run');
    assert.strictEqual(run.status, 'finished');
    assert.strictEqual(run.startTime, 1700000000);
    assert.strictEqual(run.endTime, 1700000100);
  });

  it('reports a malformed metric line with file and line number and loads the rest', async () => {
    const { root, runDir } = craftedStore();
    write(path.join(runDir, 'metrics', 'train', 'loss'), '1000 1.0 0\n2000 oops 1\nnot a line at all\n3000 3.0 2\n4000 4.0 x\n5000 5.0 4');
    const problems = new ProblemList();
    const [run] = await readMlflowFileStore(root, path.join(root, 'mlruns'), problems);
    assert.deepStrictEqual(run.metrics.get('train/loss'), { steps: [0, 2, 4], values: [1, 3, 5], times: [1, 3, 5] });
    assert.strictEqual(problems.messages.length, 3, problems.messages.join('\n'));
    assert.match(problems.messages[0], /^mlruns\/1\/abc123\/metrics\/train\/loss:2: bad value "oops"/);
    assert.match(problems.messages[1], /^mlruns\/1\/abc123\/metrics\/train\/loss:3: /);
    assert.match(problems.messages[2], /^mlruns\/1\/abc123\/metrics\/train\/loss:5: bad step "x"/);
  });

  it('reports a missing meta.yaml and still loads the run, named after its folder', async () => {
    const { root } = craftedStore();
    const orphan = path.join(root, 'mlruns', '1', 'f00dfeed');
    write(path.join(orphan, 'params', 'lr'), '0.1');
    write(path.join(orphan, 'metrics', 'acc'), '1000 0.9 0\n');
    write(path.join(orphan, 'tags', 'team'), 'vision');
    write(path.join(orphan, 'tags', 'mlflow.note.content'), 'a note');
    write(path.join(orphan, 'tags', 'flag'), '');
    const problems = new ProblemList();
    const runs = await readMlflowFileStore(root, 'mlruns', problems);
    assert.strictEqual(runs.length, 2);
    const r = runs.find((x) => x.folder === 'mlruns/1/f00dfeed')!;
    assert.strictEqual(r.name, 'f00dfeed');
    assert.strictEqual(r.experiment, 'crafted');
    assert.strictEqual(r.params.lr, '0.1');
    assert.deepStrictEqual(r.metrics.get('acc')!.values, [0.9]);
    assert.deepStrictEqual(r.tags, ['flag', 'team:vision']);
    assert.strictEqual(r.note, 'a note');
    assert.strictEqual(r.params['tag.team'], 'vision');
    assert.deepStrictEqual(problems.messages, ['mlruns/1/f00dfeed/meta.yaml: missing; the run is named after its folder']);
  });

  it('reports a broken meta.yaml with its line, and skips folders that are not runs', async () => {
    const { root, runDir } = craftedStore();
    write(path.join(runDir, 'meta.yaml'), 'run_id: abc123\nstatus: 3\n   bad: indent\n');
    write(path.join(root, 'mlruns', '1', 'tags', 'mlflow.note.content'), 'experiment note');
    write(path.join(root, 'mlruns', 'models', 'm1', 'meta.yaml'), 'name: m1\n');
    const problems = new ProblemList();
    const runs = await readMlflowFileStore(root, 'mlruns', problems);
    assert.strictEqual(runs.length, 1);
    assert.strictEqual(runs[0].name, 'abc123');
    assert.deepStrictEqual(problems.messages.length, 1);
    assert.match(problems.messages[0], /^mlruns\/1\/abc123\/meta\.yaml:3: /);
  });

  it('lists artifacts from a local file:// artifact_uri inside the workspace', async () => {
    const { root, runDir } = craftedStore();
    const elsewhere = path.join(root, 'artifact-store', 'abc123');
    write(path.join(elsewhere, 'plots', 'loss.png'), 'png');
    write(path.join(elsewhere, 'model.txt'), 'm');
    const meta = fs.readFileSync(path.join(runDir, 'meta.yaml'), 'utf8').replace(/^artifact_uri: .*$/m, `artifact_uri: ${new URL(`file://${elsewhere.split(path.sep).join('/')}`).href}`);
    write(path.join(runDir, 'meta.yaml'), meta);
    const [run] = await readMlflowFileStore(root, 'mlruns', new ProblemList());
    assert.deepStrictEqual(run.artifacts, ['artifact-store/abc123/model.txt', 'artifact-store/abc123/plots/loss.png']);
  });

  it('marks a run deleted by its lifecycle_stage, and an experiment deleted by its own', async () => {
    const { root, runDir } = craftedStore();
    write(path.join(runDir, 'meta.yaml'), fs.readFileSync(path.join(runDir, 'meta.yaml'), 'utf8').replace('lifecycle_stage: active', 'lifecycle_stage: deleted'));
    write(path.join(root, 'mlruns', '2', 'meta.yaml'), "experiment_id: '2'\nlifecycle_stage: deleted\nname: gone\n");
    write(path.join(root, 'mlruns', '2', 'r2', 'meta.yaml'), "run_id: r2\nexperiment_id: '2'\nstatus: 1\nlifecycle_stage: active\nstart_time: 1\n");
    const runs = await readMlflowFileStore(root, 'mlruns', new ProblemList());
    assert.deepStrictEqual(runs.map((r) => [r.name, r.experiment, r.deleted, r.status]), [
      ['crafted-run', 'crafted', true, 'finished'],
      ['r2', 'gone', true, 'running'],
    ]);
  });

  it('does not look into node_modules or dot-folders for stores, and stops at depth 6', async () => {
    const root = tempDir();
    const exp = "experiment_id: '0'\nname: Default\n";
    write(path.join(root, 'node_modules', 'x', 'mlruns', '0', 'meta.yaml'), exp);
    write(path.join(root, '.venv', 'store', '0', 'meta.yaml'), exp);
    write(path.join(root, 'a', 'b', 'c', 'd', 'e', 'store', '0', 'meta.yaml'), exp);
    write(path.join(root, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'store', '0', 'meta.yaml'), exp);
    write(path.join(root, 'p', 'q', '5', 'meta.yaml'), "run_id: r\nexperiment_id: '5'\n"); // a run folder is no experiment
    fs.mkdirSync(path.join(root, 'proj', 'mlruns'), { recursive: true });
    assert.deepStrictEqual(await findMlflowStores(root), [path.join(root, 'a', 'b', 'c', 'd', 'e', 'store'), path.join(root, 'proj', 'mlruns')]);
  });
});

describe('mlflow metric files: incremental parsing', () => {
  it('parses from a byte offset, complete lines only, and continues where it stopped', () => {
    const into = emptySeries();
    const text1 = '1000 1.5 0\n2000 2.5 1\n3000 3.';
    const s1 = parseMetricText(text1, EMPTY_METRIC_TAIL, into);
    assert.deepStrictEqual(s1, { offset: 22, line: 2 });
    assert.deepStrictEqual(into.values, [1.5, 2.5]);
    const text2 = text1 + '5 2\n4000 nan 3\n';
    const s2 = parseMetricText(text2, s1, into);
    assert.deepStrictEqual(s2, { offset: text2.length, line: 4 });
    assert.deepStrictEqual(into.steps, [0, 1, 2, 3]);
    assert.ok(Number.isNaN(into.values[3]));
    // Only the appended part, with its base offset.
    const s3 = parseMetricText('5000 6 4\n', s2, into, undefined, s2.offset);
    assert.deepStrictEqual(s3, { offset: text2.length + 9, line: 5 });
    assert.deepStrictEqual(into.times, [1, 2, 3, 4, 5]);
  });

  it('reads an appended file from where it stopped, and restarts when it shrank', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'loss');
    assert.strictEqual(await readMetricFile(file, EMPTY_METRIC_TAIL, emptySeries()), undefined);
    fs.writeFileSync(file, '1000 1 0\n2000 2');
    const a = emptySeries();
    const r1 = (await readMetricFile(file, EMPTY_METRIC_TAIL, a))!;
    assert.deepStrictEqual(r1, { next: { offset: 9, line: 1 }, restarted: false });
    fs.appendFileSync(file, ' 1\n3000 3 2\n');
    const r2 = (await readMetricFile(file, r1.next, a))!;
    assert.deepStrictEqual(a.steps, [0, 1, 2]);
    assert.strictEqual(r2.next.line, 3);
    fs.writeFileSync(file, '9000 9 0\n');
    const b = emptySeries();
    const r3 = (await readMetricFile(file, r2.next, b))!;
    assert.strictEqual(r3.restarted, true);
    assert.deepStrictEqual(b.values, [9]);
  });

  // Speed is measured by `npm run bench`; this checks that a large file is read completely and right.
  it('reads a 1M-line metric file completely', async function () {
    this.timeout(60000);
    const dir = tempDir();
    const file = path.join(dir, 'loss');
    const lines: string[] = [];
    for (let i = 0; i < 1_000_000; i++) lines.push(`${1700000000000 + i * 37} ${Math.sin(i) * 3.14159} ${i}`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const into = emptySeries();
    const r = (await readMetricFile(file, EMPTY_METRIC_TAIL, into))!;
    assert.strictEqual(r.next.line, 1_000_000);
    assert.strictEqual(into.steps.length, 1_000_000);
    assert.strictEqual(into.values[123456], Math.sin(123456) * 3.14159);
  });
});
