import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import type { ImportedRun } from '../../../src/core/importers/contract';
import { findSwanlabRoots, readSwanlab, readSwanlabFrames } from '../../../src/core/importers/swanlab';
import { ProblemList } from '../../../src/core/problems';
import { loadSql, tempDir, trackerFixtures } from '../support/helpers';

/** A time well after the fixtures were written. */
const LATER = Date.now() / 1000 + 24 * 3600;

/** Writes `backup.swanlab` framing (32 KiB blocks, FULL/FIRST/MIDDLE/LAST records, CRC-32 of type + data). */
function frame(payloads: string[]): Buffer {
  const BLOCK = 32 * 1024;
  const chunks: Buffer[] = [Buffer.from([0x3a, 0x53, 0x57, 0x4c, 0xd6, 0xe1, 0x01])];
  let pos = 7;
  for (const p of payloads) {
    let data = Buffer.from(p, 'utf8');
    let first = true;
    for (;;) {
      let left = BLOCK - (pos % BLOCK);
      if (left < 7) {
        chunks.push(Buffer.alloc(left));
        pos += left;
        left = BLOCK;
      }
      const room = left - 7;
      const part = data.subarray(0, room);
      const last = part.length === data.length;
      const type = first && last ? 1 : first ? 2 : last ? 4 : 3;
      const header = Buffer.alloc(7);
      header.writeUInt32LE(zlib.crc32(part, zlib.crc32(Buffer.from([type]))), 0);
      header.writeUInt16LE(part.length, 4);
      header[6] = type;
      chunks.push(header, part);
      pos += 7 + part.length;
      data = data.subarray(part.length);
      first = false;
      if (last) break;
    }
  }
  return Buffer.concat(chunks);
}

function rec(model_type: string, data: object): string {
  return JSON.stringify({ model_type, data }) + '\n';
}

describe('swanlab: adsft fixture (0.6.x backup.swanlab)', () => {
  const root = trackerFixtures('swanlab', 'adsft-0.6');
  let runs: ImportedRun[];
  let problems: ProblemList;
  before(async () => {
    problems = new ProblemList();
    runs = await readSwanlab(await loadSql(), root, 'swanlog', problems, LATER);
  });

  it('splits both backup files into their records with valid checksums', () => {
    for (const name of ['run-20260531_085436-kd4v3b6ndym9m725v4d7q', 'run-20260531_190548-kd4v3b6ndym9m725v4d7q']) {
      const messages: string[] = [];
      const { records, truncated } = readSwanlabFrames(fs.readFileSync(path.join(root, 'swanlog', name, 'backup.swanlab')), (o, m) => messages.push(`${o}: ${m}`));
      assert.deepStrictEqual(messages, []);
      assert.strictEqual(truncated, false);
      const types = records.map((r) => (JSON.parse(r.data.toString('utf8')) as { model_type: string }).model_type);
      assert.strictEqual(types[0], 'Header');
      assert.strictEqual(types[types.length - 1], 'Footer');
      assert.strictEqual(types.filter((t) => t === 'Column').length, 27);
      assert.strictEqual(types.filter((t) => t === 'Scalar').length, name.includes('085436') ? 1056 : 1584);
    }
  });

  it('merges the two folders of experiment kd4v3b6ndym9m725v4d7q into one resumed run', () => {
    assert.deepStrictEqual(problems.messages, []);
    assert.strictEqual(runs.length, 1);
    const r = runs[0];
    assert.strictEqual(r.source, 'swanlab');
    assert.strictEqual(r.uid, 'swanlab:swanlog/kd4v3b6ndym9m725v4d7q');
    assert.strictEqual(r.experiment, 'aphasiacld');
    assert.strictEqual(r.name, '/proj/arch/users/xinxu/med/aphasiacld/artifacts/adapters/round5', 'the latest folder names the run');
    assert.strictEqual(r.folder, 'swanlog/run-20260531_190548-kd4v3b6ndym9m725v4d7q');
    assert.strictEqual(r.status, 'finished');
    assert.strictEqual(r.startTime, 1780188876.924155);
    assert.strictEqual(r.endTime, 1780228591.983877);
  });

  it('reads the training series of both folders: 16 then 54 steps, in folder order', () => {
    const r = runs[0];
    const loss = r.metrics.get('train/loss')!;
    assert.strictEqual(loss.steps.length, 16 + 54);
    assert.deepStrictEqual(loss.steps.slice(0, 16), Array.from({ length: 16 }, (_, i) => 5 * (i + 1)));
    assert.deepStrictEqual(loss.steps.slice(16), Array.from({ length: 54 }, (_, i) => 5 * (i + 1)));
    assert.strictEqual(loss.values[0], 1.3081);
    assert.strictEqual(loss.values[15], 0.5692);
    assert.strictEqual(loss.values[16], 1.9556);
    assert.strictEqual(loss.values[69], 0.4231);
    assert.ok(typeof loss.times[0] === 'number' && loss.times[0] > 1780188876.924155 && loss.times[0] < 1780228591.983877);
    // train/epoch and train/global_step also have the final step 81 in the first folder.
    assert.strictEqual(r.metrics.get('train/epoch')!.steps.length, 17 + 54);
    assert.ok(r.metrics.get('train/learning_rate')!.steps.length < r.metrics.get('train/epoch')!.steps.length);
    assert.deepStrictEqual(r.metrics.get('single_value/train_loss')!.steps, [81, 270]);
    assert.deepStrictEqual(r.metrics.get('single_value/train_loss')!.values, [0.6542055489104471, 0.480132046673033]);
  });

  it('keys system metrics system/…, and keeps console lines, params and artifacts', () => {
    const r = runs[0];
    const sys = [...r.metrics.keys()].filter((k) => k.startsWith('system/'));
    assert.strictEqual(sys.length, 17);
    assert.ok(sys.includes('system/gpu.0.mem.pct'));
    assert.strictEqual(r.metrics.get('system/gpu.0.mem.pct')!.steps.length, 57 + 77);
    assert.strictEqual(r.metrics.get('system/gpu.0.mem.pct')!.values[0], 49.501495361328125);
    assert.ok(![...r.metrics.keys()].some((k) => k.startsWith('__swanlab__')));
    assert.ok(r.console!.startsWith('swanlab: Tracking run with swanlab version 0.6.8\n'));
    assert.strictEqual(r.console!.split('\n').filter((l) => l === 'swanlab: Tracking run with swanlab version 0.6.8').length, 2);
    assert.strictEqual(r.params.learning_rate, 5e-5, 'the latest folder wins');
    assert.strictEqual(r.params.num_train_epochs, 5);
    assert.strictEqual(r.params.FRAMEWORK, '🤗transformers');
    assert.deepStrictEqual(r.params.architectures, ['Qwen3ForCausalLM']);
    assert.strictEqual(r.artifacts.length, 6);
    assert.ok(r.artifacts.includes('swanlog/run-20260531_085436-kd4v3b6ndym9m725v4d7q/files/requirements.txt'));
  });

  it('finds the swanlog folder', async () => {
    assert.deepStrictEqual(await findSwanlabRoots(root), [path.join(root, 'swanlog')]);
  });
});

describe('swanlab: resnet-instrument fixture (0.3.x logs + runs.swanlab)', () => {
  const root = trackerFixtures('swanlab', 'resnet-instrument-0.3');
  let runs: ImportedRun[];
  let problems: ProblemList;
  before(async () => {
    problems = new ProblemList();
    runs = await readSwanlab(await loadSql(), root, path.join(root, 'swanlog'), problems, LATER);
  });

  it('reads the one run whose folder was kept, named from runs.swanlab', () => {
    assert.deepStrictEqual(problems.messages, []);
    assert.strictEqual(runs.length, 1);
    const r = runs[0];
    assert.strictEqual(r.name, 'resnet18_audio-8');
    assert.strictEqual(r.experiment, 'Audio_Classification_with_ResNet18');
    assert.strictEqual(r.status, 'finished');
    assert.strictEqual(r.uid, 'swanlab:swanlog/e9af3565');
    assert.strictEqual(r.folder, 'swanlog/run-20241130_013610-e9af3565');
    assert.strictEqual(r.startTime, 1732948570.263663);
    assert.strictEqual(r.endTime, 1732948607.897362);
  });

  it('maps the numbered log folders to their keys through the tag table: 6 keys × 20 steps', () => {
    const r = runs[0];
    assert.deepStrictEqual([...r.metrics.keys()].sort(), ['train/acc', 'train/epoch', 'train/loss', 'train/lr', 'val/acc', 'val/loss']);
    for (const [k, s] of r.metrics) assert.deepStrictEqual(s.steps, Array.from({ length: 20 }, (_, i) => i), k);
    const loss = r.metrics.get('train/loss')!;
    assert.strictEqual(loss.values[0], 1.3145069766927648);
    assert.strictEqual(loss.values[1], 0.7196100861937912);
    assert.strictEqual(loss.times[0], 1732948574.44066);
  });

  it('reads config.yaml (desc/sort/value form) into params and the console log', () => {
    const r = runs[0];
    assert.deepStrictEqual(r.params, { batch_size: 16, learning_rate: 0.0001, num_epochs: 20, resize: 224 });
    assert.ok(r.console!.includes('swanlab: Tracking run with swanlab version 0.3.27'));
    assert.deepStrictEqual(r.artifacts, ['config.yaml', 'requirements.txt', 'swanlab-metadata.json'].map((f) => `swanlog/run-20241130_013610-e9af3565/files/${f}`));
  });

  it('without runs.swanlab, shows metrics under their folder numbers and says why', async () => {
    const ws = tempDir();
    fs.cpSync(path.join(root, 'swanlog', 'run-20241130_013610-e9af3565'), path.join(ws, 'swanlog', 'run-20241130_013610-e9af3565'), { recursive: true });
    const p = new ProblemList();
    const [r] = await readSwanlab(await loadSql(), ws, 'swanlog', p, LATER);
    assert.deepStrictEqual([...r.metrics.keys()], ['0', '1', '2', '3', '4', '5']);
    assert.strictEqual(r.name, 'e9af3565');
    assert.deepStrictEqual(p.messages, [
      'swanlog/run-20241130_013610-e9af3565/logs: the metric names of folders 0, 1, 2, 3, 4, 5 are not in runs.swanlab (missing or unreadable); shown under their folder number',
    ]);
  });

  it('says when runs.swanlab has a write-ahead log it cannot read', async () => {
    const ws = tempDir();
    fs.cpSync(path.join(root, 'swanlog'), path.join(ws, 'swanlog'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'swanlog', 'runs.swanlab-wal'), 'pending pages');
    const p = new ProblemList();
    const [r] = await readSwanlab(await loadSql(), ws, 'swanlog', p, LATER);
    assert.strictEqual(r.name, 'resnet18_audio-8');
    assert.deepStrictEqual(p.messages, ['swanlog/runs.swanlab-wal: the write-ahead log is not used: shorter than its 32-byte header; changes not yet checkpointed into the database are missing']);
  });

  it('finds the swanlog folder', async () => {
    assert.deepStrictEqual(await findSwanlabRoots(trackerFixtures('swanlab')), [path.join(root, 'swanlog'), trackerFixtures('swanlab', 'adsft-0.6', 'swanlog'), trackerFixtures('swanlab', 'adsft-0.6-db', 'swanlog'), trackerFixtures('swanlab', 'xdu-pattern-0.2', 'swanlog')].sort());
  });
});

describe('swanlab: crafted backup files', () => {
  const header = rec('Header', { create_time: '2026-01-01T00:00:00+00:00' });
  const project = rec('Project', { name: 'proj' });
  const experiment = rec('Experiment', { id: 'abc', name: 'exp-1', description: 'desc', tags: ['t1'] });
  const scalar = (key: string, step: number, value: unknown): string =>
    `{"model_type": "Scalar", "data": {"metric": {"index": ${step}, "data": ${String(value)}, "create_time": "2026-01-01T00:00:0${step % 10}+00:00"}, "key": "${key}", "step": ${step}, "epoch": 1}}\n`;

  function writeRun(ws: string, folder: string, payloads: string[] | Buffer): string {
    const dir = path.join(ws, 'swanlog', folder);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'backup.swanlab'), Buffer.isBuffer(payloads) ? payloads : frame(payloads));
    return path.join(dir, 'backup.swanlab');
  }

  it('reads records split across blocks, NaN / Infinity values, and a run without Footer as running or killed', async () => {
    const ws = tempDir();
    const big = rec('Log', { message: 'x'.repeat(80_000), level: 'INFO' });
    const scalars = Array.from({ length: 600 }, (_, i) => scalar('loss', i, i / 2));
    writeRun(ws, 'run-20260101_000000-abc', [header, project, experiment, big, ...scalars, scalar('odd', 0, 'NaN'), scalar('odd', 1, 'Infinity'), scalar('odd', 2, '-Infinity')]);
    const problems = new ProblemList();
    const now = Date.now() / 1000;
    const [r] = await readSwanlab(await loadSql(), ws, 'swanlog', problems, now);
    assert.deepStrictEqual(problems.messages, []);
    assert.strictEqual(r.name, 'exp-1');
    assert.strictEqual(r.description, 'desc');
    assert.deepStrictEqual(r.tags, ['t1']);
    assert.strictEqual(r.metrics.get('loss')!.steps.length, 600);
    assert.strictEqual(r.metrics.get('loss')!.values[599], 299.5);
    const odd = r.metrics.get('odd')!.values;
    assert.ok(Number.isNaN(odd[0]));
    assert.deepStrictEqual(odd.slice(1), [Infinity, -Infinity]);
    assert.strictEqual(r.console!.length, 80_000);
    assert.strictEqual(r.status, 'running');
    const [later] = await readSwanlab(await loadSql(), ws, 'swanlog', new ProblemList(), now + 11 * 60);
    assert.strictEqual(later.status, 'killed');
  });

  it('reports a damaged record with its byte offset and goes on at the next block; drops a torn tail silently', async () => {
    const ws = tempDir();
    const scalars = Array.from({ length: 1500 }, (_, i) => scalar('loss', i, i));
    const buf = frame([header, project, experiment, ...scalars, rec('Footer', { success: false, create_time: '2026-01-01T01:00:00+00:00' })]);
    // Corrupt one byte inside a record in the first block.
    const damaged = Buffer.from(buf);
    const at = damaged.indexOf('"step": 100,');
    damaged[at + 9] ^= 0x01;
    const file = writeRun(ws, 'run-20260101_000000-abc', damaged);
    const problems = new ProblemList();
    const [r] = await readSwanlab(await loadSql(), ws, 'swanlog', problems, LATER);
    assert.strictEqual(problems.messages.length, 1, problems.messages.join('\n'));
    assert.match(problems.messages[0], /^swanlog\/run-20260101_000000-abc\/backup\.swanlab: byte \d+: bad checksum; skipped to the next block$/);
    const steps = r.metrics.get('loss')!.steps;
    assert.ok(steps.length < 1500 && steps.length > 1000, String(steps.length));
    assert.ok(!steps.includes(100) && steps.includes(99) && steps.includes(1499));
    assert.strictEqual(r.status, 'failed', 'the Footer says success: false');
    assert.strictEqual(r.endTime, Date.parse('2026-01-01T01:00:00Z') / 1000);

    // A torn tail: the file cut in the middle of a record.
    fs.writeFileSync(file, buf.subarray(0, buf.length - 20));
    const p2 = new ProblemList();
    const [r2] = await readSwanlab(await loadSql(), ws, 'swanlog', p2, Date.now() / 1000);
    assert.deepStrictEqual(p2.messages, []);
    assert.strictEqual(r2.metrics.get('loss')!.steps.length, 1500);
    assert.strictEqual(r2.status, 'running');
  });

  it('reports a file that is not a backup file', async () => {
    const ws = tempDir();
    writeRun(ws, 'run-20260101_000000-abc', Buffer.from('hello'));
    const problems = new ProblemList();
    const runs = await readSwanlab(await loadSql(), ws, 'swanlog', problems, LATER);
    assert.strictEqual(runs.length, 1);
    assert.strictEqual(runs[0].metrics.size, 0);
    assert.deepStrictEqual(problems.messages, ['swanlog/run-20260101_000000-abc/backup.swanlab: byte 0: not a SwanLab backup file (no ":SWL" header)']);
  });
});
