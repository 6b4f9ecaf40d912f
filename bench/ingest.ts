// Ingest benchmark: points per second from events.jsonl into the index, next to the same work done
// by a plain loop (readFileSync + split + JSON.parse + one reused prepared INSERT in one transaction).
//   npm run bench            1M points
//   BENCH_POINTS=200000 npm run bench
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import initSqlJs from 'sql.js';
import { Indexer } from '../src/core/ingest/indexer';
import { ProblemList } from '../src/core/problems';
import { Store } from '../src/core/store/store';
import { downsampleMinMax } from '../src/core/downsample';
import { ImportIndex } from '../src/core/ingest/importIndex';
import { importFinders } from '../src/core/importers/finders';
import { scalarEvents, fileVersionEvent } from '../test/unit/support/tfevents';
import type { SqlJsStatic } from 'sql.js';

const POINTS = Number(process.env.BENCH_POINTS ?? 1_000_000);
const KEYS = ['train/loss', 'train/acc', 'val/loss', 'val/acc', 'lr'];

function writeRun(root: string): string {
  const file = path.join(root, 'labbook', 'bench-run', 'events.jsonl');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const steps = Math.ceil(POINTS / KEYS.length);
  const parts: string[] = [JSON.stringify({ t: 'header', format: 'labbook-run', version: 1, run_id: 'bench', project: 'bench', time: 1_700_000_000 })];
  for (let s = 0; s < steps; s++) {
    const values: Record<string, number> = {};
    for (const k of KEYS) values[k] = Math.random();
    parts.push(JSON.stringify({ t: 'metrics', step: s, time: 1_700_000_000 + s * 0.01, values }));
  }
  fs.writeFileSync(file, parts.join('\n') + '\n');
  return file;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const SQL = await initSqlJs({ locateFile: (f: string) => require.resolve(`sql.js/dist/${f}`) });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-bench-'));
  const file = writeRun(root);
  const bytes = fs.statSync(file).size;
  const points = Math.ceil(POINTS / KEYS.length) * KEYS.length;
  console.log(`ingest benchmark: ${points.toLocaleString()} points, ${(bytes / 1e6).toFixed(1)} MB of JSONL, node ${process.version}`);

  const labbook: number[] = [];
  const baseline: number[] = [];
  let store: Store | undefined;
  for (let round = 0; round < 3; round++) {
    // Labbook: discovery, tailing, parsing, validation, index writes with first-value-wins.
    store?.close();
    store = (await Store.open(SQL)).store;
    const problems = new ProblemList();
    let t = performance.now();
    await new Indexer(store, root, 'labbook', problems).sync();
    labbook.push(performance.now() - t);
    if (problems.messages.length) throw new Error(problems.messages.join('\n'));

    // Baseline: the least work that gets the same rows into the same table.
    const db = new SQL.Database();
    db.exec('CREATE TABLE points (series_id INTEGER NOT NULL, step INTEGER NOT NULL, value REAL, time REAL, PRIMARY KEY (series_id, step)) WITHOUT ROWID');
    t = performance.now();
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const ids = new Map<string, number>();
    const insert = db.prepare('INSERT OR IGNORE INTO points VALUES (?, ?, ?, ?)');
    db.exec('BEGIN');
    for (const line of lines) {
      if (!line) continue;
      const r = JSON.parse(line);
      if (r.t !== 'metrics') continue;
      for (const k in r.values) {
        let id = ids.get(k);
        if (id === undefined) ids.set(k, (id = ids.size + 1));
        insert.run([id, r.step, r.values[k], r.time]);
      }
    }
    db.exec('COMMIT');
    insert.free();
    baseline.push(performance.now() - t);
    db.close();
  }
  const lb = median(labbook);
  const bl = median(baseline);
  const rate = points / lb / 1000;
  console.log(`labbook ingest   ${rate.toFixed(2)} M points/s  (${lb.toFixed(0)} ms, median of 3; target ≥ 0.45 M points/s: ${rate >= 0.45 ? 'met' : 'NOT met'})`);
  console.log(`plain loop       ${(points / bl / 1000).toFixed(2)} M points/s  (${bl.toFixed(0)} ms; readFileSync + split + JSON.parse + one INSERT per point into sql.js)`);
  console.log(`ratio            ${(bl / lb).toFixed(2)} of the plain loop's speed (target ≥ 0.75: ${bl / lb >= 0.75 ? 'met' : 'NOT met'}; bench/scale.ts compares with a loop that appends to files, as the store does)`);

  // What a chart pays: one series out of the index, and its min/max reduction.
  const run = store!.getRun('bench')!;
  const series = store!.listSeries(run.id).find((s) => s.key === 'train/loss')!;
  let t = performance.now();
  const pts = store!.getPoints(series.id);
  const fetchMs = performance.now() - t;
  t = performance.now();
  downsampleMinMax(pts.steps, pts.values, 4000);
  const reduceMs = performance.now() - t;
  console.log(`chart query      ${pts.steps.length.toLocaleString()}-point series fetched in ${fetchMs.toFixed(1)} ms, reduced to 4,000 in ${reduceMs.toFixed(1)} ms`);
  const indexFile = path.join(root, 'index.sqlite');
  const s2 = (await Store.open(SQL, indexFile)).store;
  s2.close();
  t = performance.now();
  const image = (store as unknown as { db: { export(): Uint8Array } }).db.export();
  console.log(`index export     ${(image.length / 1e6).toFixed(1)} MB in ${(performance.now() - t).toFixed(0)} ms`);
  store!.close();
  fs.rmSync(root, { recursive: true, force: true });

  const nativeRate = points / lb / 1000;
  const tb = await importBench(SQL, 'TensorBoard', writeTensorBoard);
  const ml = await importBench(SQL, 'MLflow', writeMlflow);
  console.log(`\nall three, M points/s:  native JSONL ${nativeRate.toFixed(2)}  ·  TensorBoard ${tb.toFixed(2)}  ·  MLflow ${ml.toFixed(2)}`);
}

/** A TensorBoard run: one event file, POINTS scalar events over the KEYS tags, as PyTorch writes them. */
function writeTensorBoard(root: string): number {
  const dir = path.join(root, 'tb_logs', 'version_0');
  fs.mkdirSync(dir, { recursive: true });
  const steps = Math.ceil(POINTS / KEYS.length);
  const chunks: Buffer[] = [fileVersionEvent(1_700_000_000)];
  for (const k of KEYS) for (const e of scalarEvents(k, Array.from({ length: steps }, (_, s) => [s, Math.random()] as [number, number]))) chunks.push(e);
  fs.writeFileSync(path.join(dir, 'events.out.tfevents.1700000000.bench.1.0'), Buffer.concat(chunks));
  return steps * KEYS.length;
}

/** An MLflow file store: one run, one metric file per key with `timestamp value step` lines. */
function writeMlflow(root: string): number {
  const exp = path.join(root, 'mlruns', '1');
  const run = path.join(exp, 'abc123');
  fs.mkdirSync(path.join(run, 'metrics', 'train'), { recursive: true });
  fs.mkdirSync(path.join(run, 'metrics', 'val'), { recursive: true });
  fs.writeFileSync(path.join(exp, 'meta.yaml'), 'artifact_location: mlruns/1\nexperiment_id: \'1\'\nlifecycle_stage: active\nname: bench\n');
  fs.writeFileSync(path.join(run, 'meta.yaml'), 'artifact_uri: mlruns/1/abc123/artifacts\nend_time: 1700000100000\nexperiment_id: \'1\'\nlifecycle_stage: active\nrun_id: abc123\nrun_name: bench\nrun_uuid: abc123\nstart_time: 1700000000000\nstatus: 3\nuser_id: me\n');
  const steps = Math.ceil(POINTS / KEYS.length);
  for (const k of KEYS) {
    const lines: string[] = new Array(steps);
    for (let s = 0; s < steps; s++) lines[s] = `${1_700_000_000_000 + s * 10} ${Math.random()} ${s}`;
    fs.writeFileSync(path.join(run, 'metrics', ...k.split('/')), lines.join('\n') + '\n');
  }
  return steps * KEYS.length;
}

async function importBench(SQL: SqlJsStatic, label: string, write: (root: string) => number): Promise<number> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-bench-import-'));
  const n = write(root);
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    const { store } = await Store.open(SQL);
    const problems = new ProblemList();
    const t = performance.now();
    await new ImportIndex(store, root, importFinders(SQL), problems).sync();
    times.push(performance.now() - t);
    const stored = store.listRuns().reduce((sum, r) => sum + r.pointCount, 0);
    store.close();
    if (stored !== n) throw new Error(`${label}: ${stored} of ${n} points stored; ${problems.messages.join('; ')}`);
  }
  const ms = median(times);
  const rate = n / ms / 1000;
  console.log(`${label.padEnd(16)} ${rate.toFixed(2)} M points/s  (${n.toLocaleString()} points, ${ms.toFixed(0)} ms, discovery + decode + index)`);
  fs.rmSync(root, { recursive: true, force: true });
  return rate;
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
