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
import type { Database, SqlJsStatic } from 'sql.js';
import { migrate } from './schema';
import { assertSafeIndexFolder, crc32Yielding, moveAside, removeStaleTempFiles, writeChecksums, writeFileAtomic, type IndexChecksum } from './persistence';
import { formatBytes, INDEX_LIMITS, type IndexLimits } from './indexLimits';
import { heldByOtherProcess, loadIndexFile, markClosed, markOpen } from './indexFile';
import { prepareSeriesFolder } from './seriesFolder';
import { RunQueries } from './runQueries';

export type { Points } from './seriesTable';
export type { RangePoints } from '../series/pyramid';
export { EDITED_EXPERIMENT, EDITED_STATUS, type AlertRow, type AlertState, type ArtifactRow, type DatasetRow, type FileRow, type RunRow, type SeriesRow } from './storeRows';

export interface OpenResult {
  readonly store: Store;
  /** Set when the file on disk could not be used and a fresh index was started; the old file was kept aside. */
  readonly problem?: string;
  /** The last process that opened this index did not close it: worth a (deferred) integrity check. */
  readonly uncleanShutdown?: boolean;
}

/**
 * The index: a sql.js database that mirrors the run log files. It can always be rebuilt from them.
 * All writes happen in synchronous transactions, so `save()` (which exports) never meets an open one.
 * The points of each series live outside the database, in series files beside it (see
 * core/series/seriesFiles.ts); the database keeps each series' count and summary.
 */
export class Store extends RunQueries {
  private saving: Promise<void> | undefined;
  private closed = false;

  /** The checksum of the index file as this store last read or wrote it. */
  private onDisk: IndexChecksum | undefined;
  /** The series files of an index opened after a clean shutdown are checked before the first sync, not while the tree waits. */
  private seriesCheckPending = false;

  private constructor(db: Database, file: string | undefined, private readonly workspaceRoot?: string) {
    super(db, file);
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
   * forgotten so that the next sync reads them again from their logs. After a clean shutdown that
   * check (a listing of the series folder: tens of thousands of files with 10,000 runs) waits for
   * `checkSeriesFiles`, which the indexers call before they read anything, so that the runs of the
   * index are listed at once.
   */
  private adoptSeriesFiles(thorough: boolean): void {
    if (this.transaction(() => this.series.migrateLegacy())) {
      // The points' pages are free now: give them back, so the saved index is small.
      this.db.exec('VACUUM');
      return;
    }
    if (thorough) this.checkNow(true);
    else this.seriesCheckPending = true;
  }

  /** Runs the check of the series files deferred by `open` (once; nothing when there is none). Returns whether runs were forgotten. */
  checkSeriesFiles(): boolean {
    if (!this.seriesCheckPending || this.closed) return false;
    this.seriesCheckPending = false;
    return this.checkNow(false);
  }

  private checkNow(thorough: boolean): boolean {
    const damaged = this.series.check(thorough);
    if (damaged.length) this.forgetRunsForRebuild(damaged);
    return damaged.length > 0;
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
}
