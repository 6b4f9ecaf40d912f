import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { findDvcliveRuns, readDvclive, type DvcliveCache } from '../../../src/core/importers/dvclive';
import { ProblemList } from '../../../src/core/problems';
import { tempDir, trackerFixtures } from '../support/helpers';

const LATER = Date.now() / 1000 + 24 * 3600;

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

describe('dvclive: 0.x layout (dvclive.json beside the folder, TSVs directly inside)', () => {
  const root = trackerFixtures('dvclive', 'example-dvc-experiments-0.x');

  it('is found and read with its timestamps and summary', async () => {
    assert.deepStrictEqual(await findDvcliveRuns(root), [path.join(root, 'dvclive')]);
    const problems = new ProblemList();
    const run = await readDvclive(root, 'dvclive', problems, LATER);
    assert.deepStrictEqual(problems.messages, []);
    assert.deepStrictEqual([...run.metrics.keys()].sort(), ['acc', 'loss', 'val_acc', 'val_loss']);
    const loss = run.metrics.get('loss')!;
    assert.deepStrictEqual(loss.steps, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.strictEqual(loss.values[0], 0.31751683354377747);
    assert.strictEqual(loss.values[9], 0.03911537304520607);
    assert.strictEqual(loss.times[0], 1644420777.053);
    assert.strictEqual(run.startTime, 1644420777.053);
    assert.strictEqual(run.endTime, 1644420914.566, "the newest timestamp of any file");
    assert.strictEqual(run.status, 'finished');
  });
});

describe('dvclive: 0.x/1.0 layout with dvclive/scalars/', () => {
  const root = trackerFixtures('dvclive', 'example-dvc-experiments-scalars');

  it('reads the scalars/ series (the ones dvclive.json summarises)', async () => {
    assert.deepStrictEqual(await findDvcliveRuns(root), [path.join(root, 'dvclive')]);
    const problems = new ProblemList();
    const run = await readDvclive(root, 'dvclive', problems, LATER);
    assert.deepStrictEqual(problems.messages, []);
    assert.deepStrictEqual([...run.metrics.keys()].sort(), ['acc', 'loss', 'val_acc', 'val_loss']);
    const valAcc = run.metrics.get('val_acc')!;
    assert.deepStrictEqual(valAcc.steps, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.strictEqual(valAcc.values[7], 0.9850999712944031);
    assert.strictEqual(run.endTime, 1653049217.119);
  });
});

describe('dvclive: one folder per cross-validation fold inside the top-level folder', () => {
  const root = trackerFixtures('dvclive', 'quality-of-life-folds');

  it('finds the top level and every fold as runs of their own', async () => {
    const folders = await findDvcliveRuns(root);
    assert.deepStrictEqual(folders, ['dvclive', 'dvclive/fold_0', 'dvclive/fold_1', 'dvclive/fold_2', 'dvclive/fold_3', 'dvclive/fold_4'].map((f) => path.join(root, f)));
    const fold4 = await readDvclive(root, 'dvclive/fold_4', new ProblemList(), LATER);
    assert.strictEqual(fold4.uid, 'dvclive:dvclive/fold_4');
    const loss = fold4.metrics.get('train/loss')!;
    assert.strictEqual(loss.steps.length, 40);
    assert.strictEqual(loss.values[39], 3233.03369140625);
    const top = await readDvclive(root, 'dvclive', new ProblemList(), LATER);
    assert.deepStrictEqual(top.metrics.get('train/loss')!.steps, [0]);
    assert.ok(![...top.metrics.keys()].some((k) => k.startsWith('fold_')), 'the folds are not part of the top-level run');
  });
});

describe('dvclive: runs whose tracker recorded no times', () => {
  it('are not shown as started now and running because their files are new (a fresh clone)', async () => {
    const root = trackerFixtures('dvclive', 'quality-of-life-folds');
    const run = await readDvclive(root, 'dvclive/fold_0', new ProblemList(), Date.now() / 1000);
    assert.strictEqual(run.status, 'finished');
    assert.strictEqual(run.startTime, undefined);
    assert.strictEqual(run.endTime, undefined);
  });

  it('are running once they are seen growing', async () => {
    const root = tempDir();
    const file = path.join(root, 'dvclive', 'plots', 'metrics', 'loss.tsv');
    write(file, 'step\tloss\n0\t1\n');
    const cache: DvcliveCache = new Map();
    const now = Date.now() / 1000;
    assert.strictEqual((await readDvclive(root, 'dvclive', new ProblemList(), now, cache)).status, 'finished');
    fs.appendFileSync(file, '1\t0.5\n');
    const live = await readDvclive(root, 'dvclive', new ProblemList(), now + 1, cache);
    assert.strictEqual(live.status, 'running');
    assert.deepStrictEqual(live.metrics.get('loss')!.values, [1, 0.5]);
    assert.strictEqual((await readDvclive(root, 'dvclive', new ProblemList(), now + 11 * 60, cache)).status, 'finished');
  });
});
