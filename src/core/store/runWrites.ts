/**
 * What the ingest code writes into the index (inside `transaction`): runs and experiments, params,
 * tags, artifacts, datasets, environment, alerts, points of series, import units, edits and the
 * files read so far.
 */
import * as path from 'path';
import type { Database, SqlValue } from 'sql.js';
import type { Problems } from '../problems';
import type { RunStatusValue } from '../format/records';
import type { RunEdits } from '../edits';
import { FileBlobs, MemoryBlobs } from '../series/blobs';
import type { PackedPoints } from '../series/packedPoints';
import { SeriesFiles } from '../series/seriesFiles';
import { seriesFolder } from './seriesFolder';
import { SeriesTable } from './seriesTable';
import { SqlAccess } from './sqlAccess';
import type { AlertRow, FileRow } from './storeRows';

export abstract class RunWrites extends SqlAccess {
  protected readonly series: SeriesTable;

  protected constructor(db: Database, readonly file: string | undefined) {
    super(db);
    const blobs = file ? new FileBlobs(seriesFolder(file)) : new MemoryBlobs();
    const where = (name: string) => (file ? path.join(path.basename(path.dirname(file)), path.basename(seriesFolder(file)), name) : name);
    this.series = new SeriesTable({ db, stmt: (sql) => this.stmt(sql) }, new SeriesFiles(blobs), where);
  }

  /**
   * Where damage found in series files is reported (when it is found), and who is told so that it
   * syncs soon (the sync reads the damaged runs again: see `repairDamagedSeries`).
   */
  onSeriesDamage(problems: Problems, listener?: () => void): void {
    this.series.problems = problems;
    this.series.onDamage = listener;
  }

  /**
   * Forgets the runs whose series files were found damaged since the last call, so that this sync
   * reads them again from their logs (a Labbook run) or imports them again (another tracker's).
   * Damage not reported yet goes to `problems`. Returns their uids and their log files (relative paths).
   */
  repairDamagedSeries(problems: Problems): { uids: string[]; files: string[] } {
    if (!this.series.hasDamage) return { uids: [], files: [] };
    const runIds = this.series.takeDamaged(problems);
    const uids = runIds.map((id) => this.runUid(id)).filter((u): u is string => u !== undefined);
    const files = runIds.flatMap((id) => this.all('SELECT path FROM files WHERE run_id = ?', [id]).map((r) => r.path as string));
    this.forgetRunsForRebuild(runIds);
    return { uids, files };
  }

  /** The run's environment (read before merging into it). */
  abstract getEnv(runId: number): Record<string, unknown>;

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

  /** `insertPoints` of packed points (series/packedPoints.ts: what ingest gathers); they are only read during the call. */
  insertPackedPoints(seriesId: number, batch: PackedPoints): number {
    return this.series.insertPacked(seriesId, batch, false);
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
}
