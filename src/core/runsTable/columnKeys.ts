/**
 * Which param and metric keys a set of runs has: the columns a runs table offers. On 10,000 runs ×
 * 300 columns a read of every param row takes a second, and the first table opened in a window pays
 * it; so keys are found from the indexes on (key, value) instead, one seek per distinct key.
 */
import type { SqlValue } from 'sql.js';
import { Sql, sql } from '../query/sql';

/** Whatever can run a SELECT with bound values (the Store). */
export interface KeyReader {
  selectRows(sql: string, params: readonly SqlValue[]): SqlValue[][];
}

/** The keys of one table: those with a plain value in some run, and those holding an object (a config) in some run. */
export interface ScopeKeys {
  readonly plain: Set<string>;
  readonly objects: Set<string>;
}

export type KeyTable = 'params' | 'metric_last';

/**
 * Below this share of all runs, the runs' own rows are read (their number bounds the work); above it,
 * each distinct key is checked for one run in the scope, which usually is the first row of the key.
 */
const FEW_RUNS_SHARE = 0.25;

const TABLES: Readonly<Record<KeyTable, Sql>> = { params: sql`params`, metric_last: sql`metric_last` };

/** A value stored for a param that is a JSON object (flattened into one column per nested key). */
const OBJECT = sql`x.value GLOB '{*'`;

/**
 * Per distinct key of `table`: whether some run of `ids` (a SELECT of run ids) has a plain value for it,
 * and whether some has an object. Each check reads the key's rows of the index on (key, value) until a
 * run of the scope turns up. The distinct keys come from a recursive walk of that index, one seek per key
 * (SQLite reads `SELECT DISTINCT key` row by row otherwise).
 */
export function keysInScopeQuery(table: KeyTable, ids: Sql): Sql {
  const t = TABLES[table];
  const has = (pred: Sql) => sql`EXISTS (SELECT 1 FROM ${t} x WHERE x.key = k.key AND ${pred} AND x.run_id IN (SELECT id FROM scope))`;
  const objects = table === 'params' ? sql`${has(OBJECT)}` : sql`0`;
  const plain = table === 'params' ? has(sql`NOT ${OBJECT}`) : has(sql`1`);
  // Wrapped in a SELECT: the store runs statements that start with SELECT only.
  return sql`SELECT * FROM (WITH RECURSIVE k(key) AS (SELECT (SELECT x.key FROM ${t} x ORDER BY x.key LIMIT 1)
    UNION ALL SELECT (SELECT x.key FROM ${t} x WHERE x.key > k.key ORDER BY x.key LIMIT 1) FROM k WHERE k.key IS NOT NULL),
    scope(id) AS MATERIALIZED (${ids})
    SELECT k.key, ${plain}, ${objects} FROM k WHERE k.key IS NOT NULL)`;
}

/** The same answer from the runs' own rows: one key list per run (in primary-key order, no sort), then the distinct lists. */
function keysOfRunsQuery(table: KeyTable, ids: Sql): Sql {
  const mark = table === 'params' ? sql`(CASE WHEN ${OBJECT} THEN char(2) ELSE '' END)` : sql`''`;
  return sql`SELECT DISTINCT sig FROM (SELECT group_concat(x.key || ${mark}, char(1)) AS sig
    FROM ${TABLES[table]} x WHERE x.run_id IN (${ids}) GROUP BY x.run_id)`;
}

function run(db: KeyReader, s: Sql): SqlValue[][] {
  return db.selectRows(s.text, s.params);
}

/** The keys of `table` the runs `ids` have; `share` is their part of all runs (0 to 1), when known. */
export function keysInScope(db: KeyReader, table: KeyTable, ids: Sql, share: number): ScopeKeys {
  const plain = new Set<string>();
  const objects = new Set<string>();
  if (share < FEW_RUNS_SHARE) {
    for (const [sig] of run(db, keysOfRunsQuery(table, ids))) {
      for (const k of (sig as string).split('\u0001')) {
        if (k.endsWith('\u0002')) objects.add(k.slice(0, -1));
        else plain.add(k);
      }
    }
    return { plain, objects };
  }
  for (const [key, isPlain, isObject] of run(db, keysInScopeQuery(table, ids))) {
    if (isPlain) plain.add(key as string);
    if (isObject) objects.add(key as string);
  }
  return { plain, objects };
}

/** The share of all runs that `ids` (a SELECT of run ids) holds: 1 when there are none. */
export function scopeShare(db: KeyReader, ids: Sql): number {
  const [[inScope, all]] = run(db, sql`SELECT (SELECT COUNT(*) FROM (${ids})), (SELECT COUNT(*) FROM runs)`);
  return (all as number) === 0 ? 1 : (inScope as number) / (all as number);
}
