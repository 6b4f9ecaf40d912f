import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { crc32, crc32c, maskCrc } from '../../../src/core/codecs/crc';
import type { ImportedRun, ImportedSeries } from '../../../src/core/importers/contract';
import { fieldKey, ProtoError, ProtoReader, WireType } from '../../../src/core/codecs/protobuf';
import { findTensorBoardRuns, readTensorBoardRun, readTfRecords, TensorBoardRunReader } from '../../../src/core/importers/tensorboard';
import { ProblemList } from '../../../src/core/problems';
import { tempDir, trackerFixtures } from '../support/helpers';
import { event, f32Field, f64Field, fileVersionEvent, key, lField, scalarEvents, shape, simple, tensorValue, tfrecord, varint, vField } from '../support/tfevents';

/** Lines `time value step` of an MLflow file-store metric. */
function mlflowMetric(file: string): Map<number, number> {
  const m = new Map<number, number>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const [, value, step] = line.trim().split(/\s+/);
    if (step !== undefined) m.set(Number(step), Number(value));
  }
  return m;
}

const LONG_AGO = 2_000_000_000;

function series(run: ImportedRun, k: string): ImportedSeries {
  const s = run.metrics.get(k);
  assert.ok(s, `metric ${k} missing; have ${[...run.metrics.keys()].join(', ')}`);
  return s;
}

describe('importers: crc and protobuf', () => {
  it('computes CRC-32C and CRC-32 check values and the TF/LevelDB mask', () => {
    const b = Buffer.from('123456789');
    assert.strictEqual(crc32c(b), 0xe3069283);
    assert.strictEqual(crc32(b), 0xcbf43926);
    // Chained over two parts = over the whole.
    assert.strictEqual(crc32(b, 4, 9, crc32(b, 0, 4)), 0xcbf43926);
    assert.strictEqual(crc32c(Buffer.alloc(0)), 0);
    const c = crc32c(b);
    assert.strictEqual(maskCrc(c), ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0);
    // Long input (slicing-by-8 path) equals the byte-wise reference.
    const big = Buffer.alloc(1000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff;
    let ref = 0xffffffff;
    for (const byte of big) {
      ref ^= byte;
      for (let k = 0; k < 8; k++) ref = ref & 1 ? (ref >>> 1) ^ 0xedb88320 : ref >>> 1;
    }
    assert.strictEqual(crc32(big), (ref ^ 0xffffffff) >>> 0);
  });

  it('reads varints (incl. 64-bit and negative int64), fixed-width values and skips unknown fields', () => {
    const msg = Buffer.concat([
      vField(1, 300),
      vField(2, 2 ** 40 + 5),
      vField(3, -2n),
      vField(4, 2n ** 53n),
      f64Field(5, Math.PI),
      f32Field(6, 1.5),
      lField(7, 'héllo'),
      // A group (wire type 3/4) with a nested varint, skipped as unknown.
      key(8, 3),
      vField(1, 7),
      key(8, 4),
      lField(9, Buffer.concat([vField(1, 42)])),
      vField(10, 0xffffffff),
    ]);
    const r = new ProtoReader(msg);
    const got: Record<number, unknown> = {};
    for (let k = r.next(); k !== 0; k = r.next()) {
      switch (k) {
        case fieldKey(1, WireType.Varint):
        case fieldKey(2, WireType.Varint):
        case fieldKey(3, WireType.Varint):
        case fieldKey(4, WireType.Varint):
        case fieldKey(10, WireType.Varint):
          got[r.field] = r.varint();
          break;
        case fieldKey(5, WireType.Fixed64):
          got[5] = r.double();
          break;
        case fieldKey(6, WireType.Fixed32):
          got[6] = r.float();
          break;
        case fieldKey(7, WireType.LengthDelimited):
          got[7] = r.string();
          break;
        case fieldKey(9, WireType.LengthDelimited): {
          const outer = r.enter();
          r.next();
          got[9] = r.varint();
          r.leave(outer);
          break;
        }
        default:
          r.skip();
      }
    }
    assert.deepStrictEqual(got, { 1: 300, 2: 2 ** 40 + 5, 3: -2, 4: 2 ** 53, 5: Math.PI, 6: 1.5, 7: 'héllo', 9: 42, 10: 0xffffffff });
    const cut = new ProtoReader(Buffer.from([0x08, 0x80]));
    assert.strictEqual(cut.next(), fieldKey(1, WireType.Varint));
    assert.throws(() => cut.varint(), ProtoError);
    const truncated = new ProtoReader(Buffer.concat([key(1, 2), varint(10), Buffer.from('abc')]));
    truncated.next();
    assert.throws(() => truncated.string(), ProtoError);
  });
});

describe('importers: tensorboard fixtures', () => {
  const root = trackerFixtures('tensorboard');

  it('finds the run folders: Lightning version_0 and the Keras train/validation parents', async () => {
    const runs = (await findTensorBoardRuns(root)).map((r) => path.relative(root, r).split(path.sep).join('/'));
    assert.deepStrictEqual(runs, [
      'keras-petrophysics/mlruns/2/bf0cf1ab1fa64021ae60ac135305ac09/artifacts/tensorboard_logs',
      'keras-petrophysics/mlruns/3/8ccd5550ae394ba69ea1ffb38b2b3408/artifacts/tensorboard_logs',
      'lightning-lstm/lightning_logs/version_0',
    ]);
  });

  it('reads the Lightning run: simple_value scalars, hparams.yaml, counts from SOURCES.md', async () => {
    const problems = new ProblemList();
    const folder = path.join(root, 'lightning-lstm', 'lightning_logs', 'version_0');
    const reader = new TensorBoardRunReader(root, folder, problems);
    const run = (await reader.read(LONG_AGO))!;
    assert.deepStrictEqual(problems.messages, []);
    assert.strictEqual(reader.eventCount, 15_445);
    assert.strictEqual(run.source, 'tensorboard');
    assert.strictEqual(run.uid, 'tensorboard:lightning-lstm/lightning_logs/version_0');
    assert.strictEqual(run.folder, 'lightning-lstm/lightning_logs/version_0');
    assert.strictEqual(run.name, 'version_0');
    assert.strictEqual(run.experiment, 'lightning_logs');
    assert.strictEqual(run.status, 'finished');
    // The event file name carries the creation time: 1716735746.
    assert.strictEqual(Math.floor(run.startTime!), 1_716_735_746);
    assert.ok(run.endTime! > run.startTime!);
    assert.deepStrictEqual([...run.metrics.keys()].sort(), ['epoch', 'hp_metric', 'train_loss', 'val_loss']);

    const train = series(run, 'train_loss');
    // Logged every 50 steps from 49 to 384,549.
    const expected = (384_549 - 49) / 50 + 1;
    assert.strictEqual(expected, 7_691);
    assert.strictEqual(train.steps.length, expected);
    train.steps.forEach((s, i) => assert.strictEqual(s, 49 + 50 * i));
    assert.strictEqual(train.values[0], Math.fround(train.values[0]));
    assert.ok(Math.abs(train.values[0] - 2.0573372840881348) < 1e-12);
    assert.ok(train.times.every((t) => t !== null && t >= run.startTime!));

    const epoch = series(run, 'epoch');
    assert.strictEqual(epoch.steps.length, 7_720);
    assert.strictEqual(new Set(epoch.steps).size, 7_719, 'one duplicated step, kept (no restart)');
    assert.strictEqual(epoch.values[0], 0);
    assert.strictEqual(epoch.values[epoch.values.length - 1], 28);

    const val = series(run, 'val_loss');
    assert.strictEqual(val.steps.length, 29);
    assert.ok(val.values.every((v) => v > 0 && v < 1));
    assert.deepStrictEqual(series(run, 'hp_metric').values, [-1]);

    // hparams.yaml, read independently: every key with its value.
    const yaml = fs.readFileSync(path.join(folder, 'hparams.yaml'), 'utf8');
    for (const line of yaml.trim().split('\n')) {
      const [k, v] = line.split(': ');
      assert.strictEqual(run.params[k], Number(v), k);
    }
    assert.deepStrictEqual(run.artifacts, []);
  });

  it('reads the Keras runs: scalar tensors, train/ and validation/ merged with prefixes, equal to the MLflow copy', async () => {
    const cases: Array<[string, number]> = [
      ['2/bf0cf1ab1fa64021ae60ac135305ac09', 116],
      ['3/8ccd5550ae394ba69ea1ffb38b2b3408', 144],
    ];
    for (const [id, epochs] of cases) {
      const problems = new ProblemList();
      const folder = path.join(root, 'keras-petrophysics', 'mlruns', ...id.split('/'), 'artifacts', 'tensorboard_logs');
      const run = (await readTensorBoardRun(root, folder, problems, LONG_AGO))!;
      assert.deepStrictEqual(problems.messages, []);
      assert.strictEqual(run.name, 'tensorboard_logs');
      assert.strictEqual(run.experiment, 'artifacts');
      const keys = [...run.metrics.keys()].sort();
      assert.deepStrictEqual(keys, [
        'train/epoch_loss',
        'train/epoch_mae',
        'train/epoch_root_mean_squared_error',
        'validation/epoch_loss',
        'validation/epoch_mae',
        'validation/epoch_root_mean_squared_error',
        'validation/evaluation_loss_vs_iterations',
        'validation/evaluation_mae_vs_iterations',
        'validation/evaluation_root_mean_squared_error_vs_iterations',
      ]);
      for (const k of keys) assert.strictEqual(series(run, k).steps.length, epochs, k);
      assert.deepStrictEqual(series(run, 'train/epoch_loss').steps, Array.from({ length: epochs }, (_, i) => i));
      const iters = series(run, 'validation/evaluation_loss_vs_iterations').steps;
      assert.strictEqual(iters[0], 1266);
      assert.deepStrictEqual(series(run, 'validation/evaluation_loss_vs_iterations').values, series(run, 'validation/epoch_loss').values);

      // The same fit was autologged to MLflow (mlflow-files fixture): same numbers per epoch.
      const mlflowRun = trackerFixtures('mlflow-files', 'keras-petrophysics', 'mlruns', ...id.split('/'), 'metrics');
      for (const [tb, ml] of [
        ['train/epoch_loss', 'loss'],
        ['train/epoch_mae', 'mae'],
        ['validation/epoch_loss', 'val_loss'],
        ['validation/epoch_root_mean_squared_error', 'val_root_mean_squared_error'],
      ]) {
        const expected = mlflowMetric(path.join(mlflowRun, ml));
        const s = series(run, tb);
        assert.ok(expected.size >= epochs, tb); // MLflow also has the evaluation of the restored best model after the fit
        assert.strictEqual(s.steps.length, epochs, tb);
        s.steps.forEach((step, i) => assert.strictEqual(s.values[i], expected.get(step), `${tb} @ ${step}`));
      }
    }
    assert.strictEqual(cases[1][1], 144);
  });
});

describe('importers: tensorboard crafted files', () => {
  let root: string;
  let dir: string;
  beforeEach(() => {
    root = tempDir('labbook-tb-');
    dir = path.join(root, 'logs', 'run1');
    fs.mkdirSync(dir, { recursive: true });
  });
  const file = (name = 'events.out.tfevents.1700000000.host.1.0'): string => path.join(dir, name);

  it('frames records with readTfRecords: intact, corrupt data (skipped), torn tail (left)', () => {
    const recs = [0, 1, 2].map((i) => tfrecord(event({ wall: 1, step: i })));
    const bad = Buffer.from(recs[1]);
    bad[14] ^= 0xff;
    const torn = tfrecord(event({ wall: 1, step: 3 })).subarray(0, 10);
    const buf = Buffer.concat([recs[0], bad, recs[2], torn]);
    const res = readTfRecords(buf);
    assert.strictEqual(res.records.length, 2);
    assert.deepStrictEqual(
      res.problems.map((p) => p.offset),
      [recs[0].length],
    );
    assert.strictEqual(res.nextOffset, buf.length - torn.length);
    assert.strictEqual(res.stopped, false);
  });

  it('reports a record whose data CRC fails (file and byte offset) and loads the rest', async () => {
    const recs = [fileVersionEvent(1_700_000_000), ...scalarEvents('loss', Array.from({ length: 10 }, (_, i) => [i, i / 10] as [number, number]))];
    const offsetOf5 = recs.slice(0, 6).reduce((n, r) => n + r.length, 0);
    const buf = Buffer.concat(recs);
    buf[offsetOf5 + 12 + 3] ^= 0x55; // A data byte of the record with step 5.
    fs.writeFileSync(file(), buf);
    const problems = new ProblemList();
    const run = (await readTensorBoardRun(root, dir, problems, LONG_AGO))!;
    assert.strictEqual(problems.messages.length, 1);
    assert.match(problems.messages[0], /logs\/run1\/events\.out\.tfevents\.1700000000\.host\.1\.0/);
    assert.match(problems.messages[0], new RegExp(`byte ${offsetOf5}\\b`));
    assert.match(problems.messages[0], /checksum/);
    assert.deepStrictEqual(series(run, 'loss').steps, [0, 1, 2, 3, 4, 6, 7, 8, 9]);
  });

  it('stops at a corrupt length (reported once) keeping what came before', async () => {
    const recs = [fileVersionEvent(1_700_000_000), ...scalarEvents('loss', [[0, 1], [1, 2], [2, 3]])];
    const at = recs[0].length + recs[1].length;
    const buf = Buffer.concat(recs);
    buf[at + 1] ^= 0x01;
    fs.writeFileSync(file(), buf);
    const problems = new ProblemList();
    const reader = new TensorBoardRunReader(root, dir, problems);
    const run = (await reader.read(LONG_AGO))!;
    assert.deepStrictEqual(series(run, 'loss').steps, [0]);
    assert.strictEqual(problems.messages.length, 1);
    assert.match(problems.messages[0], new RegExp(`byte ${at}:.*length`));
    fs.appendFileSync(file(), Buffer.concat(scalarEvents('loss', [[3, 4]])));
    await reader.read(LONG_AGO);
    assert.strictEqual(problems.messages.length, 1, 'not reported again');
  });

  it('leaves a torn last record for later without a report, then reads only the new records', async () => {
    const complete = Buffer.concat([fileVersionEvent(1_700_000_000), ...scalarEvents('loss', [[0, 1], [1, 0.5], [2, 0.25]])]);
    const last = scalarEvents('loss', [[3, 0.125]])[0];
    fs.writeFileSync(file(), Buffer.concat([complete, last.subarray(0, last.length - 3)]));
    const problems = new ProblemList();
    const reader = new TensorBoardRunReader(root, dir, problems);
    const a = (await reader.read(LONG_AGO))!;
    assert.deepStrictEqual(series(a, 'loss').steps, [0, 1, 2]);
    assert.strictEqual(reader.eventCount, 4);
    fs.appendFileSync(file(), last.subarray(last.length - 3));
    const b = (await reader.read(LONG_AGO))!;
    assert.deepStrictEqual(series(b, 'loss').steps, [0, 1, 2, 3]);
    assert.deepStrictEqual(series(b, 'loss').values, [1, 0.5, 0.25, 0.125]);
    assert.strictEqual(reader.eventCount, 5, 'only the completed record was decoded');
    // The first result is a snapshot: later reads do not change it.
    assert.strictEqual(series(a, 'loss').steps.length, 3);
    // A torn header (fewer than 12 bytes) as well.
    const more = scalarEvents('loss', [[4, 1]])[0];
    fs.appendFileSync(file(), more.subarray(0, 5));
    assert.strictEqual(series((await reader.read(LONG_AGO))!, 'loss').steps.length, 4);
    fs.appendFileSync(file(), more.subarray(5));
    assert.strictEqual(series((await reader.read(LONG_AGO))!, 'loss').steps.length, 5);
    assert.strictEqual(reader.eventCount, 6);
    assert.deepStrictEqual(problems.messages, []);
  });

  it('purges orphaned points when steps go back after a restart (new file or file_version), keeps duplicates otherwise', async () => {
    fs.writeFileSync(
      file('events.out.tfevents.1700000000.host.1.0'),
      Buffer.concat([fileVersionEvent(1_700_000_000), ...scalarEvents('loss', [[0, 10], [1, 11], [2, 12], [3, 13], [4, 14], [4, 14.5]]), ...scalarEvents('acc', [[0, 1], [4, 2]])]),
    );
    const problems = new ProblemList();
    const reader = new TensorBoardRunReader(root, dir, problems);
    const a = (await reader.read(LONG_AGO))!;
    assert.deepStrictEqual(series(a, 'loss').steps, [0, 1, 2, 3, 4, 4]);
    // Resumed from the checkpoint at step 2: a new file whose steps start again at 2.
    fs.writeFileSync(
      file('events.out.tfevents.1700000100.host.2.0'),
      Buffer.concat([fileVersionEvent(1_700_000_100), ...scalarEvents('loss', [[2, 22], [3, 23]], 1_700_000_100), ...scalarEvents('acc', [[5, 3]], 1_700_000_100)]),
    );
    const b = (await reader.read(LONG_AGO))!;
    assert.deepStrictEqual(series(b, 'loss').steps, [0, 1, 2, 3]);
    assert.deepStrictEqual(series(b, 'loss').values, [10, 11, 22, 23]);
    assert.deepStrictEqual(series(b, 'acc').steps, [0, 4, 5], 'a tag going forward is untouched');
    // A restart inside the same file (another file_version event).
    fs.appendFileSync(file('events.out.tfevents.1700000100.host.2.0'), Buffer.concat([fileVersionEvent(1_700_000_200), ...scalarEvents('loss', [[1, 31]], 1_700_000_200)]));
    const c = (await reader.read(LONG_AGO))!;
    assert.deepStrictEqual(series(c, 'loss').steps, [0, 1]);
    assert.deepStrictEqual(series(c, 'loss').values, [10, 31]);
    // The same files read from scratch give the same result.
    const fresh = (await readTensorBoardRun(root, dir, problems, LONG_AGO))!;
    assert.deepStrictEqual(series(fresh, 'loss'), series(c, 'loss'));
    assert.deepStrictEqual(problems.messages, []);
  });

  it('decodes scalar tensors: float/double/int32/int64/bool/half, packed or not, and tensor_content', async () => {
    const f32 = (x: number): Buffer => {
      const b = Buffer.alloc(4);
      b.writeFloatLE(x);
      return b;
    };
    const f64 = (x: number): Buffer => {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(x);
      return b;
    };
    const i32 = (x: number): Buffer => {
      const b = Buffer.alloc(4);
      b.writeInt32LE(x);
      return b;
    };
    const i64 = (x: bigint): Buffer => {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(x);
      return b;
    };
    const values: Array<[string, Buffer, string | undefined]> = [
      ['float_packed', Buffer.concat([vField(1, 1), shape([]), lField(5, f32(0.5))]), 'scalars'],
      ['float_unpacked', Buffer.concat([vField(1, 1), f32Field(5, 1.25)]), undefined],
      ['double', Buffer.concat([vField(1, 2), lField(6, f64(Math.PI))]), 'scalars'],
      ['double_unpacked', Buffer.concat([vField(1, 2), f64Field(6, Math.E)]), undefined],
      ['int32', Buffer.concat([vField(1, 3), lField(7, varint(-7))]), undefined],
      ['int32_unpacked', Buffer.concat([vField(1, 3), vField(7, 12)]), undefined],
      ['int64', Buffer.concat([vField(1, 9), lField(10, varint(2 ** 40))]), undefined],
      ['bool', Buffer.concat([vField(1, 10), lField(11, varint(1))]), undefined],
      ['half', Buffer.concat([vField(1, 19), lField(13, varint(0x3c00))]), undefined],
      ['content_float', Buffer.concat([vField(1, 1), shape([]), lField(4, f32(-2.5))]), undefined],
      ['content_double', Buffer.concat([vField(1, 2), lField(4, f64(1e-300))]), undefined],
      ['content_int32', Buffer.concat([vField(1, 3), lField(4, i32(-123456))]), undefined],
      ['content_int64', Buffer.concat([vField(1, 9), lField(4, i64(-(2n ** 40n)))]), undefined],
      ['one_by_one', Buffer.concat([vField(1, 1), shape([1, 1]), lField(5, f32(4))]), undefined],
      // Not scalars: several elements, strings, the keras graph plugin.
      ['vector', Buffer.concat([vField(1, 1), shape([3]), lField(5, Buffer.concat([f32(1), f32(2), f32(3)]))]), undefined],
      ['string', Buffer.concat([vField(1, 7), lField(8, 'text')]), undefined],
      ['keras', Buffer.concat([vField(1, 1), lField(5, f32(9))]), 'graph_keras_model'],
    ];
    const recs = [fileVersionEvent(1_700_000_000)];
    for (const [tag, tensor, plugin] of values) recs.push(tfrecord(event({ wall: 1_700_000_001, step: 1, values: [tensorValue(tag, tensor, plugin)] })));
    // Metadata (plugin) only comes with a tag's first value: later values without it still count.
    recs.push(tfrecord(event({ wall: 1_700_000_002, step: 2, values: [tensorValue('float_packed', Buffer.concat([vField(1, 1), lField(5, f32(0.75))]))] })));
    recs.push(tfrecord(event({ wall: 1_700_000_002, step: 2, values: [tensorValue('keras', Buffer.concat([vField(1, 1), lField(5, f32(9))]))] })));
    fs.writeFileSync(file(), Buffer.concat(recs));
    const problems = new ProblemList();
    const run = (await readTensorBoardRun(root, dir, problems, LONG_AGO))!;
    assert.deepStrictEqual(problems.messages, []);
    const v = (k: string): number[] => series(run, k).values;
    assert.deepStrictEqual(v('float_packed'), [0.5, 0.75]);
    assert.deepStrictEqual(series(run, 'float_packed').steps, [1, 2]);
    assert.deepStrictEqual(v('float_unpacked'), [1.25]);
    assert.deepStrictEqual(v('double'), [Math.PI]);
    assert.deepStrictEqual(v('double_unpacked'), [Math.E]);
    assert.deepStrictEqual(v('int32'), [-7]);
    assert.deepStrictEqual(v('int32_unpacked'), [12]);
    assert.deepStrictEqual(v('int64'), [2 ** 40]);
    assert.deepStrictEqual(v('bool'), [1]);
    assert.deepStrictEqual(v('half'), [1]);
    assert.deepStrictEqual(v('content_float'), [-2.5]);
    assert.deepStrictEqual(v('content_double'), [1e-300]);
    assert.deepStrictEqual(v('content_int32'), [-123456]);
    assert.deepStrictEqual(v('content_int64'), [-(2 ** 40)]);
    assert.deepStrictEqual(v('one_by_one'), [4]);
    for (const k of ['vector', 'string', 'keras']) assert.ok(!run.metrics.has(k), k);
  });

  it('keeps NaN and ±Infinity values', async () => {
    fs.writeFileSync(
      file(),
      Buffer.concat([
        fileVersionEvent(1_700_000_000),
        ...scalarEvents('loss', [[0, NaN], [1, Infinity], [2, -Infinity], [3, 1]]),
        tfrecord(event({ wall: 1_700_000_005, step: 5, values: [tensorValue('d', Buffer.concat([vField(1, 2), f64Field(6, NaN)]))] })),
      ]),
    );
    const run = (await readTensorBoardRun(root, dir, new ProblemList(), LONG_AGO))!;
    const s = series(run, 'loss');
    assert.ok(Number.isNaN(s.values[0]));
    assert.deepStrictEqual(s.values.slice(1), [Infinity, -Infinity, 1]);
    assert.ok(Number.isNaN(series(run, 'd').values[0]));
  });

  it('reports an undecodable event with its offset and goes on', async () => {
    const junk = tfrecord(Buffer.from([0x2a, 0x7f, 0x01])); // summary field claiming 127 bytes
    const recs = [fileVersionEvent(1_700_000_000), junk, ...scalarEvents('loss', [[1, 1]])];
    fs.writeFileSync(file(), Buffer.concat(recs));
    const problems = new ProblemList();
    const run = (await readTensorBoardRun(root, dir, problems, LONG_AGO))!;
    assert.strictEqual(problems.messages.length, 1);
    assert.match(problems.messages[0], new RegExp(`run1/events\\S+: byte ${recs[0].length}: cannot decode event`));
    assert.deepStrictEqual(series(run, 'loss').steps, [1]);
  });

  it('says running while the last event is recent, finished after 10 minutes; hparams plugin and hparams.yaml as params', async () => {
    const hparamsContent = lField(
      3,
      lField(1, Buffer.concat([lField(1, 'lr'), lField(2, f64Field(2, 0.01))])),
    );
    const hp = Buffer.concat([lField(1, '_hparams_/session_start_info'), lField(9, lField(1, Buffer.concat([lField(1, 'hparams'), lField(2, hparamsContent)])))]);
    fs.writeFileSync(
      file(),
      Buffer.concat([fileVersionEvent(1_700_000_000), tfrecord(event({ wall: 1_700_000_000, values: [hp] })), ...scalarEvents('loss', [[0, 1], [100, 2]])]),
    );
    fs.writeFileSync(path.join(dir, 'hparams.yaml'), 'batch_size: 32\noptimizer:\n  name: adam\n  betas: [0.9, 0.999]\n');
    fs.writeFileSync(path.join(dir, 'confusion.png'), 'png');
    const reader = new TensorBoardRunReader(root, dir);
    const last = 1_700_000_100;
    const running = (await reader.read(last + 60))!;
    assert.strictEqual(running.status, 'running');
    assert.strictEqual(running.endTime, undefined);
    const done = (await reader.read(last + 601))!;
    assert.strictEqual(done.status, 'finished');
    assert.strictEqual(done.startTime, 1_700_000_000);
    assert.strictEqual(done.endTime, last);
    assert.deepStrictEqual(done.params, { lr: 0.01, batch_size: 32, optimizer: { name: 'adam', betas: [0.9, 0.999] } });
    assert.deepStrictEqual(done.artifacts, ['logs/run1/confusion.png']);
    assert.deepStrictEqual([...done.metrics.keys()], ['loss']);
    assert.strictEqual(done.uid, 'tensorboard:logs/run1');
    assert.strictEqual(done.experiment, 'logs');
  });

  it('finds runs below the workspace, skipping node_modules, dot-folders and depth > 8; merges Keras train/validation', async () => {
    const ev = Buffer.concat([fileVersionEvent(1_700_000_000), ...scalarEvents('epoch_loss', [[0, 1]])]);
    const put = (...parts: string[]): void => {
      fs.mkdirSync(path.join(root, ...parts), { recursive: true });
      fs.writeFileSync(path.join(root, ...parts, 'events.out.tfevents.1700000000.h.1.0.v2'), ev);
    };
    fs.writeFileSync(file(), ev);
    put('node_modules', 'x');
    put('.hidden', 'x');
    put('a', '.git', 'x');
    put('d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8');
    put('d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8', 'd9');
    put('fit', 'train');
    put('fit', 'validation');
    put('est', 'eval'); // not a Keras sub-folder name: its own run
    put('est');
    const runs = (await findTensorBoardRuns(root)).map((r) => path.relative(root, r).split(path.sep).join('/'));
    assert.deepStrictEqual(runs, ['d1/d2/d3/d4/d5/d6/d7/d8', 'est', 'est/eval', 'fit', 'logs/run1']);
    const fit = (await readTensorBoardRun(root, path.join(root, 'fit'), new ProblemList(), LONG_AGO))!;
    assert.deepStrictEqual([...fit.metrics.keys()].sort(), ['train/epoch_loss', 'validation/epoch_loss']);
  });

  it('reads several files of a folder in creation-time order, and picks up a new file incrementally', async () => {
    fs.writeFileSync(file('events.out.tfevents.1700000200.h.1.0'), Buffer.concat([fileVersionEvent(1_700_000_200), ...scalarEvents('b', [[1, 1]], 1_700_000_200)]));
    fs.writeFileSync(file('events.out.tfevents.1700000100.h.1.0'), Buffer.concat([fileVersionEvent(1_700_000_100), ...scalarEvents('a', [[1, 1]], 1_700_000_100)]));
    const reader = new TensorBoardRunReader(root, dir);
    const a = (await reader.read(LONG_AGO))!;
    assert.deepStrictEqual([...a.metrics.keys()], ['a', 'b']);
    assert.strictEqual(a.startTime, 1_700_000_100);
    fs.writeFileSync(file('events.out.tfevents.1700000300.h.1.0'), Buffer.concat([fileVersionEvent(1_700_000_300), ...scalarEvents('c', [[1, 1]], 1_700_000_300)]));
    const before = reader.eventCount;
    const b = (await reader.read(LONG_AGO))!;
    assert.deepStrictEqual([...b.metrics.keys()], ['a', 'b', 'c']);
    assert.strictEqual(reader.eventCount - before, 2);
    // A file that shrank (rewritten): everything is read again.
    fs.writeFileSync(file('events.out.tfevents.1700000100.h.1.0'), fileVersionEvent(1_700_000_100));
    const c = (await reader.read(LONG_AGO))!;
    assert.deepStrictEqual([...c.metrics.keys()], ['b', 'c']);
  });

  // Speed is measured by `npm run bench`; this checks that a large file decodes completely.
  it('decodes a large event file completely', async function () {
    this.timeout(60_000);
    const n = 300_000;
    const tags = ['train/loss', 'train/acc', 'lr'];
    const chunks: Buffer[] = [fileVersionEvent(1_700_000_000)];
    for (let i = 0; i < n; i++) chunks.push(tfrecord(event({ wall: 1_700_000_000 + i / 100, step: i + 1, values: [simple(tags[i % 3], i / n)] })));
    fs.writeFileSync(file(), Buffer.concat(chunks));
    const reader = new TensorBoardRunReader(root, dir);
    const run = (await reader.read(LONG_AGO))!;
    assert.strictEqual(series(run, 'train/loss').steps.length + series(run, 'train/acc').steps.length + series(run, 'lr').steps.length, n);
    assert.strictEqual(series(run, 'lr').values[n / 3 - 1], Math.fround((n - 1) / n), 'float32 simple_value');
  });
});
