/**
 * Everything the extension host reads from a folder's index, as one table of named queries over a
 * Store. The same table answers in-process (`storeReads`, for tests and when no worker can start)
 * and inside the index worker (the `read` request), so both give the same answers; the host only
 * ever sees the asynchronous `IndexReads` made from it.
 */
import type { SqlValue } from 'sql.js';
import type { Store } from '../store/store';
import { filterRuns, lastMetricByRun, tagsByRun } from '../organise/treeFilter';
import type { CompileOptions } from '../query';
import { readChartLine } from '../chartLine';
import { chartLines, compareRunFacts } from '../compareRuns';
import { localProcesses } from '../localProcesses';
import type { QueryError } from '../query/tokens';
import { columnsOfRuns, matchingWithFacets, tableColumns, tableRows, type TableOptions } from '../runsTable/table';
import type { TableFilter } from '../runsTable/filter';

/** The tree's per-folder facts for one reload, in one answer: filter matches, tags and metric values by run uid. */
export interface TreeFacts {
  /** Uids the filter line matches, or why the line is not a query; absent without a filter. */
  readonly found?: { readonly uids: ReadonlySet<string> } | { readonly error: string };
  readonly tags: ReadonlyMap<string, string[]>;
  /** Last value of each metric asked for, by metric key, then run uid. */
  readonly metrics: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

export interface TreeFactsQuery {
  readonly filter?: string;
  readonly options: CompileOptions;
  readonly metrics: readonly string[];
}

function treeFacts(store: Store, q: TreeFactsQuery): TreeFacts {
  return {
    found: q.filter ? filterRuns(store, q.filter, q.options) : undefined,
    tags: tagsByRun(store),
    metrics: new Map(q.metrics.map((key) => [key, lastMetricByRun(store, key)])),
  };
}

/** The last value of every metric of a run (system metrics too), by key order. */
function lastMetrics(store: Store, runId: number): Array<[string, number]> {
  return store.selectRows('SELECT key, value FROM metric_last WHERE run_id = ? ORDER BY key', [runId])
    .map(([k, v]) => [String(k), typeof v === 'number' ? v : NaN]);
}

/**
 * Runs table options as sent to where the index is: the processes of this machine are looked at
 * there (`checkProcesses`), as a function cannot cross to the worker.
 */
export type PlainTableOptions = Omit<TableOptions, 'local'> & { readonly checkProcesses?: boolean };

/** A query error as data (start and end columns kept), or the answer. */
export type OrQueryError<T> = { readonly ok: T } | { readonly queryError: { readonly message: string; readonly start: number; readonly end: number } };

function tableOptions(o: PlainTableOptions): TableOptions {
  const { checkProcesses, ...rest } = o;
  return checkProcesses ? { ...rest, local: localProcesses } : rest;
}

function catchQueryError<T>(f: () => T): OrQueryError<T> {
  try {
    return { ok: f() };
  } catch (e) {
    if ((e as Error)?.name === 'QueryError') {
      const q = e as QueryError;
      return { queryError: { message: q.message, start: q.start, end: q.end } };
    }
    throw e;
  }
}

/** The named queries. Arguments and answers are plain data (structured-clone safe). */
export const READS = {
  listRuns: (s: Store) => s.listRuns(),
  getRun: (s: Store, uid: string) => s.getRun(uid),
  getParams: (s: Store, runId: number) => s.getParams(runId),
  getTags: (s: Store, runId: number) => s.getTags(runId),
  getArtifacts: (s: Store, runId: number) => s.getArtifacts(runId),
  getDatasets: (s: Store, runId: number) => s.getDatasets(runId),
  getEnv: (s: Store, runId: number) => s.getEnv(runId),
  getAlertStates: (s: Store, runId: number) => s.getAlertStates(runId),
  listSeries: (s: Store, runId: number) => s.listSeries(runId),
  getPoints: (s: Store, seriesId: number, fromStep: number) => s.getPoints(seriesId, fromStep),
  getRange: (s: Store, seriesId: number, x0: number, x1: number, width: number, edges: boolean) => s.getRange(seriesId, x0, x1, width, edges),
  getTimeSpan: (s: Store, seriesId: number, t0: number, t1: number) => s.getTimeSpan(seriesId, t0, t1),
  chartLine: (s: Store, seriesId: number, lo: number, hi: number, maxPoints: number, edges: boolean) => readChartLine(s, seriesId, lo, hi, maxPoints, edges),
  chartLines: (s: Store, seriesIds: number[], lo: number, hi: number, maxPoints: number, edges: boolean) => chartLines(s, seriesIds, lo, hi, maxPoints, edges),
  compareRuns: (s: Store, uids: string[]) => compareRunFacts(s, uids),
  selectRows: (s: Store, sql: string, params: SqlValue[]) => s.selectRows(sql, params),
  lastMetrics,
  treeFacts,
  tableMatching: (s: Store, filter: TableFilter, o: PlainTableOptions, withTags: boolean) => catchQueryError(() => matchingWithFacets(s, filter, tableOptions(o), withTags)),
  tableColumns: (s: Store, filter: TableFilter, total: number, o: PlainTableOptions, differs: boolean) => catchQueryError(() => tableColumns(s, filter, total, tableOptions(o), differs)),
  columnsOfRuns: (s: Store, uids: string[], o: PlainTableOptions) => columnsOfRuns(s, uids, tableOptions(o)),
  tableRows: (s: Store, uids: string[], o: PlainTableOptions, columnIds: string[]) => tableRows(s, uids, tableOptions(o), columnIds),
  quickCheck: (s: Store) => s.quickCheck(),
  sizeBytes: (s: Store) => s.sizeBytes(),
} as const;

export type ReadName = keyof typeof READS;
type Args<F> = F extends (s: Store, ...args: infer A) => unknown ? A : never;
export type ReadArgs<K extends ReadName> = Args<(typeof READS)[K]>;
export type ReadResult<K extends ReadName> = ReturnType<(typeof READS)[K]>;

/** The host's view of one folder's index: every read, answered later. */
export type IndexReads = { readonly [K in ReadName]: (...args: ReadArgs<K>) => Promise<ReadResult<K>> };

/** Answers read `name` with `args` from `store` (arguments already validated). */
export function answerRead<K extends ReadName>(store: Store, name: K, args: ReadArgs<K>): ReadResult<K> {
  const f = READS[name] as unknown as (s: Store, ...a: ReadArgs<K>) => ReadResult<K>;
  return f(store, ...args);
}

/** An IndexReads made of a function that sends each read somewhere and resolves with its answer. */
export function readsVia(send: <K extends ReadName>(name: K, args: ReadArgs<K>) => Promise<ReadResult<K>>): IndexReads {
  const reads: Partial<Record<ReadName, unknown>> = {};
  for (const name of Object.keys(READS) as ReadName[]) reads[name] = (...args: unknown[]) => send(name, args as never);
  return reads as IndexReads;
}

/** Reads answered in-process from whatever store `current()` gives (it may be swapped, as when writes are enabled). */
export function storeReads(current: () => Store): IndexReads {
  return readsVia((name, args) => {
    try {
      return Promise.resolve(answerRead(current(), name, args));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  });
}
