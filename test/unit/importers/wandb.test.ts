import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { crc32, maskCrc } from '../../../src/core/codecs/crc';
import type { ImportedRun, ImportedSeries } from '../../../src/core/importers/contract';
import { cleanConsole, findWandbRuns, LEVELDB_BLOCK, readWandbRun, scanLevelDbLog, WandbRunReader } from '../../../src/core/importers/wandb';
import { ProblemList } from '../../../src/core/problems';
import { tempDir, trackerFixtures } from '../support/helpers';
import { lField, vField } from '../support/tfevents';

// ---- A W&B (LevelDB log) writer, on the protobuf writer of the TensorBoard tests, to craft .wandb files ----

const item = (key: string, json: string): Buffer => Buffer.concat([lField(1, key), lField(16, json)]);
const timestamp = (seconds: number): Buffer => Buffer.concat([vField(1, Math.floor(seconds)), vField(2, Math.round((seconds % 1) * 1e9))]);

const rec = {
  history: (values: Record<string, string>): Buffer => lField(2, Buffer.concat(Object.entries(values).map(([k, v]) => lField(1, item(k, v))))),
  nestedHistory: (keys: string[], json: string, step: number): Buffer => lField(2, Buffer.concat([lField(1, Buffer.concat([...keys.map((k) => lField(2, k)), lField(16, json)])), lField(2, vField(1, step))])),
  summary: (values: Record<string, string>): Buffer => lField(3, Buffer.concat(Object.entries(values).map(([k, v]) => lField(1, item(k, v))))),
  config: (update: Record<string, string>, remove: string[] = []): Buffer =>
    lField(5, Buffer.concat([...Object.entries(update).map(([k, v]) => lField(1, item(k, v))), ...remove.map((k) => lField(2, lField(1, k)))])),
  stats: (time: number, values: Record<string, string>): Buffer => lField(7, Buffer.concat([lField(2, timestamp(time)), ...Object.entries(values).map(([k, v]) => lField(3, item(k, v)))])),
  output: (line: string): Buffer => lField(4, Buffer.concat([vField(1, 1), lField(3, line)])),
  outputRaw: (line: string): Buffer => lField(13, Buffer.concat([vField(1, 1), lField(3, line)])),
  run: (o: { id: string; project?: string; name?: string; notes?: string; tags?: string[]; start?: number }): Buffer =>
    lField(
      17,
      Buffer.concat([
        lField(1, o.id),
        ...(o.project ? [lField(3, o.project)] : []),
        ...(o.name ? [lField(8, o.name)] : []),
        ...(o.notes ? [lField(9, o.notes)] : []),
        ...(o.tags ?? []).map((t) => lField(10, t)),
        ...(o.start ? [lField(17, timestamp(o.start))] : []),
      ]),
    ),
  exit: (code: number, runtime: number): Buffer => lField(18, Buffer.concat([vField(1, code), vField(2, runtime)])),
};
/** Every record also carries a `num` (field 1) and `_info` (200), as wandb writes them. */
const withNum = (num: number, body: Buffer): Buffer => Buffer.concat([vField(1, num), body, lField(200, lField(1, 'stream-id'))]);

interface Chunk {
  offset: number;
  type: number;
  record: number;
}
/** Writes records the way wandb's datastore does: 7-byte header, 32 KiB blocks, zero-padded trailers, FIRST/MIDDLE/LAST for long records. */
function wandbLog(records: Buffer[], opts: { masked?: boolean } = {}): { buf: Buffer; chunks: Chunk[] } {
  const out: Buffer[] = [Buffer.from([0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, 0x00])];
  const chunks: Chunk[] = [];
  let index = 7;
  records.forEach((record, r) => {
    let data = record;
    let first = true;
    for (;;) {
      const left = LEVELDB_BLOCK - (index % LEVELDB_BLOCK);
      if (left < 7) {
        out.push(Buffer.alloc(left));
        index += left;
        continue;
      }
      const n = Math.min(left - 7, data.length);
      const last = n === data.length;
      const type = first && last ? 1 : first ? 2 : last ? 4 : 3;
      const head = Buffer.alloc(7);
      const body = data.subarray(0, n);
      const c = crc32(Buffer.concat([Buffer.from([type]), body]));
      head.writeUInt32LE(opts.masked ? maskCrc(c) : c, 0);
      head.writeUInt16LE(n, 4);
      head[6] = type;
      out.push(head, body);
      chunks.push({ offset: index, type, record: r });
      index += 7 + n;
      data = data.subarray(n);
      first = false;
      if (last) break;
    }
  });
  return { buf: Buffer.concat(out), chunks };
}

function series(run: ImportedRun, k: string): ImportedSeries {
  const s = run.metrics.get(k);
  assert.ok(s, `metric ${k} missing; have ${[...run.metrics.keys()].filter((x) => !x.startsWith('system/')).join(', ')}`);
  return s;
}
const userKeys = (run: ImportedRun): string[] => [...run.metrics.keys()].filter((k) => !k.startsWith('system/')).sort();
const LONG_AGO = 2_000_000_000;

/** The exit code wandb's internal process logged, read independently of the .wandb file. */
function loggedExitCode(runFolder: string): number | undefined {
  const m = /handling exit code: (-?\d+)/.exec(fs.readFileSync(path.join(runFolder, 'logs', 'debug-internal.log'), 'utf8'));
  return m ? Number(m[1]) : undefined;
}

describe('importers: wandb fixtures', () => {
  const root = trackerFixtures('wandb');
  const runFolder = (...p: string[]): string => path.join(root, ...p);

  it('finds the five run folders', async () => {
    const runs = (await findWandbRuns(root)).map((r) => path.relative(root, r).split(path.sep).join('/'));
    assert.deepStrictEqual(runs, [
      'reversal-gpt/wandb/run-20241113_040108-itmonj16',
      'reversal-gpt/wandb/run-20241113_040556-vxam6q8u',
      'sparse-gpt/wandb/run-20230221_172610-3s61xaor',
      'sparse-gpt/wandb/run-20230221_174810-1snodhk5',
      'sparse-gpt/wandb/run-20230221_175120-8it4cf2l',
    ]);
  });

  it('reads reversal-gpt vxam6q8u: 109 history rows, config, system metrics, console ending in KeyboardInterrupt', async () => {
    const folder = runFolder('reversal-gpt', 'wandb', 'run-20241113_040556-vxam6q8u');
    const problems = new ProblemList();
    const reader = new WandbRunReader(root, folder, problems);
    const run = (await reader.read(LONG_AGO))!;
    assert.deepStrictEqual(problems.messages, []);
    assert.strictEqual(reader.recordCount, 6059);
    assert.strictEqual(run.source, 'wandb');
    assert.strictEqual(run.uid, 'wandb:vxam6q8u');
    assert.strictEqual(run.folder, 'reversal-gpt/wandb/run-20241113_040556-vxam6q8u');
    assert.strictEqual(run.experiment, 'next-token-failures');
    assert.strictEqual(run.name, 'reverse');
    assert.deepStrictEqual(userKeys(run), ['iteration', 'learning_rate', 'train/accuracy', 'train/loss']);
    for (const k of userKeys(run)) assert.deepStrictEqual(series(run, k).steps, Array.from({ length: 109 }, (_, i) => i), k);

    // The last row equals wandb-summary.json, written by wandb itself.
    const summary = JSON.parse(fs.readFileSync(path.join(folder, 'files', 'wandb-summary.json'), 'utf8')) as Record<string, number>;
    assert.strictEqual(summary._step, 108);
    for (const k of userKeys(run)) {
      const s = series(run, k);
      assert.strictEqual(s.values[s.values.length - 1], summary[k], k);
    }
    assert.strictEqual(series(run, 'train/loss').times[108], summary._timestamp);

    // Status: wandb logged exit code 255 (its code for a KeyboardInterrupt).
    assert.strictEqual(loggedExitCode(folder), 255);
    assert.strictEqual(run.status, 'killed');
    const outputLog = fs.readFileSync(path.join(folder, 'files', 'output.log'), 'utf8');
    assert.match(outputLog.trimEnd(), /KeyboardInterrupt.*$/);
    assert.ok(run.console!.trimEnd().endsWith('KeyboardInterrupt'));
    assert.ok(run.console!.startsWith('Epoch: [0/2000] Loss: 8.3319'));
    assert.ok(!run.console!.includes('\r'));

    // Config: the run record's config, equal to files/config.yaml.
    assert.strictEqual(run.params.lr, 1e-5);
    assert.strictEqual(run.params.n_layer, 36);
    assert.strictEqual(run.params.model, 'gpt');
    assert.strictEqual(run.params.unrolled, true);
    assert.ok(!('_wandb' in run.params));
    // Start time: config.yaml's _wandb.start_time is the same instant.
    assert.ok(Math.abs(run.startTime! - 1731488756.689651) < 1e-3);
    assert.ok(Math.abs(run.endTime! - (run.startTime! + 877)) < 1e-6);
    assert.strictEqual(run.description?.split(' ')[0], 'train.py');

    // System metrics: one point per stats record.
    assert.strictEqual(series(run, 'system/cpu').steps.length, 29);
    assert.strictEqual(series(run, 'system/gpu.0.gpu').steps.length, 28);
    assert.ok(series(run, 'system/cpu').times.every((t) => t !== null && t > run.startTime!));
  });

  it('reads reversal-gpt itmonj16: 11 history rows', async () => {
    const folder = runFolder('reversal-gpt', 'wandb', 'run-20241113_040108-itmonj16');
    const run = (await readWandbRun(root, folder, new ProblemList(), LONG_AGO))!;
    assert.strictEqual(run.uid, 'wandb:itmonj16');
    assert.deepStrictEqual(userKeys(run), ['iteration', 'learning_rate', 'train/accuracy', 'train/loss']);
    assert.strictEqual(series(run, 'train/loss').steps.length, 11);
    assert.strictEqual(run.status, loggedExitCode(folder) === 255 ? 'killed' : 'finished');
  });

  it('reads the three sparse-gpt runs, one without history', async () => {
    const expected: Array<[string, number]> = [
      ['run-20230221_172610-3s61xaor', 6],
      ['run-20230221_175120-8it4cf2l', 7],
      ['run-20230221_174810-1snodhk5', 0],
    ];
    for (const [name, rows] of expected) {
      const folder = runFolder('sparse-gpt', 'wandb', name);
      const problems = new ProblemList();
      const run = (await readWandbRun(root, folder, problems, LONG_AGO))!;
      assert.deepStrictEqual(problems.messages, [], name);
      assert.strictEqual(run.uid, `wandb:${name.split('-').pop()}`);
      assert.strictEqual(run.experiment, 'ICLR');
      assert.deepStrictEqual(userKeys(run), rows ? ['density', 'perplexity'] : [], name);
      if (rows) {
        assert.strictEqual(series(run, 'perplexity').steps.length, rows);
        const summary = JSON.parse(fs.readFileSync(path.join(folder, 'files', 'wandb-summary.json'), 'utf8')) as Record<string, number>;
        assert.strictEqual(series(run, 'perplexity').values[rows - 1], summary.perplexity);
      }
      // The crashed one (a notebook) still ended with exit code 0 as far as wandb knew.
      assert.strictEqual(run.status, loggedExitCode(folder) === 0 ? 'finished' : 'failed', name);
      assert.deepStrictEqual(Object.keys(run.params).sort(), ['model_name', 'stride', 'token_length']);
    }
  });
});

describe('importers: wandb crafted logs', () => {
  let root: string;
  let dir: string;
  let file: string;
  beforeEach(() => {
    root = tempDir('labbook-wandb-');
    dir = path.join(root, 'wandb', 'offline-run-20240101_000000-abc123');
    fs.mkdirSync(dir, { recursive: true });
    file = path.join(dir, 'run-abc123.wandb');
  });

  /** Many history records (enough for several blocks) between a run record and an exit record. */
  function manyRecords(n: number): Buffer[] {
    const out = [withNum(1, rec.run({ id: 'abc123', project: 'proj', name: 'crafted', start: 1_700_000_000 }))];
    for (let i = 0; i < n; i++) out.push(withNum(i + 2, rec.history({ loss: String(1 / (i + 1)), _step: String(i), _timestamp: String(1_700_000_000 + i) })));
    out.push(withNum(n + 2, rec.exit(0, 100)));
    return out;
  }

  it('reads a crafted offline run: run record, history incl. NaN/Infinity and nested keys, config, summary, stats, output, exit', async () => {
    const { buf } = wandbLog([
      withNum(1, rec.run({ id: 'abc123', project: 'proj', name: 'nice-run', notes: 'a note', tags: ['x', 'y'], start: 1_700_000_000.5 })),
      withNum(2, rec.config({ lr: '0.1', model: '{"layers": 3}', drop: '1' }, ['drop'])),
      withNum(3, rec.history({ loss: 'NaN', acc: 'Infinity', neg: '-Infinity', img: '{"_type": "image-file"}', flag: 'true', _step: '0', _runtime: '1.5' })),
      withNum(4, rec.history({ loss: '0.5', _step: '1' })),
      withNum(5, rec.nestedHistory(['eval', 'f1'], '0.75', 2)),
      withNum(6, rec.summary({ best: '0.9', loss: '0.5' })),
      withNum(7, rec.stats(1_700_000_010, { cpu: '12.5', 'gpu.0.gpu': '99' })),
      withNum(8, rec.stats(1_700_000_020, { cpu: '13.5' })),
      withNum(9, rec.output('hello\n')),
      withNum(10, rec.output('progress 10%\rprogress 100%\n')),
      withNum(11, rec.exit(1, 42)),
    ]);
    fs.writeFileSync(file, buf);
    const problems = new ProblemList();
    const run = (await readWandbRun(root, dir, problems, LONG_AGO))!;
    assert.deepStrictEqual(problems.messages, []);
    assert.strictEqual(run.uid, 'wandb:abc123');
    assert.strictEqual(run.experiment, 'proj');
    assert.strictEqual(run.name, 'nice-run');
    assert.strictEqual(run.note, 'a note');
    assert.deepStrictEqual(run.tags, ['x', 'y']);
    assert.strictEqual(run.startTime, 1_700_000_000.5);
    assert.strictEqual(run.endTime, 1_700_000_042.5);
    assert.strictEqual(run.status, 'failed');
    assert.deepStrictEqual(run.params, { lr: 0.1, model: { layers: 3 } });
    const loss = series(run, 'loss');
    assert.deepStrictEqual(loss.steps, [0, 1]);
    assert.ok(Number.isNaN(loss.values[0]));
    assert.strictEqual(loss.values[1], 0.5);
    assert.deepStrictEqual(series(run, 'acc').values, [Infinity]);
    assert.deepStrictEqual(series(run, 'neg').values, [-Infinity]);
    assert.deepStrictEqual(series(run, 'eval.f1').steps, [2]);
    assert.ok(!run.metrics.has('img') && !run.metrics.has('flag') && !run.metrics.has('_runtime'));
    // A summary value never logged to history: one point at the last step.
    assert.deepStrictEqual(series(run, 'best').steps, [2]);
    assert.deepStrictEqual(series(run, 'best').values, [0.9]);
    assert.deepStrictEqual(series(run, 'system/cpu').steps, [0, 1]);
    assert.deepStrictEqual(series(run, 'system/cpu').times, [1_700_000_010, 1_700_000_020]);
    assert.deepStrictEqual(series(run, 'system/gpu.0.gpu').steps, [0]);
    assert.strictEqual(run.console, 'hello\nprogress 100%\n');
  });

  it('reports a chunk with a bad CRC (file and byte offset), skips the rest of its block and loads the other blocks', async () => {
    const records = manyRecords(3000);
    const { buf, chunks } = wandbLog(records);
    assert.ok(buf.length > 4 * LEVELDB_BLOCK);
    // Corrupt a FULL chunk in the middle of the third block.
    const target = chunks.find((c) => c.offset > 2 * LEVELDB_BLOCK + 10_000 && c.type === 1)!;
    buf[target.offset + 7 + 2] ^= 0xff;
    fs.writeFileSync(file, buf);
    const blockEnd = 3 * LEVELDB_BLOCK;
    const lost = new Set(chunks.filter((c) => c.offset >= target.offset && c.offset < blockEnd).map((c) => c.record));
    const problems = new ProblemList();
    const run = (await readWandbRun(root, dir, problems, LONG_AGO))!;
    assert.strictEqual(problems.messages.length, 1);
    assert.match(problems.messages[0], new RegExp(`wandb/offline-run-20240101_000000-abc123/run-abc123\\.wandb: byte ${target.offset}: chunk checksum mismatch`));
    const steps = series(run, 'loss').steps;
    assert.strictEqual(steps.length, 3000 - lost.size);
    assert.ok(lost.size > 10);
    for (const r of lost) assert.ok(!steps.includes(r - 1), `record ${r} should be lost`);
    assert.strictEqual(steps[steps.length - 1], 2999, 'records after the bad block load');
    assert.strictEqual(run.status, 'finished');
  });

  it('reassembles records spanning blocks (FIRST/MIDDLE/LAST)', async () => {
    const long = 'x'.repeat(100_000) + '\n';
    const { buf, chunks } = wandbLog([
      withNum(1, rec.run({ id: 'abc123', project: 'p' })),
      withNum(2, rec.output('start\n')),
      withNum(3, rec.output(long)),
      withNum(4, rec.history({ v: '1', _step: '0' })),
    ]);
    assert.deepStrictEqual(
      chunks.filter((c) => c.record === 2).map((c) => c.type),
      [2, 3, 3, 4],
    );
    fs.writeFileSync(file, buf);
    const problems = new ProblemList();
    const run = (await readWandbRun(root, dir, problems, LONG_AGO))!;
    assert.deepStrictEqual(problems.messages, []);
    assert.strictEqual(run.console, 'start\n' + long);
    assert.deepStrictEqual(series(run, 'v').values, [1]);
  });

  it('leaves a torn final block for later without a report, then reads only what was added', async () => {
    const records = manyRecords(500);
    const { buf, chunks } = wandbLog(records);
    // Cut inside the FIRST chunk of a record that spans two blocks.
    const spanning = chunks.find((c) => c.type === 2)!;
    const cut = spanning.offset + 7 + 1;
    fs.writeFileSync(file, buf.subarray(0, cut));
    const problems = new ProblemList();
    const reader = new WandbRunReader(root, dir, problems);
    const a = (await reader.read(Date.now() / 1000))!;
    const before = chunks.filter((c) => c.offset < spanning.offset && c.record > 0).length;
    assert.strictEqual(series(a, 'loss').steps.length, before);
    assert.strictEqual(reader.recordCount, before + 1);
    // No exit record yet, the file just written: running.
    assert.strictEqual(a.status, 'running');
    // The FIRST chunk complete, the block padded, the LAST chunk's header torn: still waiting.
    const nextBlock = Math.ceil(cut / LEVELDB_BLOCK) * LEVELDB_BLOCK;
    fs.appendFileSync(file, buf.subarray(cut, nextBlock + 3));
    assert.strictEqual(series((await reader.read(LONG_AGO))!, 'loss').steps.length, before);
    assert.strictEqual(reader.recordCount, before + 1);
    fs.appendFileSync(file, buf.subarray(nextBlock + 3));
    const b = (await reader.read(LONG_AGO))!;
    assert.strictEqual(series(b, 'loss').steps.length, 500);
    assert.strictEqual(reader.recordCount, records.length, 'every record decoded exactly once');
    assert.strictEqual(b.status, 'finished');
    assert.deepStrictEqual(problems.messages, []);
  });

  it('says running without an exit record while the log is fresh, killed once it has been quiet', async () => {
    const { buf } = wandbLog(manyRecords(3).slice(0, -1));
    fs.writeFileSync(file, buf);
    const mtime = fs.statSync(file).mtimeMs / 1000;
    assert.strictEqual((await readWandbRun(root, dir, new ProblemList(), mtime + 60))!.status, 'running');
    const killed = (await readWandbRun(root, dir, new ProblemList(), mtime + 3600))!;
    assert.strictEqual(killed.status, 'killed');
  });

  it('accepts masked LevelDB checksums too, and reports a file that is not a W&B log', async () => {
    fs.writeFileSync(file, wandbLog(manyRecords(5), { masked: true }).buf);
    const problems = new ProblemList();
    assert.strictEqual(series((await readWandbRun(root, dir, problems, LONG_AGO))!, 'loss').steps.length, 5);
    assert.deepStrictEqual(problems.messages, []);
    fs.writeFileSync(file, Buffer.from('not a wandb file at all'));
    const run = (await readWandbRun(root, dir, problems, LONG_AGO))!;
    assert.strictEqual(problems.messages.length, 1);
    assert.match(problems.messages[0], /run-abc123\.wandb: byte 0: not a W&B log/);
    assert.strictEqual(run.uid, 'wandb:abc123', 'the run id from the folder name');
  });

  it('falls back on files/: config.yaml (desc/value), wandb-summary.json, output.log, wandb-metadata.json', async () => {
    const files = path.join(dir, 'files');
    fs.mkdirSync(path.join(files, 'media', 'images'), { recursive: true });
    fs.writeFileSync(path.join(files, 'config.yaml'), 'wandb_version: 1\n\nlr:\n  desc: null\n  value: 0.001\nlayers:\n  desc: null\n  value:\n  - 64\n  - 32\n_wandb:\n  desc: null\n  value:\n    cli_version: 0.16.2\n');
    fs.writeFileSync(path.join(files, 'wandb-summary.json'), '{"final_acc": 0.93, "_step": 4, "_wandb": {"runtime": 5}}');
    fs.writeFileSync(path.join(files, 'output.log'), 'line 1\nline 2\n');
    fs.writeFileSync(path.join(files, 'wandb-metadata.json'), JSON.stringify({ startedAt: '2024-01-01T00:00:00.250000', program: 'train.py', args: ['--lr', '0.001'] }));
    fs.writeFileSync(path.join(files, 'media', 'images', 'sample_0.png'), 'png');
    const problems = new ProblemList();
    const run = (await readWandbRun(root, dir, problems, LONG_AGO))!;
    assert.deepStrictEqual(problems.messages, []);
    assert.strictEqual(run.uid, 'wandb:abc123');
    assert.strictEqual(run.name, 'abc123');
    assert.deepStrictEqual(run.params, { lr: 0.001, layers: [64, 32] });
    assert.deepStrictEqual(series(run, 'final_acc').values, [0.93]);
    assert.strictEqual(run.console, 'line 1\nline 2\n');
    assert.strictEqual(run.startTime, Date.UTC(2024, 0, 1) / 1000 + 0.25);
    assert.strictEqual(run.description, 'train.py --lr 0.001');
    assert.deepStrictEqual(run.artifacts, ['wandb/offline-run-20240101_000000-abc123/files/media/images/sample_0.png']);
  });

  it('finds run-* and offline-run-* under wandb/ folders, not the latest-run link, nor too deep', async () => {
    fs.mkdirSync(path.join(root, 'wandb', 'run-20240101_000001-def456'));
    fs.mkdirSync(path.join(root, 'a', 'b', 'c', 'd', 'wandb', 'run-x-1'), { recursive: true });
    fs.mkdirSync(path.join(root, 'a', 'b', 'c', 'd', 'e', 'f', 'wandb', 'run-x-2'), { recursive: true });
    fs.mkdirSync(path.join(root, 'node_modules', 'wandb', 'run-x-3'), { recursive: true });
    fs.mkdirSync(path.join(root, 'other', 'run-x-4'), { recursive: true });
    fs.symlinkSync(dir, path.join(root, 'wandb', 'latest-run'));
    fs.writeFileSync(path.join(root, 'wandb', 'debug.log'), '');
    const runs = (await findWandbRuns(root)).map((r) => path.relative(root, r).split(path.sep).join('/'));
    assert.deepStrictEqual(runs, ['a/b/c/d/wandb/run-x-1', 'wandb/offline-run-20240101_000000-abc123', 'wandb/run-20240101_000001-def456']);
  });

  it('scanLevelDbLog works from any record start, and cleanConsole keeps what a terminal shows', () => {
    const { buf, chunks } = wandbLog(manyRecords(50));
    const start = chunks[10].offset;
    const seen: number[] = [];
    const scan = scanLevelDbLog(buf.subarray(start), start, (_d, offset) => seen.push(offset), () => assert.fail('no problem expected'));
    assert.deepStrictEqual(seen, chunks.slice(10).map((c) => c.offset));
    assert.strictEqual(scan.nextOffset, buf.length);
    assert.strictEqual(cleanConsole('a\rb\r\n\x1b[31mred\x1b[0m\nx\r\n'), 'b\nred\nx\n');
  });
});
