import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { findDvcliveRuns, parseDvcliveTsv, readDvclive } from '../../../src/core/importers/dvclive';
import { ProblemList } from '../../../src/core/problems';
import { tempDir, trackerFixtures } from '../support/helpers';

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** A time well after the fixtures were written: they read as finished. */
const LATER = Date.now() / 1000 + 24 * 3600;

describe('dvclive: densegpt-hf fixture (Hugging Face callback)', () => {
  const root = trackerFixtures('dvclive', 'densegpt-hf');

  it('is found', async () => {
    assert.deepStrictEqual(await findDvcliveRuns(root), [path.join(root, 'dvclive')]);
  });

  it('reads params, per-step series with nested keys, and a finished status', async () => {
    const problems = new ProblemList();
    const run = await readDvclive(root, path.join(root, 'dvclive'), problems, LATER);
    assert.deepStrictEqual(problems.messages, []);
    assert.strictEqual(run.source, 'dvclive');
    assert.strictEqual(run.uid, 'dvclive:dvclive');
    assert.strictEqual(run.folder, 'dvclive');
    assert.strictEqual(run.status, 'finished');
    assert.strictEqual(run.startTime, undefined, 'its TSVs record no times');
    assert.deepStrictEqual([...run.metrics.keys()].sort(), ['epoch', 'learning_rate', 'loss', 'train/loss', 'train/runtime', 'train/samples_per_second', 'train/steps_per_second']);
    const loss = run.metrics.get('loss')!;
    assert.strictEqual(loss.steps.length, 150);
    assert.deepStrictEqual(loss.steps, Array.from({ length: 150 }, (_, i) => i));
    assert.strictEqual(loss.values[0], 6.2205);
    assert.strictEqual(loss.values[149], 2.3511);
    assert.ok(loss.times.every((t) => t === null));
    const epoch = run.metrics.get('epoch')!;
    assert.strictEqual(epoch.steps.length, 151);
    assert.strictEqual(epoch.steps[150], 150);
    assert.deepStrictEqual(run.metrics.get('train/loss'), { steps: [150], values: [3.0925246114095053], times: [null] });
    assert.strictEqual(run.params.learning_rate, 0.001);
    assert.strictEqual(run.params.evaluation_strategy, 'no');
    assert.strictEqual(run.params['fsdp_config.min_num_params'], 0);
    assert.strictEqual(run.params['fsdp_config.xla'], false);
    assert.deepStrictEqual(run.params.debug, []);
    assert.strictEqual(run.params.seed, 42);
    assert.strictEqual(run.params.data_seed, null);
    assert.deepStrictEqual(run.artifacts, []);
  });
});

describe('dvclive: eda-stress-keras fixture (Keras callback)', () => {
  const root = trackerFixtures('dvclive', 'eda-stress-keras');

  it('reads train/ and eval/ series over 30 epochs, single-row test series, nested params', async () => {
    const problems = new ProblemList();
    const run = await readDvclive(root, 'dvclive', problems, LATER);
    assert.deepStrictEqual(problems.messages, []);
    const keys = [...run.metrics.keys()];
    assert.strictEqual(keys.length, 7 + 6 + 12);
    for (const k of ['train/loss', 'train/lr', 'train/f1_score', 'eval/loss', 'eval/auc', 'test_1_auc', 'test_2_recall']) assert.ok(keys.includes(k), k);
    for (const k of keys.filter((x) => x.startsWith('train/') || x.startsWith('eval/'))) {
      assert.deepStrictEqual(run.metrics.get(k)!.steps, Array.from({ length: 30 }, (_, i) => i), k);
    }
    const trainLoss = run.metrics.get('train/loss')!;
    assert.strictEqual(trainLoss.values[0], 0.7795059680938721);
    assert.strictEqual(trainLoss.values[29], 0.15392336249351501);
    assert.deepStrictEqual(run.metrics.get('test_1_auc'), { steps: [30], values: [0.8950304388999939], times: [null] });
    assert.strictEqual(run.params['model.learning_rate'], 0.001);
    assert.strictEqual(run.params['model.epochs'], 30);
    assert.strictEqual(run.params['model.activation'], 'relu');
    assert.deepStrictEqual(run.params['model.metrics'], ['BVP', 'TEMP']);
    assert.strictEqual(run.params['model.input_shapes.ACC'], 256);
    assert.strictEqual(run.params['model.dropout'], 0.3);
  });

  it('finds every fixture folder from a common root', async () => {
    const all = await findDvcliveRuns(trackerFixtures('dvclive'));
    const folds = [0, 1, 2, 3, 4].map((i) => trackerFixtures('dvclive', 'quality-of-life-folds', 'dvclive', `fold_${i}`));
    assert.deepStrictEqual(all, [
      trackerFixtures('dvclive', 'densegpt-hf', 'dvclive'),
      trackerFixtures('dvclive', 'eda-stress-keras', 'dvclive'),
      trackerFixtures('dvclive', 'example-dvc-experiments-0.x', 'dvclive'),
      trackerFixtures('dvclive', 'example-dvc-experiments-scalars', 'dvclive'),
      trackerFixtures('dvclive', 'quality-of-life-folds', 'dvclive'),
      ...folds,
    ]);
  });
});

describe('dvclive: crafted input', () => {
  it('reports a row with a missing column and a bad number, and loads the rest', async () => {
    const root = tempDir();
    const dir = path.join(root, 'dvclive');
    write(path.join(dir, 'plots', 'metrics', 'train', 'loss.tsv'), 'step\tloss\n0\t1.0\n1\n2\tabc\n3\t0.5\n4\tnan\n');
    write(path.join(dir, 'plots', 'metrics', 'acc.tsv'), 'step\tacc\n0\t0.1\n1\t0.2\n');
    const problems = new ProblemList();
    const run = await readDvclive(root, dir, problems, LATER);
    const loss = run.metrics.get('train/loss')!;
    assert.deepStrictEqual(loss.steps, [0, 3, 4]);
    assert.deepStrictEqual(loss.values.slice(0, 2), [1, 0.5]);
    assert.ok(Number.isNaN(loss.values[2]));
    assert.deepStrictEqual(run.metrics.get('acc')!.values, [0.1, 0.2]);
    assert.deepStrictEqual(problems.messages, [
      'dvclive/plots/metrics/train/loss.tsv:3: expected 2 columns (step, loss), found 1',
      'dvclive/plots/metrics/train/loss.tsv:4: bad number "abc" in column "loss"',
    ]);
  });

  it('reads a timestamp column, numbers rows when the step column is missing (reported)', () => {
    const messages: string[] = [];
    const withTime = parseDvcliveTsv('timestamp\tstep\tloss\n1700000000000\t0\t1.5\n1700000001000\t1\t1.25\n', (l, m) => messages.push(`${l}: ${m}`))!;
    assert.deepStrictEqual(withTime, { steps: [0, 1], values: [1.5, 1.25], times: [1700000000, 1700000001] });
    const noStep = parseDvcliveTsv('loss\n3\n4\n', (l, m) => messages.push(`${l}: ${m}`))!;
    assert.deepStrictEqual(noStep, { steps: [0, 1], values: [3, 4], times: [null, null] });
    assert.strictEqual(parseDvcliveTsv('step\n1\n', (l, m) => messages.push(`${l}: ${m}`)), undefined);
    assert.deepStrictEqual(messages, ['1: no "step" column in header "loss"; rows are numbered from 0', '1: no value column in header "step"']);
  });

  it('turns summary-only numbers into one-point series, other summary values into params, and lists images', async () => {
    const root = tempDir();
    const dir = path.join(root, 'exp', 'dvclive');
    write(path.join(dir, 'metrics.json'), JSON.stringify({ step: 4, best: { acc: 0.9 }, loss: 0.1, label: 'final', bad: null }).replace('0.1', 'NaN'));
    write(path.join(dir, 'plots', 'metrics', 'loss.tsv'), 'step\tloss\n3\t0.2\n4\t0.1\n');
    write(path.join(dir, 'plots', 'images', 'confusion.png'), 'png');
    write(path.join(dir, 'plots', 'images', '2', 'sample.png'), 'png');
    write(path.join(dir, 'params.yaml'), 'lr: 0.1\nopt:\n  name: adam\n');
    const problems = new ProblemList();
    const run = await readDvclive(root, dir, problems, LATER);
    assert.deepStrictEqual(problems.messages, []);
    assert.deepStrictEqual(run.metrics.get('best/acc'), { steps: [4], values: [0.9], times: [null] });
    assert.deepStrictEqual(run.metrics.get('loss')!.values, [0.2, 0.1], 'the TSV wins over metrics.json');
    assert.strictEqual(run.params['summary.label'], 'final');
    assert.strictEqual(run.params['summary.bad'], null);
    assert.ok(!('summary.step' in run.params) && !run.metrics.has('step'));
    assert.deepStrictEqual(run.params, { lr: 0.1, 'opt.name': 'adam', 'summary.label': 'final', 'summary.bad': null });
    assert.deepStrictEqual(run.artifacts, ['exp/dvclive/plots/images/2/sample.png', 'exp/dvclive/plots/images/confusion.png']);
    assert.strictEqual(run.name, 'exp/dvclive');
    assert.strictEqual(run.uid, 'dvclive:exp/dvclive');
  });

  it('is running while its TSV timestamps are recent', async () => {
    const root = tempDir();
    const dir = path.join(root, 'dvclive');
    const now = Date.now() / 1000;
    write(path.join(dir, 'loss.tsv'), `timestamp\tstep\tloss\n${now * 1000 - 5000}\t0\t1\n`);
    assert.strictEqual((await readDvclive(root, dir, new ProblemList(), now)).status, 'running');
    assert.strictEqual((await readDvclive(root, dir, new ProblemList(), now)).endTime, undefined);
    assert.strictEqual((await readDvclive(root, dir, new ProblemList(), now + 11 * 60)).status, 'finished');
  });

  it('reports a broken params.yaml and metrics.json with their lines', async () => {
    const root = tempDir();
    const dir = path.join(root, 'dvclive');
    write(path.join(dir, 'params.yaml'), 'a: 1\nb: [1, 2\n');
    write(path.join(dir, 'metrics.json'), '{\n  "a": 1,\n  oops\n}\n');
    write(path.join(dir, 'plots', 'metrics', 'loss.tsv'), 'step\tloss\n0\t1\n');
    const problems = new ProblemList();
    const run = await readDvclive(root, dir, problems, LATER);
    assert.strictEqual(run.metrics.size, 1);
    assert.strictEqual(problems.messages.length, 2, problems.messages.join('\n'));
    assert.match(problems.messages[0], /^dvclive\/params\.yaml:2: /);
    assert.match(problems.messages[1], /^dvclive\/metrics\.json:3: not valid JSON/);
  });

  it('does not take a lone metrics.json or params.yaml for a DVCLive folder', async () => {
    const root = tempDir();
    write(path.join(root, 'params.yaml'), 'lr: 1\n');
    write(path.join(root, 'results', 'metrics.json'), '{}');
    write(path.join(root, 'custom', 'plots', 'metrics', 'a', 'x.tsv'), 'step\tx\n');
    write(path.join(root, 'sub', 'dvclive', 'params.yaml'), 'lr: 1\n');
    write(path.join(root, 'node_modules', 'dvclive', 'metrics.json'), '{}');
    assert.deepStrictEqual(await findDvcliveRuns(root), [path.join(root, 'custom'), path.join(root, 'sub', 'dvclive')]);
  });
});
