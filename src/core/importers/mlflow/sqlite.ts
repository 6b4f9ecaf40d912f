/**
 * Reads an MLflow SQLite tracking store (`mlflow.db`, `sqlite:///…` backend) with sql.js.
 * The file's bytes are loaded into memory and queried there: the file itself is never opened for
 * writing. Tolerant of schema versions (MLflow 1.x–3.x): every optional column is checked with
 * `PRAGMA table_info` first.
 *
 * Mapping to {@link ImportedRun} (same as the file store, see mlflowFiles.ts):
 * - `name`: `runs.name`, else the `mlflow.runName` tag, else the run id.
 * - `status`: RUNNING / SCHEDULED → running, FINISHED → finished, FAILED → failed, KILLED → killed.
 * - `deleted`: the run's `lifecycle_stage` is `deleted` or its `deleted_time` is set, or its experiment is deleted.
 * - metrics: every row of `metrics` in insertion (rowid) order; `is_nan` rows are NaN, and the
 *   ±1.7976931348623157e308 MLflow stores for ±inf are read back as ±Infinity. A run without any
 *   `metrics` row falls back to its `latest_metrics` (one point per key).
 * - params as strings; tags as `tag.<key>` params, user tags as `key:value` in `tags`, the note from
 *   `mlflow.note.content`; experiment tags as `experiment_tag.<key>` params.
 * - `uid`: `mlflow:<db file>/<run id>`; `folder`: the database file (workspace-relative).
 * - `artifacts`: files under `artifact_uri` when it is a local path inside the workspace (a relative
 *   URI is tried against the database's folder, then the workspace root).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import { VENDOR_FOLDERS, walkFolders } from '../../fsWalk';
import { query } from '../../codecs/sqlQuery';
import { withWal } from '../sqliteWal';
import type { Problems } from '../../problems';
import { listArtifacts, localArtifactDir, reportServerArtifacts, serverArtifactNote } from './artifacts';
import { mlflowRunFields, mlflowStatus } from './fields';
import { workspacePath } from '../shared';
import type { ImportedRun, ImportedSeries } from '../contract';

/** The first 16 bytes of every SQLite 3 database file. */
const SQLITE_MAGIC = 'SQLite format 3\0';
/** Tables an MLflow tracking database always has. */
export const MLFLOW_TABLES = ['experiments', 'runs', 'metrics', 'params', 'tags'] as const;
/** How deep below the workspace root databases are looked for. */
const MAX_DEPTH = 6;
/** What MLflow writes for ±inf in SQL stores (sys.float_info.max). */
const FLOAT_MAX = 1.7976931348623157e308;

/**
 * Candidate MLflow SQLite files below `workspaceRoot` (absolute, sorted): files named `*.db`
 * (also `*.sqlite`, `*.sqlite3`) that start with the SQLite header. Whether one really is an
 * MLflow store is only known once its tables are read ({@link readMlflowSqlite} says so).
 */
export async function findMlflowSqliteFiles(workspaceRoot: string): Promise<string[]> {
  const found: string[] = [];
  const checks: Array<Promise<void>> = [];
  await walkFolders(path.resolve(workspaceRoot), {
    maxDepth: MAX_DEPTH,
    skip: VENDOR_FOLDERS,
    file: (p) => {
      if (/\.(db|sqlite3?)$/i.test(p)) checks.push(hasSqliteHeader(p).then((ok) => void (ok && found.push(p))));
    },
  });
  await Promise.all(checks);
  return found.sort();
}

async function hasSqliteHeader(file: string): Promise<boolean> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(file, 'r');
    const buf = Buffer.alloc(16);
    const { bytesRead } = await handle.read(buf, 0, 16, 0);
    return bytesRead === 16 && buf.toString('latin1') === SQLITE_MAGIC;
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

/**
 * Reads every run of the MLflow SQLite store `dbFile` (absolute, or relative to `workspaceRoot`).
 * A file that is not SQLite, is damaged, or is SQLite without MLflow's tables gives no runs and one
 * message naming the file.
 */
export async function readMlflowSqlite(SQL: SqlJsStatic, workspaceRoot: string, dbFile: string, problems: Problems): Promise<ImportedRun[]> {
  const root = path.resolve(workspaceRoot);
  const abs = path.resolve(root, dbFile);
  const relDb = workspacePath(root, abs);
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(abs);
  } catch (e) {
    problems.report(`${relDb}: could not be read: ${(e as Error).message}`);
    return [];
  }
  if (bytes.length < 16 || bytes.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
    problems.report(`${relDb}: not an SQLite database (no "SQLite format 3" header); ignored`);
    return [];
  }
  let db: Database | undefined;
  try {
    db = new SQL.Database(await withWal(root, abs, bytes, problems));
    const tables = new Set(queryColumn(db, "SELECT name FROM sqlite_master WHERE type = 'table'"));
    const missing = MLFLOW_TABLES.filter((t) => !tables.has(t));
    if (missing.length > 0) {
      problems.report(`${relDb}: an SQLite database but not an MLflow tracking store (no ${missing.map((t) => `"${t}"`).join(', ')} table${missing.length > 1 ? 's' : ''}); ignored`);
      return [];
    }
    const runs = readAll(db, tables, relDb);
    const onServer: string[] = [];
    for (const r of runs) {
      const local = await localArtifactDir(r.artifactUri, root, [path.dirname(abs), root]);
      if (local) r.run.artifacts.push(...(await listArtifacts(root, local)));
      else serverArtifactNote(r.artifactUri, r.run.name, onServer);
    }
    reportServerArtifacts(relDb, onServer, problems);
    return runs.map((r) => r.run);
  } catch (e) {
    problems.report(`${relDb}: could not be read as an MLflow SQLite store: ${(e as Error).message}`);
    return [];
  } finally {
    db?.close();
  }
}

interface PendingRun {
  readonly run: ImportedRun & { artifacts: string[] };
  readonly artifactUri: string | undefined;
}

function readAll(db: Database, tables: Set<string>, relDb: string): PendingRun[] {
  const cols = (table: string): Set<string> => new Set(query(db, `PRAGMA table_info("${table}")`).map((r) => String(r[1])));

  // Experiments.
  const expCols = cols('experiments');
  const experiments = new Map<string, { name: string; deleted: boolean; tags: Map<string, string> }>();
  for (const [id, name, stage] of query(db, `SELECT experiment_id, name, ${opt(expCols, 'lifecycle_stage')} FROM experiments`)) {
    experiments.set(String(id), { name: text(name) || String(id), deleted: stage === 'deleted', tags: new Map() });
  }
  if (tables.has('experiment_tags')) {
    for (const [id, key, value] of query(db, 'SELECT experiment_id, "key", value FROM experiment_tags ORDER BY "key"')) {
      experiments.get(String(id))?.tags.set(String(key), text(value));
    }
  }

  // Runs.
  const runCols = cols('runs');
  const runRows = query(
    db,
    `SELECT run_uuid, ${opt(runCols, 'name')}, ${opt(runCols, 'status')}, ${opt(runCols, 'start_time')}, ${opt(runCols, 'end_time')},
            ${opt(runCols, 'lifecycle_stage')}, ${opt(runCols, 'deleted_time')}, ${opt(runCols, 'experiment_id')}, ${opt(runCols, 'artifact_uri')}
     FROM runs ORDER BY ${runCols.has('start_time') ? 'start_time, ' : ''}run_uuid`,
  );

  // Params and tags, per run.
  const params = groupKeyValues(query(db, 'SELECT run_uuid, "key", value FROM params ORDER BY run_uuid, "key"'));
  const tags = groupKeyValues(query(db, 'SELECT run_uuid, "key", value FROM tags ORDER BY run_uuid, "key"'));

  // Metrics, per run and key, in insertion order.
  const metrics = new Map<string, Map<string, ImportedSeries>>();
  const metricCols = cols('metrics');
  readMetricRows(db, 'metrics', metricCols, metrics);
  if (tables.has('latest_metrics')) {
    const latest = new Map<string, Map<string, ImportedSeries>>();
    readMetricRows(db, 'latest_metrics', cols('latest_metrics'), latest);
    for (const [run, series] of latest) if (!metrics.has(run)) metrics.set(run, series);
  }

  const out: PendingRun[] = [];
  for (const [uuid, name, status, start, end, stage, deletedTime, expId, artifactUri] of runRows) {
    const id = String(uuid);
    const runTags = tags.get(id) ?? new Map<string, string>();
    const exp = experiments.get(String(expId));
    const fields = mlflowRunFields(params.get(id) ?? new Map(), runTags, exp?.tags);
    const st = mlflowStatus(status) ?? (num(end) !== undefined ? 'finished' : 'running');
    const startMs = num(start);
    const endMs = num(end);
    const deleted = stage === 'deleted' || (deletedTime !== null && deletedTime !== undefined) || exp?.deleted === true;
    out.push({
      artifactUri: typeof artifactUri === 'string' ? artifactUri : undefined,
      run: {
        source: 'mlflow',
        sameStep: 'last',
        uid: `mlflow:${relDb}/${id}`,
        experiment: exp?.name ?? (expId === null || expId === undefined ? 'Default' : String(expId)),
        name: text(name) || runTags.get('mlflow.runName') || id,
        status: st,
        startTime: startMs !== undefined ? startMs / 1000 : undefined,
        endTime: endMs !== undefined ? endMs / 1000 : undefined,
        params: fields.params,
        tags: fields.tags,
        note: fields.note,
        deleted: deleted ? true : undefined,
        folder: relDb,
        metrics: metrics.get(id) ?? new Map(),
        artifacts: [],
      },
    });
  }
  return out;
}

function readMetricRows(db: Database, table: string, cols: Set<string>, into: Map<string, Map<string, ImportedSeries>>): void {
  if (!cols.has('run_uuid') || !cols.has('key') || !cols.has('value')) return;
  // Table (rowid = insertion) order; no ORDER BY: sorting a million rows costs more than grouping them here.
  const stmt = db.prepare(`SELECT run_uuid, "key", value, ${opt(cols, 'timestamp')}, ${opt(cols, 'step')}, ${opt(cols, 'is_nan')} FROM "${table}"`);
  try {
    const byRunKey = new Map<string, { steps: number[]; values: number[]; times: (number | null)[] }>();
    let lastRun: SqlValue | undefined;
    let lastKey: SqlValue | undefined;
    let series: { steps: number[]; values: number[]; times: (number | null)[] } | undefined;
    while (stmt.step()) {
      const r = stmt.get();
      if (r[0] !== lastRun || r[1] !== lastKey || !series) {
        lastRun = r[0];
        lastKey = r[1];
        const run = String(r[0]);
        const key = String(r[1]);
        const id = `${run}\u0000${key}`;
        series = byRunKey.get(id);
        if (!series) {
          series = { steps: [], values: [], times: [] };
          byRunKey.set(id, series);
          let runMap = into.get(run);
          if (!runMap) into.set(run, (runMap = new Map()));
          runMap.set(key, series);
        }
      }
      let value = typeof r[2] === 'number' ? r[2] : Number(r[2]);
      if (r[5] === 1 || r[5] === '1') value = NaN;
      else if (value === FLOAT_MAX) value = Infinity;
      else if (value === -FLOAT_MAX) value = -Infinity;
      const ts = r[3];
      series.steps.push(typeof r[4] === 'number' ? r[4] : Number(r[4] ?? 0));
      series.values.push(value);
      series.times.push(typeof ts === 'number' ? ts / 1000 : null);
    }
  } finally {
    stmt.free();
  }
  // Keys in a stable (sorted) order per run.
  for (const [run, m] of into) into.set(run, new Map([...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))));
}

// ----- helpers -----

/** `name` when the column exists, else `NULL` (so that row shapes stay the same across versions). */
function opt(cols: Set<string>, name: string): string {
  return cols.has(name) ? `"${name}"` : 'NULL';
}

function queryColumn(db: Database, sql: string): string[] {
  return query(db, sql).map((r) => String(r[0]));
}

function groupKeyValues(rows: SqlValue[][]): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [run, key, value] of rows) {
    const id = String(run);
    let m = out.get(id);
    if (!m) out.set(id, (m = new Map()));
    m.set(String(key), text(value));
  }
  return out;
}

function text(v: SqlValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return String(v);
}

function num(v: SqlValue | undefined): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}
