// Compare benchmark: the host side of comparing 20 runs × 100,000 points (the whole payload the
// view gets first, read from a real Store and reduced by the one downsampling function), what a
// live update costs when nothing grew, and a zoom into a 1,000,000-point series down to raw points.
//   npm run bench
//   BENCH_COMPARE_RUNS=5 node out/bench/compare.js
import initSqlJs from 'sql.js';
import { CompareFeed, type CompareSource } from '../src/core/compare';
import { compareRange } from '../src/core/compareRange';
import { Store } from '../src/core/store/store';
import { storeReads } from '../src/core/worker/indexReads';

const RUNS = Number(process.env.BENCH_COMPARE_RUNS ?? 20);
const POINTS = 100_000;
const LONG = 1_000_000;
const REPEAT = 5;
const options = { now: 1_700_100_000, heartbeatTimeoutSeconds: 120, maxChartPoints: 4000 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  let result!: T;
  const wall: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const t = performance.now();
    result = await fn();
    wall.push(performance.now() - t);
  }
  return { ms: median(wall), result };
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
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
