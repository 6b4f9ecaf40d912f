// Runs table benchmark: what the host does to open the table and to run a query, on an index of
// 10,000 runs × 300 columns (250 params, 50 metrics with 3 points each; see benchIndex.ts).
//   npm run bench                              10,000 runs
//   BENCH_RUNS=2000 node out/bench/runsTable.js
import { storeReads } from '../src/core/worker/indexReads';
import { TableSession, tableCsv, type TableSource } from '../src/core/runsTable';
import { METRICS, PARAMS, RUNS, STEPS, openBenchIndex, timed } from './benchIndex';

const REPEAT = 7;

const time = <T>(fn: () => T | Promise<T>, repeat = REPEAT) => timed(fn, repeat);

/**
 * One figure with its target, when the issue sets one. The target is judged on CPU time: on this
 * single-threaded work it is the wall time of an idle machine, while the wall time here also counts
 * waiting for a CPU shared with other processes.
 */
function line(t: { ms: number; cpu: number }, label: string, extra = '', target?: number): string {
  const goal = target === undefined ? '' : `  [target < ${target} ms: ${t.cpu < target ? 'met' : 'MISSED'}]`;
  return `  ${t.ms.toFixed(1).padStart(8)} ms wall ${t.cpu.toFixed(1).padStart(8)} ms cpu  ${label}${extra ? `  (${extra})` : ''}${goal}`;
}

const OPEN_TARGET_MS = 150;
const QUERY_TARGET_MS = 50;

async function main(): Promise<void> {
  const { store, seconds } = await openBenchIndex();
  console.log(`runs table benchmark: ${RUNS.toLocaleString()} runs × ${PARAMS + METRICS} columns (${PARAMS} params, ${METRICS} metrics × ${STEPS} points), filled in ${seconds.toFixed(1)} s, node ${process.version}`);
  const sources: TableSource[] = [{ reads: storeReads(() => store), folder: 'bench' }];
  const options = () => ({ nowSeconds: 1_700_000_000 + RUNS * 60 + 700 });
  const layout = { metricStats: [], onlyDiffering: false } as const;

  // The first table opened in a window also finds which columns exist (every param row is read once).
  const first = await time(() => new TableSession(() => sources, options).apply({}, layout), 1);
  console.log(line(first, 'first open in a window: query, columns found, chips, first 50 rows', `${first.result.order.length} runs, ${first.result.columns.length} columns`));
  const open = await time(() => new TableSession(() => sources, options).apply({}, layout));
  const payload = JSON.stringify({ type: 'result', ...open.result }).length;
  console.log(line(open, 'table open (host query + payload: order, columns, chips, first 50 rows)', `${open.result.order.length} runs, ${(payload / 1024).toFixed(0)} KiB`, OPEN_TARGET_MS));

  const session = new TableSession(() => sources, options);
  await session.apply({}, layout);
  const queries = [
    'metrics.m7 > 0.5',
    'metrics.m1 > 0.5 and params.p3 = "0.5" and tags.stage = "final" and attributes.status = "FINISHED"',
    "params.p2 LIKE 'v1%' order by metrics.m2 desc",
  ];
  for (const q of queries) {
    const t = await time(() => session.apply({ query: q }, layout));
    console.log(line(t, `query: ${q}`, `${t.result.order.length} runs`, QUERY_TARGET_MS));
  }
  const sorted = await time(() => session.apply({ sort: [{ column: 'metric:m3', descending: true }, { column: 'param:p4', descending: false }] }, layout));
  console.log(line(sorted, 'sort by two clicked columns (metric m3 desc, param p4)', `${sorted.result.order.length} runs`, QUERY_TARGET_MS));
  // Half way down (rows 5000–5050 of 10,000 runs; BENCH_RUNS may set fewer).
  const middle = Math.floor(RUNS / 2);
  const scroll = await time(() => session.rows(middle, middle + 50));
  console.log(line(scroll, `rows ${middle}–${middle + 50} after a scroll`, `${scroll.result.length} rows × ${Object.keys(scroll.result[0]?.cells ?? {}).length} cells`));
  const stats = await time(() => new TableSession(() => sources, options).apply({}, { metricStats: ['metric.min', 'metric.max', 'metric.best_step'], onlyDiffering: false }), 3);
  console.log(line(stats, 'open with min, max, best step of every metric', `${stats.result.columns.length} columns`));
  const differs = await time(() => session.apply({ query: 'attributes.experiment = "exp-3"' }, { metricStats: [], onlyDiffering: true }), 3);
  console.log(line(differs, 'only columns that differ, one experiment', `${differs.result.order.length} runs, ${differs.result.columns.filter((c) => c.differs).length} differ`));
  await session.apply({}, layout);
  const csv = await time(async () => tableCsv(open.result.columns, await session.read(session.uids)), 1);
  console.log(line(csv, 'export every run as CSV', `${(csv.result.length / 1024 / 1024).toFixed(1)} MiB`));
  store.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
