// Compare benchmark: the host side of comparing 20 runs × 100,000 points (the whole payload the
// view gets first, read from a real Store and reduced by the one downsampling function), what a
// live update costs when nothing grew, and a zoom into a 1,000,000-point series down to raw points;
// then 100 runs × 10 metrics × 10,000 points: the host side of opening the comparison (its first
// charts' lines; the view asks for each other chart's as it scrolls into view), of one such chart,
// of every chart, and of a zoom, with the size of each message (the view must stay interactive).
//   npm run bench
//   BENCH_COMPARE_RUNS=5 node out/bench/compare.js
import initSqlJs from 'sql.js';
import { CompareFeed, type CompareSource } from '../src/core/compare';
import { compareRange } from '../src/core/compareRange';
import { answerRange } from '../src/core/compareRange';
import { Store } from '../src/core/store/store';
import { storeReads } from '../src/core/worker/indexReads';

const RUNS = Number(process.env.BENCH_COMPARE_RUNS ?? 20);
const POINTS = 100_000;
const LONG = 1_000_000;
const REPEAT = 5;
const MANY_RUNS = Number(process.env.BENCH_COMPARE_MANY ?? 100);
const MANY_METRICS = 10;
const MANY_POINTS = 10_000;
/** Host-side targets: the "< 100 ms" for opening, and the same for a zoom, so a zoom feels immediate. */
const OPEN_TARGET_MS = 100;
const ZOOM_TARGET_MS = 100;
const options = { now: 1_700_100_000, heartbeatTimeoutSeconds: 120, maxChartPoints: 4000 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall and CPU milliseconds (CPU time: the wall time on an idle machine; the work is single-threaded). */
async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; cpu: number; result: T }> {
  let result!: T;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    result = await fn();
    wall.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  return { ms: median(wall), cpu: median(cpu), result };
}

function addSeries(store: Store, run: number, key: string, n: number, seed: number): void {
  const id = store.seriesId(run, key);
  const steps = Array.from({ length: n }, (_, i) => i);
  const values = steps.map((s) => 2 * Math.exp(-s / (n / 4)) + 0.05 * Math.sin(s * 1.7 + seed));
  store.insertPoints(id, steps, values, steps.map((s) => 1_700_000_000 + s));
}

async function main(): Promise<void> {
  const SQL = await initSqlJs();
  const { store } = await Store.open(SQL);
  const t0 = performance.now();
  store.transaction(() => {
    for (let r = 0; r < RUNS; r++) {
      const id = store.createRun(`run-${r}`, 'bench', `run ${r}`, `labbook/run-${r}`);
      store.updateRun(id, { status: 'finished', startTime: 1_700_000_000 });
      store.setParams(id, { lr: 10 ** -(r % 4), batch: 32 * (1 + (r % 3)), model: { hidden: 128 } }, true);
      addSeries(store, id, 'train/loss', POINTS, r);
    }
    const long = store.createRun('long', 'bench', 'long run', 'labbook/long');
    addSeries(store, long, 'train/loss', LONG, 0);
  });
  console.log(`compare: built ${RUNS} runs × ${POINTS.toLocaleString('en')} points and one of ${LONG.toLocaleString('en')} in ${(performance.now() - t0).toFixed(0)} ms`);
  const reads = storeReads(() => store);
  const sources: CompareSource[] = Array.from({ length: RUNS }, (_, r) => ({ reads, uid: `run-${r}`, folder: 'ws' }));
  const feed = new CompareFeed(sources);
  const full = await time(async () => (await feed.full(options))!);
  const bytes = Buffer.byteLength(JSON.stringify({ type: 'init', ...full.result }));
  const drawn = full.result.series.reduce((n, s) => n + s.lines.reduce((k, l) => k + l.steps.length, 0), 0);
  console.log(`  ${full.ms.toFixed(1).padStart(8)} ms  open: ${RUNS} runs × ${POINTS.toLocaleString('en')} points → ${drawn.toLocaleString('en')} points sent, payload ${(bytes / 1024).toFixed(0)} KiB (target < 100 ms)`);
  const idle = await time(() => feed.next(options));
  console.log(`  ${idle.ms.toFixed(1).padStart(8)} ms  live update with nothing new (no point read)`);
  const pair: CompareSource[] = [{ reads, uid: 'long', folder: 'ws' }, { reads, uid: 'run-0', folder: 'ws' }];
  for (const [lo, hi] of [[0, LONG - 1], [400_000, 600_000], [500_000, 501_000]] as const) {
    const r = await time(() => compareRange(pair, 'train/loss', lo, hi, 2000));
    const line = r.result.find((l) => l.run === 0)!;
    console.log(`  ${r.ms.toFixed(1).padStart(8)} ms  zoom to steps ${lo.toLocaleString('en')}–${hi.toLocaleString('en')} of a ${LONG.toLocaleString('en')}-point series: ${line.steps.length} points${line.steps.length === hi - lo + 3 || line.steps.length === hi - lo + 2 ? ' (raw)' : ''}`);
  }
  store.close();
  await many(SQL);
}

/** A figure's target, judged on CPU time (the machine running the bench may be shared). */
function goal(t: { ms: number; cpu: number }, target: number): string {
  return `(${t.cpu.toFixed(1)} ms cpu) [target < ${target} ms: ${t.cpu < target ? 'met' : 'MISSED'}]`;
}

/** 100 runs × 10 metrics × 10,000 points: open the comparison and zoom one chart, host side, with message sizes. */
async function many(SQL: Awaited<ReturnType<typeof initSqlJs>>): Promise<void> {
  const { store } = await Store.open(SQL);
  const t0 = performance.now();
  store.transaction(() => {
    for (let r = 0; r < MANY_RUNS; r++) {
      const id = store.createRun(`many-${r}`, 'bench', `run ${r}`, `labbook/many-${r}`);
      store.updateRun(id, { status: 'finished', startTime: 1_700_000_000 });
      store.setParams(id, { lr: 10 ** -(r % 4), batch: 32 * (1 + (r % 3)), seed: r }, true);
      for (let m = 0; m < MANY_METRICS; m++) addSeries(store, id, `metric/${m}`, MANY_POINTS, r + m);
    }
  });
  console.log(`compare, many runs: built ${MANY_RUNS} runs × ${MANY_METRICS} metrics × ${MANY_POINTS.toLocaleString('en')} points in ${(performance.now() - t0).toFixed(0)} ms`);
  const reads = storeReads(() => store);
  const sources: CompareSource[] = Array.from({ length: MANY_RUNS }, (_, r) => ({ reads, uid: `many-${r}`, folder: 'ws' }));
  // Host side of opening: the first message, made and turned into the JSON the webview is sent.
  const open = await time(async () => {
    const feed = new CompareFeed(sources);
    const payload = (await feed.full(options))!;
    return { feed, payload, bytes: Buffer.byteLength(JSON.stringify({ type: 'init', ...payload })) };
  });
  const { feed, payload, bytes } = open.result;
  const drawn = payload.series.reduce((n, s) => n + s.lines.reduce((k, l) => k + l.steps.length, 0), 0);
  console.log(`  ${open.ms.toFixed(1).padStart(8)} ms  open: ${MANY_RUNS} runs × ${MANY_METRICS} metrics → ${payload.series.length} of ${payload.keys.length} charts drawn at once, ${drawn.toLocaleString('en')} points sent, message ${(bytes / 1024).toFixed(0)} KiB  ${goal(open, OPEN_TARGET_MS)}`);
  // A chart scrolled into view: its lines, once.
  const pending = payload.keys.filter((k) => !payload.series.some((s) => s.key === k));
  let next = 0;
  const one = await time(async () => {
    const series = await feed.load([pending[next++ % pending.length]]);
    return Buffer.byteLength(JSON.stringify({ type: 'lines', series }));
  });
  console.log(`  ${one.ms.toFixed(1).padStart(8)} ms  a chart scrolled into view: ${MANY_RUNS} lines, message ${(one.result / 1024).toFixed(0)} KiB  ${goal(one, OPEN_TARGET_MS)}`);
  const all = await time(async () => {
    const f = new CompareFeed(sources);
    const p = (await f.full(options))!;
    const rest = await f.load(p.keys);
    return Buffer.byteLength(JSON.stringify({ type: 'init', ...p })) + Buffer.byteLength(JSON.stringify({ type: 'lines', series: rest }));
  });
  console.log(`  ${all.ms.toFixed(1).padStart(8)} ms  every chart (scrolled to the end): ${MANY_RUNS * MANY_METRICS} lines, messages ${(all.result / 1024 / 1024).toFixed(1)} MiB (${all.cpu.toFixed(1)} ms cpu)`);
  // What the panel answers to a zoomed chart: one metric, a tenth of the steps, every run.
  const zoom = await time(() => answerRange(sources, { type: 'range', key: 'metric/0', lo: 4_000, hi: 5_000, request: 1 }, options.maxChartPoints, feed));
  const zoomBytes = Buffer.byteLength(JSON.stringify(zoom.result));
  const lines = zoom.result.type === 'range' ? zoom.result.lines : [];
  console.log(`  ${zoom.ms.toFixed(1).padStart(8)} ms  zoom one chart to steps 4,000–5,000: ${lines.length} lines × ${lines[0]?.steps.length ?? 0} points, message ${(zoomBytes / 1024).toFixed(0)} KiB  ${goal(zoom, ZOOM_TARGET_MS)}`);
  store.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
