/**
 * What the index answers: runs as their edits leave them, their params, tags, artifacts, datasets,
 * environment, alerts and series, and the points of a series (whole, or for a chart through the
 * series' level-of-detail pyramid).
 */
import type { SqlValue } from 'sql.js';
import type { AlertLevel } from '../format/records';
import type { RangePoints } from '../series/pyramid';
import type { StepSpan } from '../series/timeSpan';
import { RunWrites } from './runWrites';
import type { Points } from './seriesTable';
import { RUN_COLUMNS, RUN_FROM, toRunRow, type AlertRow, type AlertState, type ArtifactRow, type DatasetRow, type RunRow, type SeriesRow } from './storeRows';

export abstract class RunQueries extends RunWrites {
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

  /** How many runs `listRuns` lists, without reading them (opening the index reports it). */
  runCount(): number {
    return this.one(`SELECT COUNT(*) AS n FROM ${RUN_FROM}`)!.n as number;
  }

  getRun(uid: string): RunRow | undefined {
    const r = this.one(`SELECT ${RUN_COLUMNS} FROM ${RUN_FROM} WHERE r.uid = ?`, [uid]);
    return r && toRunRow(r);
  }

  /** The runs of `uids` that are in the index (in no particular order), in one query: a comparison of 100 runs reads them at once. */
  getRuns(uids: readonly string[]): RunRow[] {
    return this.all(`SELECT ${RUN_COLUMNS} FROM ${RUN_FROM} WHERE r.uid IN (SELECT value FROM json_each(?))`, [JSON.stringify(uids)]).map(toRunRow);
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

  /** Alerts with their trigger state. */
  getAlertStates(runId: number): AlertState[] {
    return this.all('SELECT * FROM alerts WHERE run_id = ? ORDER BY condition', [runId]).map((r) => ({
      condition: r.condition as string, message: r.message as string, level: r.level as AlertLevel,
      triggeredStep: r.triggered_step as number | null, triggeredValue: r.triggered_value as number | null, triggeredTime: r.triggered_time as number | null,
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

  /**
   * The steps from the first to the last point of a series whose wall time (Unix seconds) lies in
   * `[t0, t1]`, found by bisection over its stored times (a chart drawn against time zooms through
   * this); the points around the range when none lies inside; undefined for an empty series.
   */
  getTimeSpan(seriesId: number, t0: number, t1: number): StepSpan | undefined {
    return this.series.timeSpan(seriesId, t0, t1);
  }
}
