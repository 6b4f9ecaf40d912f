// Scale benchmark: points in series files beside the index (core/series), measured in child
// processes so that each size's peak RSS is its own, each figure printed next to the ceiling this
// kind of machine reached on the same job (../shared/measured-limits.md, issue 11).
//   npm run bench                          1 M and 10 M points
//   LABBOOK_BENCH_100M=1 npm run bench     also 100 M (about 5 GB of JSONL in a temp folder, removed after)
//   BENCH_REPEAT=3 npm run bench           each ingest and plain loop 3 times, medians (the machine is shared: noisy)
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { monitorEventLoopDelay } from 'perf_hooks';
import initSqlJs from 'sql.js';
import { Indexer } from '../src/core/ingest/indexer';
import { ProblemList } from '../src/core/problems';
import { Store } from '../src/core/store/store';
import { generateWorkspace } from './genScale';

const loadSql = () => initSqlJs({ locateFile: (f: string) => require.resolve(`sql.js/dist/${f}`) });
const peakMiB = () => process.resourceUsage().maxRSS / 1024;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const fmt = (x: number, digits = 1) => x.toFixed(digits);

/** Child: ingest a workspace's logs into a file-backed index, save it, then an append and a save. */
async function ingest(root: string): Promise<void> {
  const SQL = await loadSql();
  const indexFile = path.join(root, '.labbook', 'index.sqlite');
  const { store } = await Store.open(SQL, indexFile);
  const problems = new ProblemList();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu = process.cpuUsage();
  let t = performance.now();
  await new Indexer(store, root, 'labbook', problems).sync();
  const ingestMs = performance.now() - t;
  const used = process.cpuUsage(cpu);
  loop.disable();
  t = performance.now();
  await store.save();
  const saveMs = performance.now() - t;
  const run = store.getRun('scale')!;
  // A live run logs 100 more steps: the sync and the save that follow cost what changed, not the index size.
  const file = path.join(root, 'labbook', 'scale-run', 'events.jsonl');
  const more = Array.from({ length: 100 }, (_, i) => JSON.stringify({ t: 'metrics', step: 1e9 + i, values: { m0: i } })).join('\n');
  fs.appendFileSync(file, `${more}\n`);
  t = performance.now();
  await new Indexer(store, root, 'labbook', problems).sync();
  await store.save();
  const appendSaveMs = performance.now() - t;
  const indexBytes = fs.statSync(indexFile).size;
  store.close();
  if (problems.messages.length) throw new Error(problems.messages.join('\n'));
  console.log(JSON.stringify({ points: run.pointCount, ingestMs, cpuMs: (used.user + used.system) / 1000, saveMs, appendSaveMs, indexBytes, peakMiB: peakMiB(), loopP99: loop.percentile(99) / 1e6 }));
}

/** Child: the same logs through a plain loop (chunked read, split, JSON.parse, Float64 appends to one file per key). */
function baseline(file: string, out: string): void {
  fs.mkdirSync(out, { recursive: true });
  const cpu = process.cpuUsage();
  const t = performance.now();
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(4 << 20);
  const files = new Map<string, { fd: number; xs: Float64Array; n: number; pos: number }>();
  let rest = '';
  let points = 0;
  const flush = (f: { fd: number; xs: Float64Array; n: number; pos: number }) => {
    fs.writeSync(f.fd, f.xs.subarray(0, f.n), 0, f.n * 8, f.pos);
    f.pos += f.n * 8;
    f.n = 0;
  };
  for (;;) {
    const n = fs.readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    const lines = (rest + buf.toString('utf8', 0, n)).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      const r = JSON.parse(line) as { t: string; step: number; time: number; values: Record<string, number> };
      if (r.t !== 'metrics') continue;
      for (const key in r.values) {
        let f = files.get(key);
        if (!f) files.set(key, (f = { fd: fs.openSync(path.join(out, `${files.size}.bin`), 'w'), xs: new Float64Array(3 * 8192), n: 0, pos: 0 }));
        f.xs[f.n++] = r.step;
        f.xs[f.n++] = r.values[key];
        f.xs[f.n++] = r.time;
        points++;
        if (f.n === f.xs.length) flush(f);
      }
    }
  }
  for (const f of files.values()) {
    flush(f);
    fs.closeSync(f.fd);
  }
  fs.closeSync(fd);
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ points, ms, cpuMs: (used.user + used.system) / 1000, peakMiB: peakMiB() }));
}

/** Child: one 10 M-point series and a run of 50 metrics × 100k points written through the store; views and opening the run. */
async function series(root: string): Promise<void> {
  const SQL = await loadSql();
  const indexFile = path.join(root, '.labbook', 'index.sqlite');
  let { store } = await Store.open(SQL, indexFile);
  const big = store.transaction(() => store.seriesId(store.createRun('big', 'scale', 'big', 'labbook/big'), 'loss'));
  const N = 10_000_000;
  const BATCH = 10_000;
  let t = performance.now();
  for (let s = 0; s < N; s += BATCH) {
    const steps = Array.from({ length: BATCH }, (_, i) => s + i);
    store.transaction(() => store.insertPoints(big, steps, steps.map((x) => Math.sin(x / 10_000) + (x % 1_000_003 === 0 ? 50 : 0)), steps.map((x) => 1_700_000_000 + x)));
  }
  const appendMs = performance.now() - t;
  const wide = store.transaction(() => store.createRun('wide', 'scale', 'wide', 'labbook/wide'));
  for (let m = 0; m < 50; m++) {
    const sid = store.transaction(() => store.seriesId(wide, `metric/${m}`));
    for (let s = 0; s < 100_000; s += BATCH) {
      const steps = Array.from({ length: BATCH }, (_, i) => s + i);
      store.transaction(() => store.insertPoints(sid, steps, steps.map((x) => Math.cos(x / (100 + m))), steps.map(() => null)));
    }
  }
  await store.save();
  store.close();

  // Views of the 10 M-point series at 2,000 px: the whole series, then random ranges, from a freshly opened index.
  t = performance.now();
  ({ store } = await Store.open(SQL, indexFile));
  const reopenMs = performance.now() - t;
  t = performance.now();
  const whole = store.getRange(big, -Infinity, Infinity, 2000);
  const firstViewMs = performance.now() - t;
  let seed = 7;
  const random = () => ((seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647);
  const views: number[] = [];
  for (let i = 0; i < 200; i++) {
    const a = Math.floor(random() * N);
    const b = a + Math.floor(random() ** 2 * (N - a));
    t = performance.now();
    store.getRange(big, a, b, 2000);
    views.push(performance.now() - t);
  }
  // Opening the wide run: its series and a 2,000-px view of each (what a run panel draws).
  const opens: number[] = [];
  const wideId = store.getRun('wide')!.id;
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    for (const s of store.listSeries(wideId)) store.getRange(s.id, -Infinity, Infinity, 2000);
    opens.push(performance.now() - t);
  }
  t = performance.now();
  for (const s of store.listSeries(wideId)) store.getPoints(s.id);
  const allPointsMs = performance.now() - t;
  store.close();
  console.log(JSON.stringify({ appendMs, reopenMs, firstViewMs, wholePoints: whole.steps.length, wholeKeepsSpikes: whole.values.filter((v) => v >= 49).length, viewMedian: pct(views, 0.5), viewP95: pct(views, 0.95), openMedian: pct(opens, 0.5), allPointsMs, peakMiB: peakMiB() }));
}

function child(args: string[]): Record<string, number> {
  const r = spawnSync(process.execPath, ['--max-old-space-size=4096', __filename, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${args[0]} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
}

/** Each child `repeat` times, alternating, with the median of every figure (ingest and plain loop share the machine's moods). */
function medianRuns(repeat: number, runs: Array<() => Record<string, number>>): Array<Record<string, number>> {
  const all = runs.map(() => [] as Array<Record<string, number>>);
  for (let i = 0; i < repeat; i++) runs.forEach((run, k) => all[k].push(run()));
  return all.map((results) => Object.fromEntries(Object.keys(results[0]).map((key) => [key, pct(results.map((r) => r[key]), 0.5)])));
}

const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

function main(): void {
  const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 1));
  const sizes = [1_000_000, 10_000_000, ...(process.env.LABBOOK_BENCH_100M === '1' ? [100_000_000] : [])];
  console.log(`scale benchmark (points in series files), node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}`);
  console.log('  ceilings: ../shared/measured-limits.md (JSONL split + parse 1.27 M lines/s; sql.js insert 1.40 M rows/s without index, 0.57 M/s with PRIMARY KEY)');
  for (const points of sizes) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-scale-'));
    try {
      const file = generateWorkspace(root, points, 10);
      const mb = fs.statSync(file).size / 1e6;
      const pristine = path.join(root, 'pristine.jsonl');
      if (repeat > 1) fs.copyFileSync(file, pristine);
      const [base, lab] = medianRuns(repeat, [
        () => child(['baseline', file, path.join(root, 'baseline')]),
        () => {
          // Each round from the same log and no index (the child appends to the log and writes the index).
          if (repeat > 1) {
            fs.rmSync(path.join(root, '.labbook'), { recursive: true, force: true });
            fs.copyFileSync(pristine, file);
          }
          return child(['ingest', root]);
        },
      ]);
      const rate = lab.points / (lab.ingestMs / 1000) / 1e6;
      const baseRate = base.points / (base.ms / 1000) / 1e6;
      const cpuRate = lab.points / (lab.cpuMs / 1000) / 1e6;
      const baseCpuRate = base.points / (base.cpuMs / 1000) / 1e6;
      const rssGoal = points >= 1e8 ? 'goal < 1,536 MiB' : points >= 1e7 ? 'goal < 300 MiB' : '';
      console.log(`  ${(points / 1e6).toFixed(0)} M points (${fmt(mb, 0)} MB JSONL, 10 metrics)${repeat > 1 ? `, medians of ${repeat}` : ''}:`);
      console.log(`    ingest ${fmt(rate, 2)} M points/s (target ≥ 0.45: ${verdict(rate >= 0.45)})  | plain parse + append loop ${fmt(baseRate, 2)} M/s, ratio ${fmt(rate / baseRate, 2)} (target ≥ 0.75: ${verdict(rate / baseRate >= 0.75)})`);
      console.log(`    per CPU second (less sensitive to a busy machine): ingest ${fmt(cpuRate, 2)} M points/s, plain loop ${fmt(baseCpuRate, 2)} M/s, ratio ${fmt(cpuRate / baseCpuRate, 2)}`);
      console.log(`    peak RSS ${fmt(lab.peakMiB, 0)} MiB (plain loop ${fmt(base.peakMiB, 0)} MiB) ${rssGoal}`);
      console.log(`    event-loop delay p99 during the ingest ${fmt(lab.loopP99, 0)} ms (goal < 50 ms once ingest runs off the main thread)`);
      console.log(`    save after ingest ${fmt(lab.saveMs, 0)} ms, index ${fmt(lab.indexBytes / 1e6, 2)} MB | sync + save after 100 more steps ${fmt(lab.appendSaveMs, 0)} ms (was a whole-database export: 3.4 s at 10 M)`);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-scale-'));
  try {
    const s = child(['series', root]);
    console.log('  store only (no parsing):');
    console.log(`    append 10 M points to one series: ${fmt(10 / (s.appendMs / 1000), 2)} M points/s, peak RSS ${fmt(s.peakMiB, 0)} MiB; reopen the index ${fmt(s.reopenMs, 0)} ms`);
    console.log(`    2,000-px view of the 10 M-point series: first ${fmt(s.firstViewMs, 1)} ms (${s.wholePoints} points, ${s.wholeKeepsSpikes} of 10 spikes kept), random ranges median ${fmt(s.viewMedian, 2)} ms, p95 ${fmt(s.viewP95, 2)} ms (target < 20 ms; ceiling: one 100k series from sql.js 24 ms + LTTB 0.5 ms)`);
    console.log(`    open a run of 50 metrics × 100k points at 2,000 px: median ${fmt(s.openMedian, 1)} ms (target < 150 ms; was 2,460 ms; stored-reduced-copy prototype 27 ms) | all 5 M raw points ${fmt(s.allPointsMs, 0)} ms`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const [mode, a, b] = process.argv.slice(2);
if (mode === 'ingest') void ingest(a);
else if (mode === 'baseline') baseline(a, b);
else if (mode === 'series') void series(a);
else main();
