import type { Database, SqlValue, Statement } from 'sql.js';
import { packPoints, type PackedPoints } from '../series/packedPoints';
import { isFirstFormatFile, parseSeriesFile, pointsFile, SeriesFiles, type SeriesMeta } from '../series/seriesFiles';
import type { RangePoints } from '../series/pyramid';
import { SeriesDamage } from '../series/recordFile';
import { stepSpanOfTimes, type StepSpan } from '../series/timeSpan';
import type { Problems } from '../problems';

/** Points of a series as number arrays (NaN where a value or time is missing). */
export interface Points { steps: number[]; values: number[]; times: number[] }

/** How the index talks to sql.js (the Store's cached statements). */
export interface Sql {
  stmt(sql: string): Statement;
  db: Database;
}

const META = 'SELECT id, file_gen, count, last_step FROM series WHERE id = ?';
// ?1 min and ?2 its step, ?3 max and ?4 its step (of the points added); SET expressions all see the old row.
const UPDATE = `UPDATE series SET count = ?5, file_gen = ?6, first_step = COALESCE(?7, first_step), last_step = ?8, last_value = ?9,
  min_step = CASE WHEN ?1 IS NULL THEN min_step WHEN min_value IS NULL OR ?1 < min_value THEN ?2 ELSE min_step END,
  max_step = CASE WHEN ?3 IS NULL THEN max_step WHEN max_value IS NULL OR ?3 > max_value THEN ?4 ELSE max_step END,
  min_value = CASE WHEN ?1 IS NULL THEN min_value WHEN min_value IS NULL OR ?1 < min_value THEN ?1 ELSE min_value END,
  max_value = CASE WHEN ?3 IS NULL THEN max_value WHEN max_value IS NULL OR ?3 > max_value THEN ?3 ELSE max_value END
  WHERE id = ?10`;
const SET_LAST = 'INSERT OR REPLACE INTO metric_last(run_id, key, value) SELECT run_id, key, last_value FROM series WHERE id = ?';

const nullIfNaN = (v: number): number | null => (Number.isNaN(v) ? null : v);

const noRange = (): RangePoints => ({ steps: new Float64Array(0), values: new Float64Array(0), times: new Float64Array(0), bucket: 1 });

/** A series whose files failed their checks: its run is read again from its logs at the next sync. */
interface Damaged { readonly runId: number; readonly message: string; reported: boolean }

/**
 * The series of the index: their rows (with per-metric summaries: count, first and last step, last,
 * min and max value) in sql.js, their points in `SeriesFiles`. Writes happen inside the Store's
 * transactions; the files are cut back to the committed count when a transaction was rolled back.
 */
export class SeriesTable {
  /** Generations replaced since the last save: their files go once a saved index no longer names them. */
  private obsolete: Array<{ id: number; gen: number }> = [];
  /** Series found damaged since the last repair, by id. */
  private readonly damaged = new Map<number, Damaged>();
  /** Where damage is reported when it is found (else at the repair). */
  problems: Problems | undefined;
  /** Called when damage is found, so that the owner can sync soon. */
  onDamage: (() => void) | undefined;

  /** `name` of a series file as the user finds it (beside the index, or in memory). */
  constructor(private readonly sql: Sql, readonly files: SeriesFiles, private readonly where: (name: string) => string = (n) => n) {}

  meta(seriesId: number): SeriesMeta | undefined {
    const s = this.sql.stmt(META);
    s.bind([seriesId]);
    const row = s.step() ? s.get() : undefined;
    s.reset();
    return row && { id: row[0] as number, gen: row[1] as number, count: row[2] as number, lastStep: row[3] as number | null };
  }

  /** Stores points (first value per step wins, or every value with `keepAll`); updates the summaries. Returns how many were new. */
  insert(seriesId: number, steps: readonly number[], values: readonly number[], times: readonly (number | null)[], keepAll: boolean): number {
    return this.insertPacked(seriesId, packPoints(steps, values, times), keepAll);
  }

  /** `insert` of packed points (series/packedPoints.ts); they are only read during the call. */
  insertPacked(seriesId: number, batch: PackedPoints, keepAll: boolean): number {
    const meta = this.meta(seriesId);
    if (!meta || batch.pts.length === 0 || this.damaged.has(seriesId)) return 0;
    const r = this.checked(meta, () => this.files.insertPacked(meta, batch, keepAll));
    if (!r) return 0;
    if (r.added === 0) return 0;
    if (r.gen !== meta.gen) this.obsolete.push({ id: meta.id, gen: meta.gen });
    const min = nullIfNaN(r.min);
    const max = nullIfNaN(r.max);
    const s = this.sql.stmt(UPDATE);
    s.bind([min, nullIfNaN(r.minStep), max, nullIfNaN(r.maxStep), r.count, r.gen, r.firstStep, r.lastStep, nullIfNaN(r.lastValue), seriesId]);
    s.step();
    s.reset();
    const last = this.sql.stmt(SET_LAST);
    last.bind([seriesId]);
    last.step();
    last.reset();
    return r.added;
  }

  getPoints(seriesId: number, fromStep: number): Points {
    const meta = this.meta(seriesId);
    if (!meta || meta.count === 0 || this.damaged.has(seriesId)) return { steps: [], values: [], times: [] };
    const pts = this.checked(meta, () => {
      const from = fromStep > (meta.lastStep ?? Infinity) ? meta.count : this.files.search(meta, fromStep);
      return this.files.read(meta, from, meta.count);
    });
    if (!pts) return { steps: [], values: [], times: [] };
    const n = pts.length / 3;
    const steps = new Array<number>(n);
    const values = new Array<number>(n);
    const times = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      steps[i] = pts[i * 3];
      values[i] = pts[i * 3 + 1];
      times[i] = pts[i * 3 + 2];
    }
    return { steps, values, times };
  }

  range(seriesId: number, x0: number, x1: number, width: number, edges = false): RangePoints {
    const meta = this.meta(seriesId);
    if (!meta || meta.count === 0 || this.damaged.has(seriesId)) return noRange();
    return this.checked(meta, () => this.files.range(meta, x0, x1, width, edges)) ?? noRange();
  }

  /** The step span of a series' points with wall times in `[t0, t1]` (see series/timeSpan.ts); undefined when it has none. */
  timeSpan(seriesId: number, t0: number, t1: number): StepSpan | undefined {
    const meta = this.meta(seriesId);
    if (!meta || meta.count === 0 || this.damaged.has(seriesId)) return undefined;
    return this.checked(meta, () => stepSpanOfTimes((from, to) => this.files.read(meta, from, to), meta.count, t0, t1));
  }

  /**
   * Runs a read or write of a series' files; when they turn out damaged, notes the series (its
   * points read as none until its run is read again from the logs), reports it once, and gives undefined.
   */
  private checked<T>(meta: SeriesMeta, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof SeriesDamage)) throw e;
      const row = this.rows('SELECT s.run_id, s.key, r.uid FROM series s JOIN runs r ON r.id = s.run_id WHERE s.id = ?', [meta.id])[0];
      if (!row) return undefined;
      const message = `The series file ${this.where(e.file)} (metric "${String(row[1])}" of run "${String(row[2])}") is damaged: ${e.detail}. Labbook reads the run again from its logs; until then the metric shows no points.`;
      const d: Damaged = { runId: row[0] as number, message, reported: false };
      this.damaged.set(meta.id, d);
      if (this.problems) {
        this.problems.report(message);
        d.reported = true;
      }
      this.onDamage?.();
      return undefined;
    }
  }

  /**
   * The runs with a damaged series, found since the last call (their damage reported through
   * `problems` if it was not yet): the caller forgets them so that they are read again.
   */
  takeDamaged(problems: Problems): number[] {
    const runs = new Set<number>();
    for (const d of this.damaged.values()) {
      if (!d.reported) problems.report(d.message);
      runs.add(d.runId);
    }
    this.damaged.clear();
    return [...runs];
  }

  get hasDamage(): boolean {
    return this.damaged.size > 0;
  }

  /** Removes the files of a run's series (the caller deletes the rows). */
  removeRunFiles(runId: number): void {
    for (const [id, gen] of this.rows('SELECT id, file_gen FROM series WHERE run_id = ?', [runId])) this.files.remove(id as number, gen as number);
  }

  /** Call right before the index is exported: makes the points it counts durable; returns what to delete once it is saved. */
  beforeExport(): () => void {
    this.files.syncDirty();
    const gone = this.obsolete;
    this.obsolete = [];
    return () => {
      for (const { id, gen } of gone) this.files.remove(id, gen);
    };
  }

  /**
   * Checks the files against the rows: returns the runs whose points are missing or short (to be
   * read again from their logs). With `thorough` (after an unclean shutdown) it also measures each
   * file and removes files no row names.
   */
  check(thorough: boolean): number[] {
    const present = new Set(this.files.blobs.list());
    // Files of the first format (no checksums) are never read: their series count as missing and are read again.
    for (const name of present) {
      if (!isFirstFormatFile(name)) continue;
      this.files.blobs.remove(name);
      present.delete(name);
    }
    const damaged = new Set<number>();
    const named = new Set<string>();
    for (const [id, gen, count, lastStep, runId] of this.rows(`SELECT id, file_gen, count, last_step, run_id FROM series${thorough ? '' : ' WHERE count > 0'}`)) {
      const meta: SeriesMeta = { id: id as number, gen: gen as number, count: count as number, lastStep: lastStep as number | null };
      if (thorough) named.add(`${meta.id}-${meta.gen}`);
      if (meta.count === 0) continue;
      if (!present.has(pointsFile(meta.id, meta.gen)) || (thorough && !this.files.isWhole(meta))) damaged.add(runId as number);
    }
    if (thorough) {
      for (const name of present) {
        const f = parseSeriesFile(name);
        if (!f || !named.has(`${f.id}-${f.gen}`)) this.files.blobs.remove(name);
      }
    }
    return [...damaged];
  }

  /**
   * Moves points kept in the index by an older Labbook (table `legacy_points`) into series files,
   * then drops the table. Returns whether there was such a table.
   */
  migrateLegacy(): boolean {
    const has = this.rows("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'legacy_points'").length > 0;
    if (!has) return false;
    const read = this.sql.db.prepare('SELECT step, value, time FROM legacy_points WHERE series_id = ? ORDER BY step');
    try {
      for (const [id, gen] of this.rows('SELECT id, file_gen FROM series')) {
        this.files.remove(id as number, gen as number);
        this.sql.db.run('UPDATE series SET count = 0, last_step = NULL, file_gen = 0 WHERE id = ?', [id]);
        read.bind([id]);
        const steps: number[] = [];
        const values: number[] = [];
        const times: number[] = [];
        while (read.step()) {
          const row = read.get();
          steps.push(row[0] as number);
          values.push(row[1] === null ? NaN : (row[1] as number));
          times.push(row[2] as number | null ?? NaN);
        }
        read.reset();
        this.insert(id as number, steps, values, times, false);
      }
    } finally {
      read.free();
    }
    this.sql.db.exec('DROP TABLE legacy_points');
    return true;
  }

  private rows(sql: string, params: SqlValue[] = []): SqlValue[][] {
    const s = this.sql.db.prepare(sql);
    try {
      s.bind(params);
      const out: SqlValue[][] = [];
      while (s.step()) out.push(s.get());
      return out;
    } finally {
      s.free();
    }
  }
}
