/**
 * The param and metric cells of runs table rows, read for many runs at once. Each run's keys come as
 * one text and its values as one JSON array, so sql.js hands over two strings per run instead of a row
 * per cell, and SQLite neither checks nor re-encodes each value (a param is stored as the JSON that
 * `JSON.stringify` wrote). Cell ids are made once per distinct key list, which runs mostly share.
 */
import type { SqlValue } from 'sql.js';
import { Sql, sql, val } from '../query/sql';
import { flattenParam, metricCell, paramCell, type CellValue } from './columns';

/** Whatever can run a SELECT with bound values (the Store). */
export interface CellReader {
  selectRows(sql: string, params: readonly SqlValue[]): SqlValue[][];
}

type Cells = Record<string, CellValue>;

function run(db: CellReader, s: Sql): SqlValue[][] {
  return db.selectRows(s.text, s.params);
}

/** Column ids by key list: `prefix` + each key of a `\u0001`-separated list. */
class ColumnIds {
  private readonly known = new Map<string, { keys: string[]; ids: string[] }>();

  constructor(private readonly prefix: string) {}

  of(list: string): { keys: string[]; ids: string[] } {
    let found = this.known.get(list);
    if (!found) {
      const keys = list.split('\u0001');
      found = { keys, ids: keys.map((k) => this.prefix + k) };
      this.known.set(list, found);
    }
    return found;
  }
}

function parsedArray(text: string): unknown[] | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** A param's stored JSON, or its text when it is not JSON. */
function parsedParam(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function setParam(cells: Cells, key: string, id: string, value: unknown): void {
  if (typeof value === 'string') cells[id] = value;
  else if (typeof value === 'number' && Number.isFinite(value)) cells[id] = value;
  else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of flattenParam(key, value)) cells[`param:${k}`] = paramCell(v);
  } else cells[id] = paramCell(value);
}

/**
 * Fills the param cells (`param:<key>`, nested objects flattened) of the runs `runIds` (a bound list),
 * in key order as stored, so a flattened key meets the same param it always did.
 */
export function readParamCells(db: CellReader, runIds: Sql, byId: ReadonlyMap<number, Cells>): void {
  const ids = new ColumnIds('param:');
  for (const [id, keyList, values, count] of run(db, sql`SELECT p.run_id, group_concat(p.key, char(1)), '[' || group_concat(p.value, ',') || ']', COUNT(*)
      FROM params p WHERE p.run_id IN ${runIds} GROUP BY p.run_id`)) {
    const cells = byId.get(id as number);
    if (!cells) continue;
    const { keys, ids: cellIds } = ids.of(keyList as string);
    const parsed = parsedArray(values as string);
    if (!parsed || parsed.length !== count || keys.length !== count) {
      // A value that is not JSON, or a key holding the separator: this run's params one by one.
      for (const [key, value] of run(db, sql`SELECT p.key, p.value FROM params p WHERE p.run_id = ${val(id)} ORDER BY p.key`)) {
        setParam(cells, key as string, `param:${key as string}`, parsedParam(value as string));
      }
      continue;
    }
    for (let i = 0; i < keys.length; i++) setParam(cells, keys[i], cellIds[i], parsed[i]);
  }
}

/** Fills the metric cells (`metric:<key>`: the last value; NaN is stored as NULL) of the runs `runIds`. */
export function readMetricCells(db: CellReader, runIds: Sql, byId: ReadonlyMap<number, Cells>): void {
  const ids = new ColumnIds('metric:');
  // json_group_array writes ±Infinity as 9.0e+999, which JSON.parse reads back as ±Infinity.
  for (const [id, keyList, values, count] of run(db, sql`SELECT m.run_id, group_concat(m.key, char(1)), json_group_array(m.value), COUNT(*)
      FROM metric_last m WHERE m.run_id IN ${runIds} GROUP BY m.run_id`)) {
    const cells = byId.get(id as number);
    if (!cells) continue;
    const { ids: cellIds } = ids.of(keyList as string);
    const parsed = parsedArray(values as string);
    if (!parsed || parsed.length !== count || cellIds.length !== count) {
      for (const [key, value] of run(db, sql`SELECT m.key, m.value FROM metric_last m WHERE m.run_id = ${val(id)}`)) {
        cells[`metric:${key as string}`] = metricCell(value as number | null);
      }
      continue;
    }
    for (let i = 0; i < cellIds.length; i++) cells[cellIds[i]] = metricCell(parsed[i] as number | null);
  }
}
