/**
 * Saved views of the runs table: a name, a query, the columns shown (in order, with widths and pins)
 * and the sort. Kept in `<log root>/table-views.json`, a small JSON file a team commits with its code
 * (docs/runs-table.md). A damaged file or view is reported and skipped; the rest still loads.
 */
import { METRIC_STATS, parseColumnId } from './columns';
import type { SavedView, SortKey } from '../../protocol/runsTable';

export const VIEWS_FILE = 'table-views.json';
export const VIEWS_FORMAT = 'labbook-table-views';

/** Most saved views kept, longest name and query, most columns per view. */
export const VIEW_LIMITS = { views: 200, name: 200, query: 10_000, columns: 5_000 } as const;

export type { SavedView };

export interface ViewsFile {
  readonly format: typeof VIEWS_FORMAT;
  readonly version: 1;
  readonly views: readonly SavedView[];
}

/** Reads the views file's text; `report` hears of each problem (with the view's position). */
export function parseViews(text: string, report: (message: string) => void): SavedView[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    report(`not valid JSON: ${(e as Error).message}`);
    return [];
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    report('expected an object with "format", "version" and "views"');
    return [];
  }
  const d = data as Record<string, unknown>;
  if (d.format !== VIEWS_FORMAT) report(`"format" should be "${VIEWS_FORMAT}"`);
  if (d.version !== 1) report(`version ${JSON.stringify(d.version)} is not one this Labbook reads (1); reading what it can`);
  if (!Array.isArray(d.views)) {
    report('"views" should be a list');
    return [];
  }
  const views: SavedView[] = [];
  const names = new Set<string>();
  d.views.slice(0, VIEW_LIMITS.views).forEach((v, i) => {
    const view = parseView(v, (m) => report(`view ${i + 1}: ${m}`));
    if (!view) return;
    if (names.has(view.name)) {
      report(`view ${i + 1}: a second view named "${view.name}" (the first is kept)`);
      return;
    }
    names.add(view.name);
    views.push(view);
  });
  if (d.views.length > VIEW_LIMITS.views) report(`${d.views.length} views; only the first ${VIEW_LIMITS.views} are read`);
  return views;
}

function parseView(v: unknown, report: (message: string) => void): SavedView | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    report('not an object; skipped');
    return undefined;
  }
  const o = v as Record<string, unknown>;
  if (typeof o.name !== 'string' || o.name.trim() === '' || o.name.length > VIEW_LIMITS.name) {
    report(`"name" should be text of 1 to ${VIEW_LIMITS.name} characters; skipped`);
    return undefined;
  }
  const query = typeof o.query === 'string' && o.query.length <= VIEW_LIMITS.query ? o.query : '';
  if (o.query !== undefined && query !== o.query) report(`"${o.name}": "query" should be text; left empty`);
  const ids = (list: unknown, field: string): string[] => {
    if (list === undefined) return [];
    if (!Array.isArray(list)) {
      report(`"${o.name}": "${field}" should be a list of column ids; ignored`);
      return [];
    }
    const good = list.slice(0, VIEW_LIMITS.columns).filter((c): c is string => typeof c === 'string' && parseColumnId(c) !== undefined);
    if (good.length < Math.min(list.length, VIEW_LIMITS.columns)) report(`"${o.name}": ${Math.min(list.length, VIEW_LIMITS.columns) - good.length} unknown column id(s) in "${field}" ignored`);
    return [...new Set(good)];
  };
  const widths: Record<string, number> = {};
  if (typeof o.widths === 'object' && o.widths !== null && !Array.isArray(o.widths)) {
    for (const [k, w] of Object.entries(o.widths as Record<string, unknown>).slice(0, VIEW_LIMITS.columns)) {
      if (parseColumnId(k) && typeof w === 'number' && w >= 30 && w <= 2000) Object.defineProperty(widths, k, { value: Math.round(w), enumerable: true, writable: true, configurable: true });
    }
  }
  const sort: SortKey[] = [];
  if (Array.isArray(o.sort)) {
    for (const s of o.sort.slice(0, 10)) {
      const k = s as Record<string, unknown> | null;
      if (k && typeof k.column === 'string' && parseColumnId(k.column)) sort.push({ column: k.column, descending: k.descending === true });
      else report(`"${o.name}": a sort key without a known "column" ignored`);
    }
  }
  const metricStats = Array.isArray(o.metricStats) ? METRIC_STATS.filter((s) => (o.metricStats as unknown[]).includes(s)) : [];
  return { name: o.name.trim(), query, columns: ids(o.columns, 'columns'), pinned: ids(o.pinned, 'pinned'), widths, sort, metricStats };
}

/** The file's text with `views` (sorted by name, two-space indent, a final newline: small diffs in git). */
export function serializeViews(views: readonly SavedView[]): string {
  const sorted = [...views].sort((a, b) => a.name.localeCompare(b.name));
  const file: ViewsFile = { format: VIEWS_FORMAT, version: 1, views: sorted };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** `views` with `view` added, or replacing the view of the same name. */
export function upsertView(views: readonly SavedView[], view: SavedView): SavedView[] {
  return [...views.filter((v) => v.name !== view.name), view];
}

/** Most recent queries remembered, newest first. */
export const MAX_RECENT_QUERIES = 20;

export function pushRecent(recent: readonly string[], query: string): string[] {
  const q = query.trim();
  if (!q) return [...recent];
  return [q, ...recent.filter((r) => r !== q)].slice(0, MAX_RECENT_QUERIES);
}
