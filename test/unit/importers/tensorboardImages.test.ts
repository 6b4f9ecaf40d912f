import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { embeddedPath, imageExtension, parseEmbeddedPath, readEmbedded } from '../../../src/core/importers/embedded';
import type { ImportedRun } from '../../../src/core/importers/contract';
import { IMAGES_PER_TAG, readTensorBoardRun, TensorBoardRunReader } from '../../../src/core/importers/tensorboard';
import { ImportIndex } from '../../../src/core/ingest/importIndex';
import { ProblemList } from '../../../src/core/problems';
import { loadSql, tempDir, workspace } from '../support/helpers';
import { importFinders } from '../../../src/core/importers/finders';
import { png } from '../support/png';
import { event, fileVersionEvent, imageTensorValue, imageValue, simple, tfrecord } from '../support/tfevents';

const LONG_AGO = 2_000_000_000;

/** A distinct 4×3 image per (step, i). */
const picture = (step: number, i = 0): Buffer => png(4, 3, (x, y) => [(step * 37) & 255, (x * 60 + i * 90) & 255, y * 80]);

function imageEvent(tag: string, step: number, wall = 1_700_000_000): Buffer {
  return tfrecord(event({ wall: wall + step, step, values: [imageValue(tag, picture(step), 4, 3), simple('loss', 1 / (step + 1))] }));
}

describe('importers: tensorboard images', () => {
  let root: string;
  let dir: string;
  beforeEach(() => {
    root = tempDir('labbook-tbimg-');
    dir = path.join(root, 'runs', 'exp1');
    fs.mkdirSync(dir, { recursive: true });
  });
  const file = (name = 'events.out.tfevents.1700000000.host.1.0'): string => path.join(dir, name);
  const names = (run: ImportedRun): string[] => (run.images ?? []).map((i) => i.name);

  it('lists TF1/PyTorch image summaries with their step, and reads back exactly the encoded bytes', async () => {
    fs.writeFileSync(file(), Buffer.concat([fileVersionEvent(1_700_000_000), ...[0, 1, 2].map((s) => imageEvent('samples/input', s))]));
    const problems = new ProblemList();
    const run = (await readTensorBoardRun(root, dir, problems, LONG_AGO))!;
    assert.deepStrictEqual(names(run), ['images/samples/input/step_0.png', 'images/samples/input/step_1.png', 'images/samples/input/step_2.png']);
    assert.strictEqual(run.metrics.get('loss')!.steps.length, 3, 'scalars in the same events still load');
    for (const [step, image] of run.images!.entries()) {
      assert.strictEqual(image.ref.file, 'runs/exp1/events.out.tfevents.1700000000.host.1.0');
      assert.ok((await readEmbedded(root, image.ref, 'runs/exp1')).equals(picture(step)));
      assert.deepStrictEqual(parseEmbeddedPath(embeddedPath(image.ref)), image.ref);
    }
    assert.deepStrictEqual(problems.messages, []);
  });

  it('lists TF2 image tensors (several images per step), keyed with the Keras train/ prefix', async () => {
    fs.mkdirSync(path.join(dir, 'train'));
    const encoded = [picture(5, 0), picture(5, 1)];
    fs.writeFileSync(path.join(dir, 'train', 'events.out.tfevents.1700000000.host.1.0.v2'), Buffer.concat([fileVersionEvent(1_700_000_000), tfrecord(event({ wall: 1_700_000_005, step: 5, values: [imageTensorValue('batch', encoded, 4, 3)] }))]));
    const run = (await readTensorBoardRun(root, dir, new ProblemList(), LONG_AGO))!;
    assert.deepStrictEqual(names(run), ['images/train/batch/step_5_0.png', 'images/train/batch/step_5_1.png']);
    assert.strictEqual(run.metrics.size, 0, 'an image tensor is not a scalar metric');
    for (const [i, image] of run.images!.entries()) assert.ok((await readEmbedded(root, image.ref)).equals(encoded[i]));
  });

  it('keeps at most twice IMAGES_PER_TAG per tag, evenly thinned, the first and the newest always there; incrementally the same', async () => {
    const steps = Array.from({ length: 300 }, (_, s) => s);
    fs.writeFileSync(file(), Buffer.concat([fileVersionEvent(1_700_000_000), ...steps.slice(0, 100).map((s) => imageEvent('img', s))]));
    const reader = new TensorBoardRunReader(root, dir, new ProblemList());
    await reader.read(LONG_AGO);
    fs.appendFileSync(file(), Buffer.concat(steps.slice(100).map((s) => imageEvent('img', s))));
    const live = (await reader.read(LONG_AGO))!;
    const kept = names(live).map((n) => Number(/step_(\d+)/.exec(n)![1]));
    assert.ok(kept.length >= IMAGES_PER_TAG && kept.length < 2 * IMAGES_PER_TAG, `kept ${kept.length}`);
    assert.strictEqual(kept[0], 0);
    assert.strictEqual(kept[kept.length - 1], 299);
    assert.deepStrictEqual(kept, [...kept].sort((a, b) => a - b));
    const fresh = (await readTensorBoardRun(root, dir, new ProblemList(), LONG_AGO))!;
    assert.deepStrictEqual(names(fresh), names(live));
  });

  it('drops images orphaned by a restart from an earlier step, as it does points', async () => {
    fs.writeFileSync(file('events.out.tfevents.1700000000.host.1.0'), Buffer.concat([fileVersionEvent(1_700_000_000), ...[0, 1, 2, 3].map((s) => imageEvent('img', s))]));
    fs.writeFileSync(file('events.out.tfevents.1700000100.host.2.0'), Buffer.concat([fileVersionEvent(1_700_000_100), ...[2, 3].map((s) => imageEvent('img', s, 1_700_000_100))]));
    const run = (await readTensorBoardRun(root, dir, new ProblemList(), LONG_AGO))!;
    assert.deepStrictEqual(names(run), ['step_0', 'step_1', 'step_2', 'step_3'].map((s) => `images/img/${s}.png`));
    assert.strictEqual(run.images![2].ref.file, 'runs/exp1/events.out.tfevents.1700000100.host.2.0', 'step 2 comes from the resumed file');
  });

  it('skips bytes that are no image; refuses references outside the workspace or run folder, past the end, or to replaced bytes', async () => {
    fs.writeFileSync(file(), Buffer.concat([fileVersionEvent(1_700_000_000), tfrecord(event({ wall: 1, step: 1, values: [imageValue('junk', Buffer.from('not an image at all'), 1, 1)] })), imageEvent('ok', 2)]));
    const run = (await readTensorBoardRun(root, dir, new ProblemList(), LONG_AGO))!;
    assert.deepStrictEqual(names(run), ['images/ok/step_2.png']);
    const ref = run.images![0].ref;
    await assert.rejects(readEmbedded(root, { ...ref, file: '../outside.png' }), /outside the workspace/);
    await assert.rejects(readEmbedded(root, ref, 'runs/other'), /outside the run folder/);
    await assert.rejects(readEmbedded(root, { ...ref, offset: ref.offset + 10_000 }), /ends before/);
    await assert.rejects(readEmbedded(root, { ...ref, offset: ref.offset + 1 }), /does not hold a PNG/);
    assert.strictEqual(parseEmbeddedPath('runs/exp1/picture.png'), undefined);
    assert.strictEqual(imageExtension(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), 'jpg');
    assert.strictEqual(imageExtension(Buffer.from('GIF89a')), 'gif');
  });

  it('puts the images into the index as artifacts named by tag and step, with sizes and paths the panel can resolve', async () => {
    fs.writeFileSync(file(), Buffer.concat([fileVersionEvent(1_700_000_000), imageEvent('img', 0)]));
    fs.writeFileSync(path.join(dir, 'confusion.png'), picture(9));
    const ws = await workspace({ root });
    const index = new ImportIndex(ws.store, root, importFinders(await loadSql()), ws.problems);
    await index.sync();
    const store = ws.store;
    const run = (await readTensorBoardRun(root, dir, new ProblemList(), LONG_AGO))!;
    const id = store.getRun('tensorboard:runs/exp1')!.id;
    const artifacts = store.getArtifacts(id).map((a) => [a.name, a.path, a.size]);
    assert.deepStrictEqual(artifacts, [
      ['confusion.png', 'runs/exp1/confusion.png', picture(9).length],
      ['images/img/step_0.png', embeddedPath(run.images![0].ref), picture(0).length],
    ]);
  });
});
