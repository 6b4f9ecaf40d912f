// Query benchmark: the run query language on an index of 10,000 runs × 300 columns (50 metrics, 250
// params; see benchIndex.ts). Also measures how a metric's last value is best found.
//   npm run bench                          10,000 runs
//   BENCH_RUNS=2000 node out/bench/query.js
import { searchRuns } from '../src/core/query';
import { METRICS, PARAMS, RUNS, STEPS, openBenchIndex, timed } from './benchIndex';

const REPEAT = 9;
const time = <T>(fn: () => T) => timed(fn, REPEAT);

/** A query's target (the "query < 50 ms"), judged on CPU time: the wall time of an idle machine. */
const QUERY_TARGET_MS = 50;

function row(t: { ms: number; cpu: number }, runs: unknown, label: string, target: number | undefined = QUERY_TARGET_MS): string {
  const goal = target === undefined ? '' : `  [target < ${target} ms: ${t.cpu < target ? 'met' : 'MISSED'}]`;
  return `  ${t.ms.toFixed(1).padStart(7)} ms wall ${t.cpu.toFixed(1).padStart(7)} ms cpu  ${String(runs).padStart(6)} runs  ${label}${goal}`;
}

async function main(): Promise<void> {
  const { store, db, seconds } = await openBenchIndex();
  console.log(`query benchmark: ${RUNS.toLocaleString()} runs × ${METRICS + PARAMS} columns (${METRICS} metrics × ${STEPS} points, ${PARAMS} params), built in ${seconds.toFixed(1)} s, node ${process.version}`);

  const queries = [
    'metrics.m7 > 0.5',
    'metrics.m1 > 0.5 and params.p3 = "0.5" and tags.stage = "final" and attributes.status = "FINISHED"',
    'params.p1 < 0.25 or params.p2 LIKE \'v1%\'',
    "attributes.status IN ('FAILED', 'KILLED') and attributes.start_time > \"2023-11-20\"",
    'metrics.m3 > 0.2 order by metrics.m2 desc',
    'order by params.p4, attributes.run_name desc',
  ];
  for (const q of queries) {
    const t = await time(() => searchRuns(store, { query: q }));
    const r = t.result;
    if (r.error) throw r.error;
    console.log(row(t, r.uids.length, q));
  }
  const free = await time(() => searchRuns(store, { freeText: 'final run 12' }));
  console.log(row(free, (free.result as { uids: string[] }).uids.length, 'free text "final run 12"'));

  // How to find a metric's last value: three ways, same answer.
  const count = (sql: string, params: (string | number)[]) => Number(db.exec(sql, params)[0].values[0][0]);
  const summary = 'SELECT COUNT(*) FROM runs r WHERE (SELECT value FROM metric_last m WHERE m.run_id = r.id AND m.key = ?) > ?';
  const column = 'SELECT COUNT(*) FROM runs r WHERE (SELECT s.last_value FROM series s WHERE s.run_id = r.id AND s.key = ?) > ?';
  console.log('  last value of a metric, `metrics.m7 > 0.5` over all runs, two ways (points live in series files, not in the index):');
  const ways = [
    ['table metric_last (used)', summary],
    ['the last_value column of series', column],
  ] as const;
  for (const [label, sql] of ways) {
    const t = await time(() => count(sql, ['m7', 0.5]));
    console.log(row(t, t.result, label, undefined));
  }
  store.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
