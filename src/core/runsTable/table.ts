/**
 * The runs table over one index: which runs match (in order), their columns with what differs, and
 * the cells of any window of rows. Everything is SQL over the index; rows are read only for the
 * runs asked for, so that a table of 10,000 runs opens without reading every cell.
 */
import type { SqlValue } from 'sql.js';
import type { CompileOptions } from '../query/compile';
import { RUN_FROM, Sql, sql, val } from '../query/sql';
import { runStatus, type LocalProcesses } from '../status';
import type { RunStatusValue } from '../format/records';
import {
  ATTRIBUTE_COLUMNS, flattenParam, isSystemMetric, lowerIsBetter, makeColumn, metricCell, noteExcerpt, parseColumnId, runColorIndex,
  METRIC_STATS, type CellValue, type MetricStat, type TableColumn,
} from './columns';
import { compileFilter, selectRunIds, selectUids, type TableFilter } from './filter';
import { readMetricCells, readParamCells } from './rowCells';
import { keysInScope, scopeShare } from './columnKeys';

/** Whatever can run a SELECT with bound values (the Store). */
export interface SelectRunner {
  selectRows(sql: string, params: readonly SqlValue[]): SqlValue[][];
}

export interface TableRow {
  readonly uid: string;
  /** Index into the chart palette, the same for the run everywhere. */
  readonly color: number;
  /** Cells by column id; a column the run has no value for is absent. */
  readonly cells: Readonly<Record<string, CellValue>>;
}

export interface TableOptions extends CompileOptions {
  /** Heartbeat timeout (seconds) after which a silent running run shows as killed. */
  readonly heartbeatTimeoutSeconds?: number;
  /** This machine's processes: a running run whose process is gone shows as killed at once. */
  readonly local?: LocalProcesses;
  /** Which extra numbers each metric shows besides its last value. */
  readonly metricStats?: readonly MetricStat[];
}

/** Most values bound in one `IN (...)` list. */
const CHUNK = 500;

function run(db: SelectRunner, s: Sql): SqlValue[][] {
  return db.selectRows(s.text, s.params);
}

function inList(values: readonly SqlValue[]): Sql {
  return new Sql(`(${values.map(() => '?').join(', ')})`, values);
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** The uids of the runs that match, in the table's order. Throws QueryError when the query is wrong. */
export function matchingRuns(db: SelectRunner, filter: TableFilter, opts: TableOptions = {}): string[] {
  return matchingWithFacets(db, filter, opts).uids;
}

export interface Facets {
  /** How many matching runs have each status (as shown: a silent running run is killed). */
  readonly statuses: Record<string, number>;
  /** The most common tags of the matching runs, most common first; absent when not asked for. */
  readonly tags?: Array<{ tag: string; count: number }>;
}

/** Most tags offered as chips. */
export const MAX_TAG_CHIPS = 30;

/**
 * The matching runs in order, with the chips' counts over them: one pass of the query, one of their tags.
 * `withTags` false leaves the tag chips out (a new sort of the same runs does not change them).
 */
export function matchingWithFacets(db: SelectRunner, filter: TableFilter, opts: TableOptions = {}, withTags = true): { uids: string[] } & Facets {
  const rows = run(db, selectUids(compileFilter(filter, opts)));
  const statuses: Record<string, number> = {};
  const ids: number[] = [];
  const uids = rows.map(([uid, id, status]) => {
    ids.push(id as number);
    statuses[status as string] = (statuses[status as string] ?? 0) + 1;
    return uid as string;
  });
  if (!withTags) return { uids, statuses };
  const idList = val(JSON.stringify(ids));
  const tagRows = ids.length === 0 ? [] : run(db, sql`SELECT t.tag, COUNT(*) FROM json_each(${idList}) j JOIN tags t ON t.run_id = j.value
      JOIN runs r ON r.id = j.value LEFT JOIN run_edits ed ON ed.uid = r.uid WHERE ed.tags IS NULL GROUP BY t.tag
      UNION ALL SELECT x.value, COUNT(*) FROM json_each(${idList}) j JOIN runs r ON r.id = j.value JOIN run_edits ed ON ed.uid = r.uid, json_each(ed.tags) x
      WHERE ed.tags IS NOT NULL AND x.type = 'text' GROUP BY x.value`);
  const merged = new Map<string, number>();
  for (const [tag, count] of tagRows) merged.set(tag as string, (merged.get(tag as string) ?? 0) + (count as number));
  const tags = [...merged].map(([tag, count]) => ({ tag, count })).sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag)).slice(0, MAX_TAG_CHIPS);
  return { uids, statuses, tags };
}

/**
 * The columns of the matching runs: attributes first, then params, metrics (each followed by the stats
 * asked for) and system metrics, each group sorted by key.
 *
 * The keys come from the indexes on (key, value), one seek per key (columnKeys.ts): no read of every
 * param row, which on 10,000 runs × 250 params takes a second. Whether a
 * column's values differ needs every value, so it is computed only when `differs` is asked for;
 * otherwise every column says it differs.
 */
export function tableColumns(db: SelectRunner, filter: TableFilter, total: number, opts: TableOptions = {}, differs = false): TableColumn[] {
  return columnsOf(db, selectRunIds(compileFilter({ ...filter, sort: [] }, opts)), total, opts, differs);
}

/** The columns of the runs `uids` (new or changed runs, to add to columns known before). */
export function columnsOfRuns(db: SelectRunner, uids: readonly string[], opts: TableOptions = {}): TableColumn[] {
  return chunks(uids).flatMap((part) => columnsOf(db, sql`SELECT r.id FROM runs r WHERE r.uid IN ${inList(part)}`, part.length, opts, false));
}

/** `a` and the columns of `b` it lacks, in the table's column order. */
export function mergeColumns(a: readonly TableColumn[], b: readonly TableColumn[]): TableColumn[] {
  const byId = new Map(a.map((c) => [c.id, c]));
  for (const c of b) if (!byId.has(c.id)) byId.set(c.id, c);
  return sortColumns([...byId.values()]);
}

const GROUP_RANK = { attributes: 0, params: 1, metrics: 2, system: 3 } as const;
const KIND_RANK = { attr: 0, param: 0, metric: 0, 'metric.min': 1, 'metric.max': 2, 'metric.best_step': 3 } as const;

/** Attributes in their fixed order, then each group by key (numbers in keys compared as numbers), a metric's stats after it. */
export function sortColumns(columns: readonly TableColumn[]): TableColumn[] {
  const attr = (c: TableColumn) => (ATTRIBUTE_COLUMNS as readonly string[]).indexOf(c.key);
  return [...columns].sort((x, y) => GROUP_RANK[x.group] - GROUP_RANK[y.group]
    || (x.kind === 'attr' && y.kind === 'attr' ? attr(x) - attr(y) : compareKeys(x.key, y.key) || KIND_RANK[x.kind] - KIND_RANK[y.kind]));
}

function columnsOf(db: SelectRunner, ids: Sql, total: number, opts: TableOptions, differs: boolean): TableColumn[] {
  const columns: TableColumn[] = ATTRIBUTE_COLUMNS.map((a) => makeColumn('attr', a, true));
  // Which keys exist: from the indexes on (key, value) when the runs are many, else from their own rows.
  const share = scopeShare(db, ids);
  const params = new Map<string, boolean>();
  const flat = keysInScope(db, 'params', ids, share);
  for (const k of flat.plain) params.set(k, true);
  if (differs) {
    for (const [key, count, lo, hi] of run(db, sql`SELECT p.key, COUNT(*), MIN(p.value), MAX(p.value) FROM params p
        WHERE p.run_id IN (${ids}) AND p.value NOT GLOB '{*' GROUP BY p.key`)) {
      params.set(key as string, lo !== hi || (count as number) < total);
    }
  }
  if (flat.objects.size) {
    // Object params (configs) are flattened in JS: they are few, and read through the index on (key, value).
    const nested = new Map<string, { count: number; first: string; differs: boolean }>();
    for (const [key, value] of run(db, sql`SELECT p.key, p.value FROM params p WHERE p.key IN (SELECT j.value FROM json_each(${val(JSON.stringify([...flat.objects]))}) j) AND p.value GLOB '{*' AND p.run_id IN (${ids})`)) {
      for (const [k, v] of flattenParam(key as string, parseJson(value as string))) {
        const text = JSON.stringify(v) ?? '';
        const seen = nested.get(k);
        if (!seen) nested.set(k, { count: 1, first: text, differs: false });
        else {
          seen.count++;
          if (seen.first !== text) seen.differs = true;
        }
      }
    }
    for (const [k, st] of nested) params.set(k, !differs || params.has(k) || st.differs || st.count < total);
  }
  for (const key of [...params.keys()].sort(compareKeys)) columns.push(makeColumn('param', key, params.get(key)!));

  const stats = METRIC_STATS.filter((st) => opts.metricStats?.includes(st));
  const metricDiffers = new Map<string, boolean>();
  for (const k of keysInScope(db, 'metric_last', ids, share).plain) metricDiffers.set(k, true);
  if (differs) {
    for (const [key, count, lo, hi, nonNull] of run(db, sql`SELECT m.key, COUNT(*), MIN(m.value), MAX(m.value), COUNT(m.value) FROM metric_last m
        WHERE m.run_id IN (${ids}) GROUP BY m.key`)) {
      metricDiffers.set(key as string, lo !== hi || (count as number) < total || nonNull !== count);
    }
  }
  const metrics = [...metricDiffers.keys()].sort(compareKeys);
  for (const key of [...metrics.filter((k) => !isSystemMetric(k)), ...metrics.filter(isSystemMetric)]) {
    columns.push(makeColumn('metric', key, metricDiffers.get(key)!));
    for (const st of stats) columns.push(makeColumn(st, key, metricDiffers.get(key)!));
  }
  return columns;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Keys in natural order (`p2` before `p10`); one collator for every comparison (localeCompare with options makes one per call). */
const keyCollator = new Intl.Collator('en', { numeric: true });

function compareKeys(a: string, b: string): number {
  return keyCollator.compare(a, b);
}

/**
 * The cells of the runs `uids` (in that order; unknown uids are left out). `columnIds` limits the
 * metric stats read (they are computed from the points); every other cell is always filled.
 */
export function tableRows(db: SelectRunner, uids: readonly string[], opts: TableOptions = {}, columnIds?: readonly string[]): TableRow[] {
  const byUid = new Map<string, Record<string, CellValue>>();
  const now = opts.nowSeconds ?? Date.now() / 1000;
  const timeout = opts.heartbeatTimeoutSeconds ?? 120;
  const statKeys = new Map<MetricStat, Set<string>>();
  for (const id of columnIds ?? []) {
    const c = parseColumnId(id);
    if (c && (METRIC_STATS as readonly string[]).includes(c.kind)) {
      const set = statKeys.get(c.kind as MetricStat) ?? new Set<string>();
      set.add(c.key);
      statKeys.set(c.kind as MetricStat, set);
    }
  }
  for (const part of chunks(uids)) {
    const runs = run(db, sql`SELECT r.id, r.uid, COALESCE(ed.name, r.name), r.status, r.last_activity, r.source, r.host, r.pid, e.name,
        r.start_time, r.end_time, COALESCE(ed.note, r.note) FROM ${RUN_FROM} WHERE r.uid IN ${inList(part)}`);
    if (runs.length === 0) continue;
    const list = inList(runs.map((r) => r[0]));
    const tagsOf = new Map<number, string[]>();
    const stored = run(db, sql`SELECT t.run_id, t.tag FROM tags t JOIN runs r ON r.id = t.run_id LEFT JOIN run_edits ed ON ed.uid = r.uid
        WHERE t.run_id IN ${list} AND ed.tags IS NULL ORDER BY t.run_id, t.pos`);
    const edited = run(db, sql`SELECT r.id, j.value FROM runs r JOIN run_edits ed ON ed.uid = r.uid, json_each(ed.tags) j
        WHERE r.id IN ${list} AND ed.tags IS NOT NULL AND j.type = 'text'`);
    for (const [id, tag] of [...stored, ...edited]) {
      const tags = tagsOf.get(id as number);
      if (tags) tags.push(tag as string);
      else tagsOf.set(id as number, [tag as string]);
    }
    const byId = new Map<number, Record<string, CellValue>>();
    for (const [id, uid, name, status, lastActivity, source, host, pid, experiment, start, end, note] of runs) {
      const shown = runStatus({ status: status as RunStatusValue, lastActivity: lastActivity as number | null, source: source as string, host: host as string | null, pid: pid as number | null }, now, timeout, opts.local);
      const endTime = (end as number | null) ?? (lastActivity as number | null);
      const cells: Record<string, CellValue> = {
        'attr:name': name as string, 'attr:status': shown, 'attr:experiment': experiment as string, 'attr:source': source as string,
        'attr:start_time': start as number | null, 'attr:duration': start !== null && endTime !== null ? Math.max(0, endTime - (start as number)) : null,
      };
      const tags = tagsOf.get(id as number);
      if (tags) cells['attr:tags'] = tags;
      const excerpt = noteExcerpt(note as string);
      if (excerpt !== '') cells['attr:note'] = excerpt;
      byUid.set(uid as string, cells);
      byId.set(id as number, cells);
    }
    readParamCells(db, list, byId);
    readMetricCells(db, list, byId);
    readStats(db, list, statKeys, byId);
  }
  const rows: TableRow[] = [];
  for (const uid of uids) {
    const cells = byUid.get(uid);
    if (cells) rows.push({ uid, color: runColorIndex(uid), cells });
  }
  return rows;
}

/** Min, max and best step of the metrics asked for, from the series summary the store keeps as points arrive. */
function readStats(db: SelectRunner, runIds: Sql, statKeys: ReadonlyMap<MetricStat, ReadonlySet<string>>, byId: ReadonlyMap<number, Record<string, CellValue>>): void {
  const keys = new Set([...statKeys.values()].flatMap((s) => [...s]));
  if (keys.size === 0) return;
  const want = (stat: MetricStat, key: string) => statKeys.get(stat)?.has(key) ?? false;
  const rows = run(db, sql`SELECT s.run_id, s.key, s.min_value, s.min_step, s.max_value, s.max_step FROM series s
      WHERE s.run_id IN ${runIds} AND s.key IN ${inList([...keys])} AND s.min_value IS NOT NULL`);
  for (const [id, key, min, minStep, max, maxStep] of rows) {
    const cells = byId.get(id as number)!;
    const k = key as string;
    if (want('metric.min', k)) cells[`metric.min:${k}`] = metricCell(min as number);
    if (want('metric.max', k)) cells[`metric.max:${k}`] = metricCell(max as number);
    if (want('metric.best_step', k)) cells[`metric.best_step:${k}`] = (lowerIsBetter(k) ? minStep : maxStep) as number;
  }
}
