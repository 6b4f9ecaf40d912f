// The index worker's message layer, and the worker itself (the bundled dist/indexWorker.js, built by
// `npm run build` before the unit tier): runs indexed through it, points back as Float64Array
// columns, a killed worker replaced by one that reads on from the saved index.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isPointColumns, parseRequest, parseWorkerMessage } from '../../src/core/worker/messages';
import { fromChangesMessage, toChangesMessage } from '../../src/core/worker/changesMessage';
import { IndexWorkerClient } from '../../src/core/worker/indexWorkerClient';
import type { IngestChanges } from '../../src/core/ingest/changes';

const REPO = path.resolve(__dirname, '..', '..', '..');
const SCRIPT = path.join(REPO, 'dist', 'indexWorker.js');

describe('index worker messages', () => {
  it('accepts every well-formed request', () => {
    const ok = [
      { id: 1, op: 'open', params: { root: '/w', logRoot: 'labbook', persistent: true } },
      { id: 2, op: 'open', params: { root: '/w', logRoot: 'labbook', persistent: false, maxLineBytes: 1e6, quietMs: 500, imports: { sources: ['mlflow'], searchWorkspace: true, folders: ['.'] } } },
      { id: 3, op: 'sync' },
      { id: 4, op: 'sync', files: ['/w/labbook/a/events.jsonl'], force: true },
      { id: 5, op: 'getPoints', uid: 'a', key: 'loss', fromStep: 0 },
      { id: 6, op: 'getPoints', uid: 'a', key: 'loss', fromStep: -Infinity },
      { id: 7, op: 'rebuild' }, { id: 8, op: 'cancelRebuild' }, { id: 9, op: 'listRuns' }, { id: 10, op: 'getRun', uid: 'x' },
      { id: 11, op: 'listSeries', uid: 'x' }, { id: 12, op: 'save' }, { id: 13, op: 'close' },
    ];
    for (const m of ok) assert.ok('request' in parseRequest(m), JSON.stringify(m));
  });

  it('refuses malformed requests, keeping the id to answer when there is one', () => {
    const bad: [unknown, number | undefined][] = [
      [null, undefined], ['sync', undefined], [[1], undefined], [{ op: 'sync' }, undefined], [{ id: -1, op: 'sync' }, undefined], [{ id: 1.5, op: 'sync' }, undefined],
      [{ id: 1, op: 'drop table' }, 1], [{ id: 2, op: 'open' }, 2], [{ id: 3, op: 'open', params: { root: 1, logRoot: 'l', persistent: true } }, 3],
      [{ id: 4, op: 'open', params: { root: '/w', logRoot: 'l', persistent: 'yes' } }, 4], [{ id: 5, op: 'open', params: { root: '/w', logRoot: 'l', persistent: true, maxLineBytes: -1 } }, 5],
      [{ id: 6, op: 'open', params: { root: '/w', logRoot: 'l', persistent: true, imports: { sources: 'all' } } }, 6],
      [{ id: 7, op: 'sync', files: 'a' }, 7], [{ id: 8, op: 'sync', files: [1] }, 8], [{ id: 9, op: 'sync', force: 1 }, 9],
      [{ id: 10, op: 'getRun' }, 10], [{ id: 11, op: 'getRun', uid: 'a\0b' }, 11], [{ id: 12, op: 'getPoints', uid: 'a', key: 'k', fromStep: NaN }, 12],
      [{ id: 13, op: 'getPoints', uid: 'a', key: 'x'.repeat(5000), fromStep: 0 }, 13], [{ id: 14, op: 'open', params: { root: '/w', logRoot: 'l', persistent: true, quietMs: Infinity } }, 14],
    ];
    for (const [m, id] of bad) {
      const r = parseRequest(m);
      assert.ok('error' in r, `accepted ${JSON.stringify(m)}`);
      assert.equal(r.id, id, JSON.stringify(m));
    }
  });

  it('validates what the worker sends', () => {
    const changes = { runs: ['a'], reset: [], removed: ['b'], points: [['a', [['loss', 3]]]] };
    assert.ok(parseWorkerMessage({ kind: 'reply', id: 1, ok: true, result: null }));
    assert.ok(parseWorkerMessage({ kind: 'reply', id: 1, ok: false, error: 'no' }));
    assert.ok(parseWorkerMessage({ kind: 'changes', changes }));
    assert.ok(parseWorkerMessage({ kind: 'problem', message: 'x' }));
    assert.ok(parseWorkerMessage({ kind: 'progress', progress: { files: 1, totalFiles: 2, points: 3, elapsedMs: 4 } }));
    for (const m of [undefined, 'reply', { kind: 'reply', id: 'x', ok: true }, { kind: 'reply', id: 1, ok: false }, { kind: 'reply', id: 1 },
      { kind: 'changes', changes: { ...changes, runs: [1] } }, { kind: 'changes', changes: { ...changes, points: [['a', [['loss', '3']]]] } },
      { kind: 'problem' }, { kind: 'progress', progress: { files: 1, totalFiles: 2, points: NaN, elapsedMs: 4 } }, { kind: 'other' }]) {
      assert.equal(parseWorkerMessage(m), undefined, JSON.stringify(m));
    }
  });

  it('checks point columns', () => {
    const f = (n: number) => new Float64Array(n);
    assert.ok(isPointColumns({ steps: f(2), values: f(2), times: f(2) }));
    assert.ok(!isPointColumns({ steps: f(2), values: f(1), times: f(2) }));
    assert.ok(!isPointColumns({ steps: [1, 2], values: f(2), times: f(2) }));
    assert.ok(!isPointColumns(null));
  });

  it('carries ingest changes both ways unchanged', () => {
    const c: IngestChanges = { runs: new Set(['a', 'b']), reset: new Set(['a']), removed: new Set(['c']), points: new Map([['a', new Map([['loss', 0], ['acc', 5]])]]) };
    assert.deepEqual(fromChangesMessage(structuredClone(toChangesMessage(c))), c);
  });
});

function writeRun(root: string, id: string, steps: number, from = 0): void {
  const dir = path.join(root, 'labbook', id);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'events.jsonl');
  const lines: string[] = [];
  if (from === 0) lines.push(JSON.stringify({ t: 'header', format: 'labbook-run', version: 1, run_id: id, project: 'p', name: id, time: 1_700_000_000 }));
  for (let s = from; s < from + steps; s++) lines.push(JSON.stringify({ t: 'metrics', step: s, time: 1_700_000_000 + s, values: { loss: s === 1 ? 'NaN' : 1 / (s + 1) } }));
  fs.appendFileSync(file, lines.join('\n') + '\n');
}

describe('index worker thread', function () {
  this.timeout(30_000);
  let root: string;
  let client: IndexWorkerClient | undefined;
  const problems: string[] = [];
  const changed: IngestChanges[] = [];

  beforeEach(() => {
    assert.ok(fs.existsSync(SCRIPT), `${SCRIPT} is built by npm run build`);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-worker-'));
    problems.length = 0;
    changed.length = 0;
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    fs.rmSync(root, { recursive: true, force: true });
  });

  const start = async (onRestart?: () => void) => {
    client = new IndexWorkerClient({
      script: SCRIPT, wasmDir: path.dirname(SCRIPT), params: { root, logRoot: 'labbook', persistent: true },
      onProblem: (m) => problems.push(m), onChanges: (c) => changed.push(c), onRestart,
    });
    await client.start();
    return client;
  };

  it('indexes runs in the worker and answers queries, points as Float64Array columns', async () => {
    writeRun(root, 'r1', 5);
    const c = await start();
    assert.equal(await c.sync(), true);
    assert.deepEqual(changed.flatMap((x) => [...x.runs]), ['r1']);
    const runs = await c.listRuns();
    assert.deepEqual(runs.map((r) => r.uid), ['r1']);
    assert.deepEqual((await c.listSeries('r1')).map((s) => [s.key, s.count]), [['loss', 5]]);
    const p = await c.getPoints('r1', 'loss', 0);
    assert.ok(p.values instanceof Float64Array);
    assert.deepEqual([...p.steps], [0, 1, 2, 3, 4]);
    assert.ok(Number.isNaN(p.values[1]));
    assert.equal(p.values[4], 1 / 5);
    assert.deepEqual([...(await c.getPoints('r1', 'loss', 3)).steps], [3, 4]);
    assert.equal((await c.getPoints('nope', 'loss')).steps.length, 0);
    assert.equal(await c.sync(), false, 'nothing new');
  });

  it('restarts a killed worker, says so, and reads on from the saved index without losing or doubling points', async () => {
    writeRun(root, 'r1', 3);
    let restarted!: () => void;
    const back = new Promise<void>((r) => (restarted = r));
    const c = await start(() => restarted());
    await c.sync();
    await c.save();
    const before = c.threadId;
    writeRun(root, 'r1', 4, 3);
    await c.kill();
    await back;
    assert.notEqual(c.threadId, before);
    assert.ok(problems.some((m) => /index worker stopped unexpectedly/.test(m)), problems.join('\n'));
    const p = await c.getPoints('r1', 'loss');
    assert.deepEqual([...p.steps], [0, 1, 2, 3, 4, 5, 6]);
  });

  it('rebuilds with progress', async () => {
    for (let i = 0; i < 3; i++) writeRun(root, `r${i}`, 10);
    const progress: number[] = [];
    client = new IndexWorkerClient({ script: SCRIPT, wasmDir: path.dirname(SCRIPT), params: { root, logRoot: 'labbook', persistent: false }, onProblem: (m) => problems.push(m), onProgress: (p) => progress.push(p.files) });
    await client.start();
    const r = await client.rebuild();
    assert.deepEqual([r.files, r.totalFiles, r.runs, r.points, r.cancelled], [3, 3, 3, 30, false]);
    assert.deepEqual(progress, [0, 3]);
  });
});
