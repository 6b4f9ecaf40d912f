// The index the query and runs table benchmarks measure: 10,000 runs × 300 columns (250 params, 50
// metrics of 3 steps each) in 20 experiments, and how both time what they run on it.
// The index is filled with SQL (the same tables and columns the indexer writes), which takes seconds instead
// of minutes. Points live in series files, not in the index: each series has only its summary here.
import initSqlJs, { type Database } from 'sql.js';
import { Store } from '../src/core/store/store';

export const RUNS = Number(process.env.BENCH_RUNS ?? 10_000);
export const PARAMS = 250;
export const METRICS = 50;
export const STEPS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Median wall time and median CPU time of `fn` over `repeat` calls; `fn` may be synchronous or return a
 * promise (awaited before the clock stops). The CPU time is what it costs on an idle machine (the work
 * is single-threaded); the wall time also counts waiting for a busy CPU.
 */
export async function timed<T>(fn: () => T | Promise<T>, repeat: number): Promise<{ ms: number; cpu: number; result: T }> {
  let result!: T;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    result = await fn();
    wall.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  return { ms: median(wall), cpu: median(cpu), result };
}

function fill(db: Database): void {
  db.exec(`BEGIN;
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 19) INSERT INTO experiments(id, name) SELECT i + 1, 'exp-' || i FROM n;
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${RUNS - 1})
      INSERT INTO runs(id, uid, experiment_id, name, status, start_time, end_time, last_activity, folder, note)
      SELECT i + 1, printf('run%06d', i), i % 20 + 1, 'run ' || i, CASE i % 4 WHEN 0 THEN 'finished' WHEN 1 THEN 'failed' WHEN 2 THEN 'killed' ELSE 'finished' END,
        1700000000 + i * 60, 1700000000 + i * 60 + 600, 1700000000 + i * 60 + 600, 'labbook/run' || i, CASE WHEN i % 50 = 0 THEN 'looks promising' ELSE '' END FROM n;
    WITH RECURSIVE p(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM p WHERE k < ${PARAMS - 1})
      INSERT INTO params(run_id, key, value) SELECT r.id, 'p' || p.k,
        CASE p.k % 3 WHEN 0 THEN json_quote(printf('%.2f', abs(random() % 100) / 100.0)) WHEN 1 THEN CAST(abs(random() % 1000000) / 1000000.0 AS TEXT) ELSE json_quote('v' || (r.id % 7)) END
      FROM runs r, p;
    INSERT INTO tags(run_id, tag, pos) SELECT id, CASE WHEN id % 5 = 0 THEN 'stage:final' ELSE 'stage:draft' END, 0 FROM runs;
    INSERT INTO tags(run_id, tag, pos) SELECT id, 'group' || (id % 10), 1 FROM runs;
    WITH RECURSIVE m(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM m WHERE k < ${METRICS - 1})
      INSERT INTO series(run_id, key, count, first_step, last_step, last_value, min_value, max_value, min_step, max_step)
      SELECT id, key, ${STEPS}, 0, ${STEPS - 1}, v, v / 2, v, 0, ${STEPS - 1}
      FROM (SELECT r.id AS id, 'm' || m.k AS key, abs(random() % 1000000) / 1000000.0 AS v FROM runs r, m);
    INSERT INTO metric_last(run_id, key, value) SELECT run_id, key, last_value FROM series;
    COMMIT;`);
}

/** A fresh in-memory index holding the benchmark's runs, and the seconds it took to fill. */
export async function openBenchIndex(): Promise<{ store: Store; db: Database; seconds: number }> {
  const SQL = await initSqlJs({ locateFile: (f: string) => require.resolve(`sql.js/dist/${f}`) });
  const { store } = await Store.open(SQL);
  const db = (store as unknown as { db: Database }).db;
  const t0 = performance.now();
  fill(db);
  return { store, db, seconds: (performance.now() - t0) / 1000 };
}
