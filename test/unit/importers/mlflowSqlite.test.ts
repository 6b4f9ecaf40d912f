import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { findMlflowSqliteFiles, readMlflowSqlite } from '../../../src/core/importers/mlflow';
import type { ImportedRun } from '../../../src/core/importers/contract';
import { ProblemList } from '../../../src/core/problems';
import { loadSql, tempDir, trackerFixtures } from '../support/helpers';

function count<T>(items: T[], f: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of items) out[f(x)] = (out[f(x)] ?? 0) + 1;
  return out;
}

function sha(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

describe('mlflow sqlite: zoomcamp fixture (MLflow 1.2x)', () => {
  const root = trackerFixtures('mlflow-sqlite', 'zoomcamp-official');
  const db = path.join(root, '02-experiment-tracking', 'mlflow.db');
  let runs: ImportedRun[];
  let problems: ProblemList;
  let before_: { sha: string; mtime: number };
  before(async () => {
    before_ = { sha: sha(db), mtime: fs.statSync(db).mtimeMs };
    problems = new ProblemList();
    runs = await readMlflowSqlite(await loadSql(), root, db, problems);
  });

  it('never changes the database file', () => {
    assert.strictEqual(sha(db), before_.sha);
    assert.strictEqual(fs.statSync(db).mtimeMs, before_.mtime);
  });

  it('reads 16 runs: 12 finished, 3 failed, 1 running, without problems', () => {
    assert.deepStrictEqual(problems.messages, []);
    assert.strictEqual(runs.length, 16);
    assert.deepStrictEqual(count(runs, (r) => r.status), { finished: 12, failed: 3, running: 1 });
    assert.deepStrictEqual(count(runs, (r) => r.experiment), { 'nyc-taxi-experiment': 16 });
    for (const r of runs) {
      assert.strictEqual(r.source, 'mlflow');
      assert.strictEqual(r.folder, '02-experiment-tracking/mlflow.db');
      assert.ok(r.uid.startsWith('mlflow:02-experiment-tracking/mlflow.db/'), r.uid);
      assert.ok(!r.deleted);
    }
    assert.strictEqual(new Set(runs.map((r) => r.uid)).size, 16);
    const running = runs.find((r) => r.status === 'running')!;
    assert.strictEqual(running.endTime, undefined);
  });

  it('reads the 746-step validation-rmse series, single-value rmse, params and user tags', () => {
    const xgb = runs.find((r) => r.uid.endsWith('/f02c412e075b42a68b850819aaef682c'))!;
    const s = xgb.metrics.get('validation-rmse')!;
    assert.strictEqual(s.steps.length, 746);
    assert.deepStrictEqual(s.steps, Array.from({ length: 746 }, (_, i) => i));
    assert.strictEqual(s.values[0], 12.579822485696278);
    assert.strictEqual(s.values[1], 8.921755547191447);
    assert.strictEqual(s.times[0], 1653553302.164);
    assert.strictEqual(runs.filter((r) => r.metrics.has('rmse')).length, 10);
    for (const r of runs.filter((x) => x.metrics.has('rmse'))) assert.strictEqual(r.metrics.get('rmse')!.steps.length, 1);
    const first = runs.find((r) => r.uid.endsWith('/360240f5dfd44457806295ebdf7cc53c'))!;
    assert.strictEqual(first.name, '360240f5dfd44457806295ebdf7cc53c', 'no name and no mlflow.runName tag: named by id');
    assert.strictEqual(first.params.alpha, '0.01');
    assert.strictEqual(first.params.train_data_path, './data/green_tripdata_2021-01.parquet');
    assert.deepStrictEqual(first.tags, ['developer:Akshit Miglani']);
    assert.strictEqual(first.params['tag.developer'], 'Akshit Miglani');
    assert.strictEqual(first.startTime, 1653471577.548);
    assert.strictEqual(first.endTime, 1653471587.957);
    const counts = runs.reduce((n, r) => n + Object.keys(r.params).filter((k) => !k.startsWith('tag.')).length, 0);
    assert.strictEqual(counts, 95);
    assert.strictEqual(runs.reduce((n, r) => n + Object.keys(r.params).filter((k) => k.startsWith('tag.')).length, 0), 63);
    assert.strictEqual(runs.reduce((n, r) => n + [...r.metrics.values()].reduce((m, s2) => m + s2.steps.length, 0), 0), 758);
  });

  it('is found as a candidate database', async () => {
    assert.deepStrictEqual(await findMlflowSqliteFiles(root), [db]);
  });
});

describe('mlflow sqlite: directionclassifier fixture (MLflow 3.x)', () => {
  const root = trackerFixtures('mlflow-sqlite', 'directionclassifier-mlflow3');
  let runs: ImportedRun[];
  let problems: ProblemList;
  before(async () => {
    problems = new ProblemList();
    runs = await readMlflowSqlite(await loadSql(), root, 'mlflow.db', problems);
  });

  it('reads 13 runs, 9 of them deleted (deleted_time or deleted experiment)', () => {
    assert.deepStrictEqual(problems.messages, []);
    assert.strictEqual(runs.length, 13);
    assert.strictEqual(runs.filter((r) => r.deleted).length, 9);
    assert.deepStrictEqual(count(runs, (r) => r.status), { finished: 10, running: 1, failed: 2 });
    assert.deepStrictEqual(count(runs, (r) => r.experiment), { Default: 4, 'my-first-experiment': 2, 'my-second-experiment': 1, 'Deep Learning Experiment': 6 });
    const running = runs.find((r) => r.status === 'running')!;
    assert.strictEqual(running.name, 'abrasive-dog-76');
    assert.strictEqual(running.deleted, true);
    for (const r of runs.filter((x) => x.experiment === 'Default')) assert.ok(!r.deleted, r.name);
  });

  it('reads system metrics with "/" in keys, epoch metrics, and 24 keys in all', () => {
    const keys = new Set<string>();
    for (const r of runs) for (const k of r.metrics.keys()) keys.add(k);
    assert.strictEqual(keys.size, 24);
    const r = runs.find((x) => x.name === 'wise-sponge-364')!;
    const cpu = r.metrics.get('system/cpu_utilization_percentage')!;
    assert.strictEqual(cpu.steps.length, 119);
    assert.strictEqual(Math.max(...cpu.steps), 118);
    assert.deepStrictEqual(r.metrics.get('train_loss')!.values, [1.7893945626866843, 1.0513677139526236, 0.8247231972624244, 0.7235825245441404, 0.6590143171454798]);
    assert.deepStrictEqual(r.metrics.get('train_loss')!.steps, [0, 1, 2, 3, 4]);
    assert.strictEqual(r.metrics.get('train_loss')!.times[0], 1774650806.521);
    const params = runs.reduce((n, x) => n + Object.keys(x.params).filter((k) => !k.startsWith('tag.') && !k.startsWith('experiment_tag.')).length, 0);
    assert.strictEqual(params, 139);
    const sk = runs.find((x) => x.name === 'zealous-donkey-541')!;
    assert.deepStrictEqual(sk.tags, ['estimator_class:sklearn.ensemble._forest.RandomForestRegressor', 'estimator_name:RandomForestRegressor']);
    assert.strictEqual(sk.params['tag.mlflow.runName'], 'zealous-donkey-541');
  });
});

describe('mlflow sqlite: other files', () => {
  it('ignores an SQLite file without MLflow tables, with a clear message', async () => {
    const SQL = await loadSql();
    const root = tempDir();
    const other = new SQL.Database();
    other.run('CREATE TABLE runs (id TEXT); CREATE TABLE notes (text TEXT);');
    fs.writeFileSync(path.join(root, 'app.db'), Buffer.from(other.export()));
    other.close();
    const problems = new ProblemList();
    assert.deepStrictEqual(await readMlflowSqlite(SQL, root, path.join(root, 'app.db'), problems), []);
    assert.deepStrictEqual(problems.messages, ['app.db: an SQLite database but not an MLflow tracking store (no "experiments", "metrics", "params", "tags" tables); ignored']);
    assert.deepStrictEqual(await findMlflowSqliteFiles(root), [path.join(root, 'app.db')]);
  });

  it('reports a corrupt database and a file that is no SQLite at all', async () => {
    const SQL = await loadSql();
    const root = tempDir();
    const real = fs.readFileSync(trackerFixtures('mlflow-sqlite', 'zoomcamp-official', '02-experiment-tracking', 'mlflow.db'));
    const junk = Buffer.concat([real.subarray(0, 100), Buffer.alloc(real.length - 100, 0x5a)]);
    fs.writeFileSync(path.join(root, 'broken.db'), junk);
    fs.writeFileSync(path.join(root, 'text.db'), 'hello, not a database\n');
    const problems = new ProblemList();
    assert.deepStrictEqual(await readMlflowSqlite(SQL, root, 'broken.db', problems), []);
    assert.deepStrictEqual(await readMlflowSqlite(SQL, root, 'text.db', problems), []);
    assert.deepStrictEqual(await readMlflowSqlite(SQL, root, 'missing.db', problems), []);
    assert.strictEqual(problems.messages.length, 3);
    assert.match(problems.messages[0], /^broken\.db: could not be read as an MLflow SQLite store: /);
    assert.match(problems.messages[1], /^text\.db: not an SQLite database/);
    assert.match(problems.messages[2], /^missing\.db: could not be read/);
    assert.deepStrictEqual(await findMlflowSqliteFiles(root), [path.join(root, 'broken.db')]);
  });

  it('reads an old schema without optional columns, NaN / inf encodings, latest_metrics fallback and local artifacts', async () => {
    const SQL = await loadSql();
    const root = tempDir();
    const db = new SQL.Database();
    db.run(`
      CREATE TABLE experiments (experiment_id INTEGER, name TEXT);
      CREATE TABLE runs (run_uuid TEXT, status TEXT, start_time BIGINT, experiment_id INTEGER, artifact_uri TEXT);
      CREATE TABLE metrics ("key" TEXT, value FLOAT, timestamp BIGINT, run_uuid TEXT, step BIGINT, is_nan BOOLEAN);
      CREATE TABLE latest_metrics ("key" TEXT, value FLOAT, timestamp BIGINT, step BIGINT, is_nan BOOLEAN, run_uuid TEXT);
      CREATE TABLE params ("key" TEXT, value TEXT, run_uuid TEXT);
      CREATE TABLE tags ("key" TEXT, value TEXT, run_uuid TEXT);
      INSERT INTO experiments VALUES (0, 'Default');
      INSERT INTO runs VALUES ('r1', 'KILLED', 1000, 0, './mlruns/0/r1/artifacts'), ('r2', 'SCHEDULED', 2000, 0, 's3://bucket/x');
      INSERT INTO metrics VALUES ('m', 0, 1000, 'r1', 0, 1), ('m', 1.7976931348623157e308, 2000, 'r1', 1, 0), ('m', -1.7976931348623157e308, 3000, 'r1', 2, 0), ('m', 0.5, 4000, 'r1', 3, 0);
      INSERT INTO latest_metrics VALUES ('acc', 0.9, 5000, 7, 0, 'r2'), ('m', 0.5, 4000, 3, 0, 'r1');
      INSERT INTO tags VALUES ('mlflow.runName', 'named-by-tag', 'r1'), ('mlflow.note.content', 'hello', 'r1');
    `);
    fs.writeFileSync(path.join(root, 'mlflow.db'), Buffer.from(db.export()));
    db.close();
    fs.mkdirSync(path.join(root, 'mlruns', '0', 'r1', 'artifacts', 'plots'), { recursive: true });
    fs.writeFileSync(path.join(root, 'mlruns', '0', 'r1', 'artifacts', 'plots', 'a.png'), 'x');
    const problems = new ProblemList();
    const runs = await readMlflowSqlite(SQL, root, 'mlflow.db', problems);
    assert.deepStrictEqual(problems.messages, []);
    const [r1, r2] = runs;
    assert.strictEqual(r1.name, 'named-by-tag');
    assert.strictEqual(r1.note, 'hello');
    assert.strictEqual(r1.status, 'killed');
    assert.strictEqual(r1.startTime, 1);
    assert.strictEqual(r1.experiment, 'Default');
    const m = r1.metrics.get('m')!;
    assert.deepStrictEqual(m.steps, [0, 1, 2, 3]);
    assert.ok(Number.isNaN(m.values[0]));
    assert.deepStrictEqual(m.values.slice(1), [Infinity, -Infinity, 0.5]);
    assert.deepStrictEqual(r1.artifacts, ['mlruns/0/r1/artifacts/plots/a.png']);
    assert.strictEqual(r2.status, 'running');
    assert.deepStrictEqual(r2.metrics.get('acc'), { steps: [7], values: [0.9], times: [5] });
    assert.deepStrictEqual(r2.artifacts, []);
  });
});
