/**
 * Messages between the extension host and the runs table webview.
 * Both sides import this file; it must not import `vscode` or anything from the DOM.
 */
import { checkMessage, FIELD_LIMITS, type MessageRules, type Refusal } from './limits';

// The shapes below are those of src/core/runsTable (this layer imports nothing from core; TypeScript
// checks that the host's values fit them where it sends them).

export type MetricStat = 'metric.min' | 'metric.max' | 'metric.best_step';
export type CellValue = number | string | readonly string[] | null;

export interface TableColumn {
  /** `kind:key`, e.g. `attr:status`, `param:model.hidden`, `metric:val/acc`, `metric.min:val/acc`. */
  readonly id: string;
  readonly kind: 'attr' | 'param' | 'metric' | MetricStat;
  readonly key: string;
  readonly group: 'attributes' | 'params' | 'metrics' | 'system';
  readonly label: string;
  readonly differs: boolean;
  readonly numeric: boolean;
}

export interface TableRow {
  readonly uid: string;
  readonly color: number;
  readonly cells: Readonly<Record<string, CellValue>>;
}

export interface SortKey {
  readonly column: string;
  readonly descending: boolean;
}

export interface TableFilter {
  /** Query text (docs/query-language.md); its `order by` applies after the clicked sort. */
  readonly query?: string;
  /** Words that must each appear in the run's name, description, note or tags. */
  readonly freeText?: string;
  /** Only runs with one of these statuses (running, finished, failed, killed). */
  readonly statuses?: readonly string[];
  /** Only runs with every one of these tags (`stage:final` or a plain `baseline`). */
  readonly tags?: readonly string[];
  /** Only this experiment's runs. */
  readonly experiment?: string;
  /** Archived runs are left out unless this is true. */
  readonly includeArchived?: boolean;
  /** Sort keys clicked in the header, first one first. */
  readonly sort?: readonly SortKey[];
}

export interface SavedView {
  readonly name: string;
  readonly query: string;
  /** Column ids shown, in order (see core/runsTable/columns.ts); empty means the default columns. */
  readonly columns: readonly string[];
  /** Column ids pinned to the left. */
  readonly pinned: readonly string[];
  /** Column widths in pixels, by id. */
  readonly widths: Readonly<Record<string, number>>;
  readonly sort: readonly SortKey[];
  readonly metricStats: readonly MetricStat[];
}

/** What the table shows besides the filter: columns in order, pins, widths, the metric stats. */
export interface TableLayout {
  /** Column ids in the order shown; empty: every column in its group's order. Hidden columns are left out. */
  readonly columns: readonly string[];
  readonly pinned: readonly string[];
  readonly widths: Readonly<Record<string, number>>;
  readonly metricStats: readonly MetricStat[];
  /** Show only columns whose values differ between the runs shown. */
  readonly onlyDiffering: boolean;
}

export interface QueryProblem {
  readonly message: string;
  /** Offsets in the query text of the token at fault. */
  readonly start: number;
  readonly end: number;
}

export type HostToRunsTable =
  /** Once after `ready`: what the table is about, the saved views and recent queries. */
  | { readonly type: 'init'; readonly scope: string; readonly filter: TableFilter; readonly layout: TableLayout; readonly views: SavedView[]; readonly recent: string[]; readonly viewsFile: string }
  /**
   * The runs that match (`order`: every uid, in order), their columns, chips, and the rows of the
   * window asked for last. `error` when the query is wrong (the table keeps its last good rows).
   */
  | {
    readonly type: 'result'; readonly seq: number; readonly order: string[]; readonly columns: TableColumn[];
    readonly statuses: Record<string, number>; readonly tags: Array<{ tag: string; count: number }>;
    readonly rows: TableRow[]; readonly ms: number; readonly total: number;
  }
  | { readonly type: 'queryError'; readonly seq: number; readonly error: QueryProblem }
  /** Cells of some rows: the window asked for, or rows that changed while runs write. */
  | { readonly type: 'rows'; readonly rows: TableRow[] }
  | { readonly type: 'views'; readonly views: SavedView[]; readonly recent: string[] }
  /** Select these runs (after a bulk action or from the tree). */
  | { readonly type: 'select'; readonly uids: string[] };

export type RunsTableToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'error'; readonly message: string }
  /** A new filter and layout (JSON of {@link FilterMessage}); the host answers with `result` or `queryError`. */
  | { readonly type: 'filter'; readonly seq: number; readonly json: string }
  /** The cells of rows `from` to `to` (exclusive) of the current order. */
  | { readonly type: 'rows'; readonly from: number; readonly to: number }
  | { readonly type: 'openRun'; readonly id: string }
  /** A bulk action on the selected runs (JSON list of uids). */
  | { readonly type: 'action'; readonly action: string; readonly json: string }
  /** Export the matching runs with these columns (JSON list of column ids): `csv` to a file, `markdown` to the clipboard. */
  | { readonly type: 'export'; readonly format: string; readonly json: string }
  /** Save the current filter and layout as a view (JSON of {@link FilterMessage}); the host asks for its name. */
  | { readonly type: 'saveView'; readonly json: string }
  | { readonly type: 'deleteView'; readonly name: string }
  /** The user selected rows (JSON list of uids): they become the app's run selection, which the tree and Compare use. */
  | { readonly type: 'selection'; readonly json: string };

export interface FilterMessage {
  readonly filter: TableFilter;
  readonly layout: TableLayout;
}

export const TABLE_ACTIONS = ['compare', 'tag', 'archive', 'delete'] as const;
export type TableAction = (typeof TABLE_ACTIONS)[number];

export function isTableAction(value: string): value is TableAction {
  return (TABLE_ACTIONS as readonly string[]).includes(value);
}

/** Largest JSON a message may carry: a filter with its layout, or a selection of 10,000 uids. */
const JSON_LIMIT = 4 * 1024 * 1024;

export const RUNS_TABLE_MESSAGES: MessageRules = {
  ready: {},
  error: { message: { string: FIELD_LIMITS.errorMessage } },
  filter: { seq: 'integer', json: { string: JSON_LIMIT } },
  rows: { from: 'integer', to: 'integer' },
  openRun: { id: { string: FIELD_LIMITS.runId } },
  action: { action: { string: 16 }, json: { string: JSON_LIMIT } },
  export: { format: { string: 16 }, json: { string: JSON_LIMIT } },
  saveView: { json: { string: JSON_LIMIT } },
  deleteView: { name: { string: 1024 } },
  selection: { json: { string: JSON_LIMIT } },
};

export function isRunsTableToHost(value: unknown, refuse?: Refusal): value is RunsTableToHost {
  return checkMessage(RUNS_TABLE_MESSAGES, value, refuse);
}

const strings = (v: unknown, max: number): v is string[] => Array.isArray(v) && v.length <= max && v.every((s) => typeof s === 'string' && s.length <= 100_000);

/** A list of run uids from a message's JSON, or undefined when it is not one. */
export function parseUidList(json: string): string[] | undefined {
  try {
    const v: unknown = JSON.parse(json);
    return strings(v, 100_000) ? v.filter((s) => s.length <= FIELD_LIMITS.runId) : undefined;
  } catch {
    return undefined;
  }
}

/** The filter and layout of a `filter` or `saveView` message, checked field by field; undefined when malformed. */
export function parseFilterMessage(json: string): FilterMessage | undefined {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const { filter: f, layout: l } = v as { filter?: Record<string, unknown>; layout?: Record<string, unknown> };
  if (typeof f !== 'object' || f === null || typeof l !== 'object' || l === null) return undefined;
  const optString = (x: unknown) => x === undefined || (typeof x === 'string' && x.length <= 10_000);
  if (!optString(f.query) || !optString(f.freeText) || !optString(f.experiment)) return undefined;
  if (f.statuses !== undefined && !strings(f.statuses, 10)) return undefined;
  if (f.tags !== undefined && !strings(f.tags, 100)) return undefined;
  const sort = Array.isArray(f.sort) ? f.sort.slice(0, 10) : [];
  if (!sort.every((s: unknown) => typeof s === 'object' && s !== null && typeof (s as SortKey).column === 'string' && typeof (s as SortKey).descending === 'boolean')) return undefined;
  if (!strings(l.columns, 100_000) || !strings(l.pinned, 100_000) || !strings(l.metricStats, 3)) return undefined;
  if (typeof l.widths !== 'object' || l.widths === null || Array.isArray(l.widths)) return undefined;
  const widths: Record<string, number> = {};
  for (const [k, w] of Object.entries(l.widths as Record<string, unknown>)) {
    if (typeof w === 'number' && Number.isFinite(w)) Object.defineProperty(widths, k, { value: w, enumerable: true, writable: true, configurable: true });
  }
  const filter: TableFilter = {
    query: f.query as string | undefined, freeText: f.freeText as string | undefined, experiment: f.experiment as string | undefined,
    statuses: f.statuses as string[] | undefined, tags: f.tags as string[] | undefined, includeArchived: f.includeArchived === true,
    sort: sort.map((s: SortKey) => ({ column: s.column, descending: s.descending })),
  };
  const layout: TableLayout = {
    columns: l.columns as string[], pinned: l.pinned as string[], widths,
    metricStats: (l.metricStats as string[]).filter((s): s is MetricStat => s === 'metric.min' || s === 'metric.max' || s === 'metric.best_step'),
    onlyDiffering: l.onlyDiffering === true,
  };
  return { filter, layout };
}
