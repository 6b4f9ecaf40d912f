/**
 * The index of a workspace folder (sql.js) and, through it, the points of every series.
 *
 * For charts (compare view, run panel), read points with `getRange(seriesId, x0, x1, width)`: the
 * points whose steps are in `[x0, x1]` (pass `-Infinity, Infinity` for all) for a chart `width`
 * pixels wide. It returns `{ steps, values, bucket }` as Float64Arrays: the raw points when there
 * are at most 2 × width of them (`bucket` 1), otherwise at most `width` buckets of `bucket`
 * consecutive points, each giving its lowest and highest point and its first NaN in step order,
 * read from the series' min/max pyramid in a few positioned reads (about a millisecond for a
 * 10 M-point series). Zooming is calling it again with the new range; every spike survives.
 * `getPoints(seriesId, fromStep)` still returns every point (exports, alerts, live tails).
 */
import * as path from 'path';
import type { Database, SqlJsStatic, Statement, SqlValue } from 'sql.js';
import { migrate } from './schema';
import { assertSafeIndexFolder, crc32Yielding, moveAside, removeStaleTempFiles, writeChecksums, writeFileAtomic, type IndexChecksum } from './persistence';
import { formatBytes, INDEX_LIMITS, type IndexLimits } from './indexLimits';
import { heldByOtherProcess, loadIndexFile, markClosed, markOpen } from './indexFile';
import type { AlertLevel, RunStatusValue } from '../format/records';
import type { RunEdits } from '../edits';
import { FileBlobs, MemoryBlobs } from '../series/blobs';
import { SeriesFiles } from '../series/seriesFiles';
import type { RangePoints } from '../series/pyramid';
import { prepareSeriesFolder, seriesFolder } from './seriesFolder';
import { SeriesTable, type Points } from './seriesTable';

export type { Points } from './seriesTable';
export type { RangePoints } from '../series/pyramid';

export interface RunRow {
  readonly id: number;
  readonly uid: string;
  readonly experiment: string;
  readonly name: string;
  readonly description: string;
  readonly status: RunStatusValue;
  readonly statusMessage: string | null;
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly lastActivity: number | null;
  readonly note: string;
  readonly folder: string;
  readonly source: string;
  readonly formatVersion: number | null;
  /** The machine and process id that write the run (from its header), when it says. */
  readonly host?: string | null;
  readonly pid?: number | null;
  readonly pointCount: number;
  /** Deleted in the tracker it came from (shown marked, never hidden silently). */
  readonly deleted: boolean;
  /** Archived by the user (an edit): hidden from the tree unless archived runs are shown. */
  readonly archived: boolean;
  /** Starred by the user (an edit): shown first in its experiment. */
  readonly starred?: boolean;
}

export interface SeriesRow {
  readonly id: number; readonly key: string; readonly count: number; readonly lastStep: number | null;
  /** Summary kept as points arrive: first step, value of the last point, lowest and highest value (null: none, or NaN). */
  readonly firstStep?: number | null; readonly last?: number | null; readonly min?: number | null; readonly max?: number | null;
}

export interface ArtifactRow {
  readonly path: string; readonly name: string; readonly size: number | null; readonly sha256: string | null; readonly time: number | null;
  readonly step: number | null; readonly caption: string | null;
}
export interface DatasetRow {
  readonly name: string; readonly context: string; readonly path: string | null; readonly uri: string | null; readonly size: number | null;
  readonly sha256: string | null; readonly description: string | null; readonly time: number | null;
}
export interface AlertRow { readonly condition: string; readonly message: string; readonly level: AlertLevel }
export interface AlertState extends AlertRow { readonly triggeredStep: number | null; readonly triggeredValue: number | null; readonly triggeredTime: number | null }

/** A file read into the index; `head` holds what the tailer remembers of the file (its `TailState.mark`). */
export interface FileRow { readonly path: string; readonly runId: number | null; readonly offset: number; readonly line: number; readonly head: string; readonly size: number; readonly mtime: number }

export interface OpenResult {
  readonly store: Store;
  /** Set when the file on disk could not be used and a fresh index was started; the old file was kept aside. */
  readonly problem?: string;
  /** The last process that opened this index did not close it: worth a (deferred) integrity check. */
  readonly uncleanShutdown?: boolean;
}

/** A run's experiment and status as edits leave them (see core/edits.ts: `move`, `end`); the query language uses the same. */
export const EDITED_EXPERIMENT = 'COALESCE(ed.experiment, e.name)';
export const EDITED_STATUS = "(CASE WHEN r.status = 'running' AND ed.end_status IS NOT NULL THEN ed.end_status ELSE r.status END)";
const EDITED_MESSAGE = "(CASE WHEN r.status = 'running' AND ed.end_status IS NOT NULL THEN ed.end_message ELSE r.status_message END)";

const RUN_COLUMNS = `r.id, r.uid, ${EDITED_EXPERIMENT} AS experiment, COALESCE(ed.name, r.name) AS name, r.description,
  ${EDITED_STATUS} AS status, ${EDITED_MESSAGE} AS status_message, COALESCE(ed.starred, 0) AS starred,
  r.start_time, r.end_time, r.last_activity, COALESCE(ed.note, r.note) AS note, r.folder, r.source, r.format_version, r.deleted, r.host, r.pid,
  COALESCE(ed.archived, 0) AS archived,
  (SELECT COALESCE(SUM(count), 0) FROM series s WHERE s.run_id = r.id) AS point_count`;
const RUN_FROM = 'runs r JOIN experiments e ON e.id = r.experiment_id LEFT JOIN run_edits ed ON ed.uid = r.uid';

/**
 * The index: a sql.js database that mirrors the run log files. It can always be rebuilt from them.
 * All writes happen in synchronous transactions, so `save()` (which exports) never meets an open one.
 * The points of each series live outside the database, in series files beside it (see
 * core/series/seriesFiles.ts); the database keeps each series' count and summary.
 */
export class Store {
  private readonly statements = new Map<string, Statement>();
  private inTransaction = false;
  private dirty = false;
  private saving: Promise<void> | undefined;
  private closed = false;

  /** The checksum of the index file as this store last read or wrote it. */
  private onDisk: IndexChecksum | undefined;

  private readonly series: SeriesTable;

  private constructor(private readonly db: Database, readonly file: string | undefined, private readonly workspaceRoot?: string) {
    const blobs = file ? new FileBlobs(seriesFolder(file)) : new MemoryBlobs();
    this.series = new SeriesTable({ db, stmt: (sql) => this.stmt(sql) }, new SeriesFiles(blobs));
  }

  /**
   * Opens the index at `file` (or in memory without one). Never fails: an index that is damaged (its
   * checksum does not match), unreadable, a link, or too large to load is moved aside and replaced by an
   * empty one, which the caller fills again from the run logs. With `workspaceRoot`, every save first
   * checks that the index folder is a real folder inside it.
   */
  static async open(SQL: SqlJsStatic, file?: string, opts: { workspaceRoot?: string; limits?: IndexLimits } = {}): Promise<OpenResult> {
    if (!file) return { store: Store.fresh(SQL, undefined) };
    if (opts.workspaceRoot) {
      const unsafe = await assertSafeIndexFolder(opts.workspaceRoot, path.dirname(file)).then(() => undefined, (e: Error) => e.message);
      if (unsafe) return { store: Store.fresh(SQL, undefined), problem: `The index is kept in memory only (${unsafe}).` };
    }
    // Series files are appended in place: two processes must not write them. A second window on the
    // same folder indexes in memory (the first one keeps the index up to date on disk).
    if (await heldByOtherProcess(file)) {
      return { store: Store.fresh(SQL, undefined), uncleanShutdown: false, problem: `Another window has the index ${path.basename(file)} open; this window keeps its own index in memory.` };
    }
    await removeStaleTempFiles(file);
    const uncleanShutdown = await markOpen(file);
    const opened = await loadIndexFile(SQL, file, opts.limits ?? INDEX_LIMITS).catch((e: Error) => ({ db: undefined, sum: undefined, bad: e.message }));
    await prepareSeriesFolder(file);
    if (opened.db) {
      const store = new Store(opened.db, file, opts.workspaceRoot);
      store.onDisk = opened.sum;
      store.adoptSeriesFiles(uncleanShutdown);
      return { store, uncleanShutdown };
    }
    const store = Store.fresh(SQL, file, opts.workspaceRoot);
    store.series.files.clear();
    if (opened.bad === undefined) return { store, uncleanShutdown };
    store.dirty = true;
    const aside = await moveAside(file);
    const where = aside ? `it was moved to ${path.basename(aside)}` : 'it could not be moved aside and will be replaced';
    return { store, uncleanShutdown, problem: `The index ${path.basename(file)} could not be read (${opened.bad}); ${where} and is rebuilt from the run logs.` };
  }

  private static fresh(SQL: SqlJsStatic, file: string | undefined, workspaceRoot?: string): Store {
    const db = new SQL.Database();
    migrate(db);
    const store = new Store(db, file, workspaceRoot);
    store.series.migrateLegacy();
    return store;
  }

  /**
   * Brings the series files in line with an index just read: points an older index kept inside are
   * moved out, and runs whose series files are missing (or, after an unclean shutdown, short) are
   * forgotten so that the next sync reads them again from their logs.
   */
  private adoptSeriesFiles(thorough: boolean): void {
    if (this.transaction(() => this.series.migrateLegacy())) {
      // The points' pages are free now: give them back, so the saved index is small.
      this.db.exec('VACUUM');
      return;
    }
    const damaged = this.series.check(thorough);
    if (damaged.length) this.forgetRunsForRebuild(damaged);
  }

  /**
   * Forgets runs so that the next sync reads them again from their files: a Labbook run's log is
   * read from its start, an imported run's unit is imported again.
   */
  forgetRunsForRebuild(runIds: readonly number[]): void {
    this.transaction(() => {
      for (const runId of runIds) {
        const uid = this.runUid(runId);
        if (uid === undefined) continue;
        this.run('DELETE FROM files WHERE run_id = ?', [runId]);
        for (const unit of this.all('SELECT unit, uids FROM import_units')) {
          if ((JSON.parse(unit.uids as string) as string[]).includes(uid)) this.run('DELETE FROM import_units WHERE unit = ?', [unit.unit]);
        }
        this.deleteRun(runId);
      }
    });
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  /** Runs `fn` in one transaction. `fn` must be synchronous: no transaction ever spans an `await`. */
  transaction<T>(fn: () => T): T {
    if (this.inTransaction) return fn();
    this.db.exec('BEGIN');
    this.inTransaction = true;
    try {
      const result = fn();
      this.db.exec('COMMIT');
      this.dirty = true;
      return result;
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    } finally {
      this.inTransaction = false;
    }
  }

  /**
   * Writes the index to its file atomically (temp file, fsync, rename) with its checksum. Concurrent calls
   * share one write. Order: checksum file listing the old and the new version, index, checksum of the new
   * version only; a crash anywhere leaves an index that matches its checksum file.
   */
  async save(): Promise<void> {
    if (this.inTransaction) throw new Error('cannot save the index inside a transaction');
    if (!this.file || this.closed) return;
    while (this.saving) await this.saving;
    if (!this.dirty) return;
    const file = this.file;
    this.saving = (async () => {
      if (this.workspaceRoot) await assertSafeIndexFolder(this.workspaceRoot, path.dirname(file), { create: true });
      const size = this.sizeBytes();
      if (size > INDEX_LIMITS.openMaxBytes) throw new Error(`the index is ${formatBytes(size)}, too large to save and load again`);
      // Synchronously before the export: every point the exported counts include is on disk.
      const afterSave = this.series.beforeExport();
      const data = this.db.export();
      this.dirty = false;
      const sum: IndexChecksum = { size: data.length, crc32: await crc32Yielding(data) };
      await writeChecksums(file, this.onDisk ? [this.onDisk, sum] : [sum]);
      await writeFileAtomic(file, data);
      this.onDisk = sum;
      await writeChecksums(file, [sum]);
      afterSave();
    })().catch((e) => {
      this.dirty = true;
      throw e;
    }).finally(() => {
      this.saving = undefined;
    });
    await this.saving;
  }

  /** Bytes the database uses (pages in use × page size), read from SQLite without exporting. */
  sizeBytes(): number {
    const pragma = (name: string) => Number(this.db.exec(`PRAGMA ${name}`)[0]?.values[0]?.[0] ?? 0);
    return (pragma('page_count') - pragma('freelist_count')) * pragma('page_size');
  }

  /** SQLite's structural check (slow on a large index: run it deferred). Returns what is wrong, or undefined. */
  quickCheck(): string | undefined {
    const result = this.db.exec('PRAGMA quick_check')[0]?.values.map((r) => String(r[0])) ?? ['no result'];
    return result.length === 1 && result[0] === 'ok' ? undefined : result.slice(0, 5).join('; ');
  }

  close(): void {
    if (this.closed) return;
    for (const s of this.statements.values()) s.free();
    this.statements.clear();
    this.db.close();
    this.series.files.blobs.close();
    this.closed = true;
    if (this.file) markClosed(this.file);
  }

  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private run(sql: string, params: SqlValue[]): void {
    const s = this.stmt(sql);
    s.bind(params);
    s.step();
    s.reset();
  }

  private all(sql: string, params: SqlValue[] = []): Array<Record<string, SqlValue>> {
    const s = this.stmt(sql);
    s.bind(params);
    const rows: Array<Record<string, SqlValue>> = [];
    while (s.step()) rows.push(s.getAsObject());
    s.reset();
    return rows;
  }

  private one(sql: string, params: SqlValue[] = []): Record<string, SqlValue> | undefined {
    return this.all(sql, params)[0];
  }

  // ---- writes (called by the ingest code, inside `transaction`) ----

  /**
   * Runs `fn` inside the open transaction so that, if it throws, only its own writes are undone
   * (and the error is rethrown): one bad record never takes the rest of a chunk with it.
   */
  undoable<T>(fn: () => T): T {
    this.db.exec('SAVEPOINT record');
    try {
      const result = fn();
      this.db.exec('RELEASE record');
      return result;
    } catch (e) {
      this.db.exec('ROLLBACK TO record');
      this.db.exec('RELEASE record');
      throw e;
    }
  }

  experimentId(name: string): number {
    this.run('INSERT OR IGNORE INTO experiments(name) VALUES (?)', [name]);
    return this.one('SELECT id FROM experiments WHERE name = ?', [name])!.id as number;
  }

  runIdByUid(uid: string): number | undefined {
    return this.one('SELECT id FROM runs WHERE uid = ?', [uid])?.id as number | undefined;
  }

  runUid(runId: number): string | undefined {
    return this.one('SELECT uid FROM runs WHERE id = ?', [runId])?.uid as string | undefined;
  }

  runSource(runId: number): string | undefined {
    return this.one('SELECT source FROM runs WHERE id = ?', [runId])?.source as string | undefined;
  }

  runFolder(runId: number): string | undefined {
    return this.one('SELECT folder FROM runs WHERE id = ?', [runId])?.folder as string | undefined;
  }

  createRun(uid: string, experiment: string, name: string, folder: string, source = 'labbook'): number {
    this.run('INSERT INTO runs(uid, experiment_id, name, folder, source) VALUES (?, ?, ?, ?, ?)', [uid, this.experimentId(experiment), name, folder, source]);
    return this.one('SELECT last_insert_rowid() AS id')!.id as number;
  }

  updateRun(runId: number, fields: Partial<{ experiment: string; name: string; description: string; status: RunStatusValue; statusMessage: string | null; startTime: number; endTime: number | null; note: string; formatVersion: number; host: string | null; pid: number | null }>): void {
    const sets: string[] = [];
    const params: SqlValue[] = [];
    const column: Record<string, string> = {
      name: 'name', description: 'description', status: 'status', statusMessage: 'status_message',
      startTime: 'start_time', endTime: 'end_time', note: 'note', formatVersion: 'format_version',
      host: 'host', pid: 'pid',
    };
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      if (key === 'experiment') {
        sets.push('experiment_id = ?');
        params.push(this.experimentId(value as string));
      } else {
        sets.push(`${column[key]} = ?`);
        params.push(value as SqlValue);
      }
    }
    if (sets.length === 0) return;
    params.push(runId);
    this.db.run(`UPDATE runs SET ${sets.join(', ')} WHERE id = ?`, params);
  }

  touchRun(runId: number, time: number): void {
    this.run('UPDATE runs SET last_activity = MAX(COALESCE(last_activity, 0), ?) WHERE id = ?', [time, runId]);
  }

  setParams(runId: number, values: Record<string, unknown>, reset: boolean): void {
    if (reset) this.run('DELETE FROM params WHERE run_id = ?', [runId]);
    for (const [key, value] of Object.entries(values)) {
      this.run('INSERT OR REPLACE INTO params(run_id, key, value) VALUES (?, ?, ?)', [runId, key, JSON.stringify(value ?? null)]);
    }
  }

  setTags(runId: number, tags: readonly string[], reset: boolean): void {
    if (reset) this.run('DELETE FROM tags WHERE run_id = ?', [runId]);
    for (const tag of tags) {
      this.run('INSERT OR IGNORE INTO tags(run_id, tag, pos) VALUES (?, ?, (SELECT COALESCE(MAX(pos), -1) + 1 FROM tags WHERE run_id = ?))', [runId, tag, runId]);
    }
  }

  seriesId(runId: number, key: string): number {
    this.run('INSERT OR IGNORE INTO series(run_id, key) VALUES (?, ?)', [runId, key]);
    return this.one('SELECT id FROM series WHERE run_id = ? AND key = ?', [runId, key])!.id as number;
  }

  /**
   * Stores points of one series unless it already has a point at that step (the first value wins,
   * Labbook's rule), and updates the series' count and summary. Returns how many were new.
   */
  insertPoints(seriesId: number, steps: readonly number[], values: readonly number[], times: readonly (number | null)[]): number {
    return this.series.insert(seriesId, steps, values, times, false);
  }

  /**
   * Stores every point given, also at steps that already hold one (trackers such as MLflow keep every
   * value; the last one logged at the last step is the series' last value). Returns how many were stored.
   */
  insertAllPoints(seriesId: number, steps: readonly number[], values: readonly number[], times: readonly (number | null)[]): number {
    return this.series.insert(seriesId, steps, values, times, true);
  }

  addArtifact(runId: number, a: { path: string; name: string; size?: number; sha256?: string; time?: number; step?: number; caption?: string }): void {
    this.run('INSERT OR REPLACE INTO artifacts(run_id, path, name, size, sha256, time, step, caption) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      runId, a.path, a.name, a.size ?? null, a.sha256 ?? null, a.time ?? null, a.step ?? null, a.caption ?? null,
    ]);
  }

  clearArtifacts(runId: number): void {
    this.run('DELETE FROM artifacts WHERE run_id = ?', [runId]);
  }

  addDataset(runId: number, d: { name: string; context?: string; path?: string; uri?: string; size?: number; sha256?: string; description?: string; time?: number }): void {
    this.run('INSERT OR REPLACE INTO datasets(run_id, name, context, path, uri, size, sha256, description, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      runId, d.name, d.context ?? '', d.path ?? null, d.uri ?? null, d.size ?? null, d.sha256 ?? null, d.description ?? null, d.time ?? null,
    ]);
  }

  /** Merges `values` into the run's environment (top-level keys replace). */
  mergeEnv(runId: number, values: Record<string, unknown>): void {
    const current = this.getEnv(runId);
    this.run('INSERT OR REPLACE INTO run_env(run_id, json) VALUES (?, ?)', [runId, JSON.stringify({ ...current, ...values })]);
  }

  addAlert(runId: number, a: AlertRow): void {
    this.run(
      `INSERT INTO alerts(run_id, condition, message, level) VALUES (?, ?, ?, ?)
       ON CONFLICT(run_id, condition) DO UPDATE SET message = excluded.message, level = excluded.level`,
      [runId, a.condition, a.message, a.level],
    );
  }

  markAlertTriggered(runId: number, condition: string, step: number, value: number, time: number | null): void {
    this.run('UPDATE alerts SET triggered_step = ?, triggered_value = ?, triggered_time = ? WHERE run_id = ? AND condition = ?', [step, Number.isNaN(value) ? null : value, time, runId, condition]);
  }

  /** Alerts with their trigger state. */
  getAlertStates(runId: number): AlertState[] {
    return this.all('SELECT * FROM alerts WHERE run_id = ? ORDER BY condition', [runId]).map((r) => ({
      condition: r.condition as string, message: r.message as string, level: r.level as AlertLevel,
      triggeredStep: r.triggered_step as number | null, triggeredValue: r.triggered_value as number | null, triggeredTime: r.triggered_time as number | null,
    }));
  }

  setDeleted(runId: number, deleted: boolean): void {
    this.run('UPDATE runs SET deleted = ? WHERE id = ?', [deleted ? 1 : 0, runId]);
  }

  /** Forgets everything a run's log produced (before reading its file again). */
  deleteRun(runId: number): void {
    for (const table of ['artifacts', 'datasets', 'run_env', 'alerts']) this.run(`DELETE FROM ${table} WHERE run_id = ?`, [runId]);
    this.series.removeRunFiles(runId);
    this.run('DELETE FROM series WHERE run_id = ?', [runId]);
    this.run('DELETE FROM metric_last WHERE run_id = ?', [runId]);
    this.run('DELETE FROM params WHERE run_id = ?', [runId]);
    this.run('DELETE FROM tags WHERE run_id = ?', [runId]);
    this.run('DELETE FROM runs WHERE id = ?', [runId]);
    this.run('DELETE FROM experiments WHERE id NOT IN (SELECT DISTINCT experiment_id FROM runs)', []);
  }

  getImportUnit(unit: string): { fingerprint: string; uids: string[] } | undefined {
    const r = this.one('SELECT fingerprint, uids FROM import_units WHERE unit = ?', [unit]);
    return r && { fingerprint: r.fingerprint as string, uids: JSON.parse(r.uids as string) as string[] };
  }

  putImportUnit(unit: string, fingerprint: string, uids: readonly string[]): void {
    this.run('INSERT OR REPLACE INTO import_units(unit, fingerprint, uids) VALUES (?, ?, ?)', [unit, fingerprint, JSON.stringify(uids)]);
  }

  deleteImportUnit(unit: string): void {
    this.run('DELETE FROM import_units WHERE unit = ?', [unit]);
  }

  listImportUnits(): string[] {
    return this.all('SELECT unit FROM import_units ORDER BY unit').map((r) => r.unit as string);
  }

  /** Records what a user changed for a run (from its edits file). */
  setEdits(uid: string, file: string, edits: RunEdits): void {
    const flag = (b: boolean | undefined) => (b === undefined ? null : b ? 1 : 0);
    this.run('INSERT OR REPLACE INTO run_edits(uid, file, name, note, tags, archived, experiment, starred, end_status, end_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      uid, file, edits.name ?? null, edits.note ?? null, edits.tags ? JSON.stringify(edits.tags) : null,
      flag(edits.archived), edits.experiment ?? null, flag(edits.starred), edits.end?.status ?? null, edits.end?.message ?? null,
    ]);
  }

  /** Forgets the edits read from `file`; returns the uids they were for. */
  deleteEditsFromFile(file: string): string[] {
    const uids = this.all('SELECT uid FROM run_edits WHERE file = ?', [file]).map((r) => r.uid as string);
    this.run('DELETE FROM run_edits WHERE file = ?', [file]);
    return uids;
  }

  getFile(file: string): FileRow | undefined {
    const r = this.one('SELECT * FROM files WHERE path = ?', [file]);
    if (!r) return undefined;
    return { path: r.path as string, runId: r.run_id as number | null, offset: r.offset as number, line: r.line as number, head: r.head as string, size: r.size as number, mtime: r.mtime as number };
  }

  putFile(row: FileRow): void {
    this.run('INSERT OR REPLACE INTO files(path, run_id, offset, line, head, size, mtime) VALUES (?, ?, ?, ?, ?, ?, ?)', [row.path, row.runId, row.offset, row.line, row.head, row.size, row.mtime]);
  }

  deleteFile(file: string): void {
    this.run('DELETE FROM files WHERE path = ?', [file]);
  }

  listFiles(): FileRow[] {
    return this.all('SELECT path FROM files').map((r) => this.getFile(r.path as string)!);
  }

  /** Empties the whole index (rebuild). */
  clear(): void {
    this.transaction(() => {
      this.series.files.clear();
      for (const t of ['series', 'metric_last', 'params', 'tags', 'artifacts', 'datasets', 'run_env', 'alerts', 'runs', 'experiments', 'files', 'import_units', 'run_edits']) this.db.exec(`DELETE FROM ${t}`);
    });
  }

  // ---- queries ----

  /**
   * Rows of a read-only SELECT built by the query compiler (src/core/query), whose values are all bound.
   * Not cached: each query text is new.
   */
  selectRows(sql: string, params: readonly SqlValue[]): SqlValue[][] {
    if (!/^\s*SELECT\b/i.test(sql)) throw new Error('selectRows runs SELECT statements only');
    const s = this.db.prepare(sql);
    try {
      s.bind(params as SqlValue[]);
      const rows: SqlValue[][] = [];
      while (s.step()) rows.push(s.get());
      return rows;
    } finally {
      s.free();
    }
  }

  listRuns(): RunRow[] {
    return this.all(`SELECT ${RUN_COLUMNS} FROM ${RUN_FROM} ORDER BY experiment, r.start_time DESC, r.id DESC`).map(toRunRow);
  }

  getRun(uid: string): RunRow | undefined {
    const r = this.one(`SELECT ${RUN_COLUMNS} FROM ${RUN_FROM} WHERE r.uid = ?`, [uid]);
    return r && toRunRow(r);
  }

  getParams(runId: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const r of this.all('SELECT key, value FROM params WHERE run_id = ? ORDER BY key', [runId])) {
      // Defined, not assigned: a param named `__proto__` stays a param.
      Object.defineProperty(out, r.key as string, { value: JSON.parse(r.value as string), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  getTags(runId: number): string[] {
    const edited = this.one('SELECT ed.tags FROM runs r JOIN run_edits ed ON ed.uid = r.uid WHERE r.id = ? AND ed.tags IS NOT NULL', [runId]);
    if (edited) return JSON.parse(edited.tags as string) as string[];
    return this.all('SELECT tag FROM tags WHERE run_id = ? ORDER BY pos', [runId]).map((r) => r.tag as string);
  }

  getArtifacts(runId: number): ArtifactRow[] {
    return this.all('SELECT path, name, size, sha256, time, step, caption FROM artifacts WHERE run_id = ? ORDER BY name', [runId]).map((r) => ({
      path: r.path as string, name: r.name as string, size: r.size as number | null, sha256: r.sha256 as string | null, time: r.time as number | null,
      step: r.step as number | null, caption: r.caption as string | null,
    }));
  }

  getDatasets(runId: number): DatasetRow[] {
    return this.all('SELECT name, context, path, uri, size, sha256, description, time FROM datasets WHERE run_id = ? ORDER BY name, context', [runId]).map((r) => ({
      name: r.name as string, context: r.context as string, path: r.path as string | null, uri: r.uri as string | null, size: r.size as number | null,
      sha256: r.sha256 as string | null, description: r.description as string | null, time: r.time as number | null,
    }));
  }

  getEnv(runId: number): Record<string, unknown> {
    const r = this.one('SELECT json FROM run_env WHERE run_id = ?', [runId]);
    return r ? (JSON.parse(r.json as string) as Record<string, unknown>) : {};
  }

  getAlerts(runId: number): AlertRow[] {
    return this.all('SELECT condition, message, level FROM alerts WHERE run_id = ? ORDER BY condition', [runId]).map((r) => ({
      condition: r.condition as string, message: r.message as string, level: r.level as AlertLevel,
    }));
  }

  listSeries(runId: number): SeriesRow[] {
    return this.all('SELECT id, key, count, last_step, first_step, last_value, min_value, max_value FROM series WHERE run_id = ? ORDER BY key', [runId]).map((r) => ({
      id: r.id as number, key: r.key as string, count: r.count as number, lastStep: r.last_step as number | null,
      firstStep: r.first_step as number | null, last: r.last_value as number | null, min: r.min_value as number | null, max: r.max_value as number | null,
    }));
  }

  /** Points of a series in step order, from `fromStep` on. NaN comes back as NaN. */
  getPoints(seriesId: number, fromStep = 0): Points {
    return this.series.getPoints(seriesId, fromStep);
  }

  /**
   * The points of a series with steps in `[x0, x1]` for a chart `width` pixels wide, read from the
   * series' level-of-detail pyramid: the raw points when there are at most 2 × width of them,
   * otherwise at most `width` buckets, each giving its lowest and highest point (and its first NaN,
   * so gaps stay visible) in step order. Every spike survives at every zoom. Costs a few positioned
   * reads whatever the length of the series. Pass `-Infinity, Infinity` for the whole series. With
   * `edges`, one stored point more on each side of the range (a zoomed line reaches the view's sides).
   */
  getRange(seriesId: number, x0: number, x1: number, width: number, edges = false): RangePoints {
    return this.series.range(seriesId, x0, x1, Math.max(1, Math.floor(width)), edges);
  }
}

function toRunRow(r: Record<string, SqlValue>): RunRow {
  return {
    id: r.id as number,
    uid: r.uid as string,
    experiment: r.experiment as string,
    name: r.name as string,
    description: r.description as string,
    status: r.status as RunStatusValue,
    statusMessage: r.status_message as string | null,
    startTime: r.start_time as number | null,
    endTime: r.end_time as number | null,
    lastActivity: r.last_activity as number | null,
    note: r.note as string,
    folder: r.folder as string,
    source: r.source as string,
    formatVersion: r.format_version as number | null,
    host: (r.host as string | null | undefined) ?? null,
    pid: (r.pid as number | null | undefined) ?? null,
    pointCount: r.point_count as number,
    deleted: r.deleted === 1,
    archived: r.archived === 1,
    starred: r.starred === 1,
  };
}
