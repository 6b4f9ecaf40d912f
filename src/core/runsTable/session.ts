/**
 * One open runs table over one or more indexes (a multi-root workspace has one per folder): the
 * current filter, the matching runs in order, and the window of rows the view shows. The host panel
 * drives it with the view's messages; it never reads more rows than asked for.
 */
import { QueryError } from '../query/tokens';
import type { TableColumn } from './columns';
import type { TableFilter } from './filter';
import { mergeColumns, type Facets, type TableOptions, type TableRow } from './table';
import type { IndexReads, OrQueryError, PlainTableOptions } from '../worker/indexReads';

/** What a table reads of one index (wherever the index is: in this thread or in the index worker). */
export type TableReads = Pick<IndexReads, 'tableMatching' | 'tableColumns' | 'columnsOfRuns' | 'tableRows'>;

export interface TableSource {
  readonly reads: TableReads;
  /** Shown in errors of a multi-root workspace. */
  readonly folder: string;
}

export interface TableResult {
  readonly order: string[];
  readonly columns: TableColumn[];
  readonly statuses: Record<string, number>;
  readonly tags: Array<{ tag: string; count: number }>;
  readonly rows: TableRow[];
}

export interface TableLayoutOptions {
  readonly metricStats: TableOptions['metricStats'];
  readonly onlyDiffering: boolean;
}

/** Rows sent with a result before the view says which it shows (a screenful and a little more). */
export const FIRST_WINDOW = 50;
/** Most rows one request reads. */
export const MAX_WINDOW = 1000;

/**
 * Each index's columns over a scope (experiment, archived runs, metric stats), shared by every open
 * table and grown as runs change: finding which keys exist reads every param row, once.
 */
const catalogs = new WeakMap<TableReads, Map<string, TableColumn[]>>();

/** The answer, or the query error thrown again as a QueryError. */
function orThrow<T>(r: OrQueryError<T>): T {
  if ('queryError' in r) throw new QueryError(r.queryError.message, r.queryError.start, r.queryError.end);
  return r.ok;
}

/** Tag chips of one index's matching runs, kept while only the sort changes. */
interface KnownTags {
  /** The filter without its sort, and the scope options, the chips were counted for. */
  readonly key: string;
  readonly uids: ReadonlySet<string>;
  readonly tags: NonNullable<Facets['tags']>;
}

/** What the matching runs depend on besides the sort (the options' clock only moves a run's shown status). */
function matchKey(filter: TableFilter, opts: PlainTableOptions): string {
  const { sort: _sort, ...rest } = filter;
  const { nowSeconds: _now, ...scope } = opts;
  return JSON.stringify([rest, scope]);
}

/** Whether two lists hold the same uids (in any order). */
function sameSet(known: ReadonlySet<string>, uids: readonly string[]): boolean {
  return known.size === uids.length && uids.every((u) => known.has(u));
}

export class TableSession {
  private order: string[] = [];
  /** The last result's chips (status and tag counts), to tell whether a refresh changed them. */
  private chips = '';
  /** Each index's tag chips of the last result; forgotten when the index changes. */
  private knownTags = new Map<TableReads, KnownTags>();
  private readonly sourceOf = new Map<string, TableSource>();
  private filter: TableFilter = {};
  private layout: TableLayoutOptions = { metricStats: [], onlyDiffering: false };
  private window = { from: 0, to: FIRST_WINDOW };
  private columnIds: string[] = [];

  constructor(private readonly sources: () => readonly TableSource[], private readonly options: () => PlainTableOptions) {}

  get uids(): readonly string[] {
    return this.order;
  }

  get currentFilter(): TableFilter {
    return this.filter;
  }

  sourceFor(uid: string): TableSource | undefined {
    return this.sourceOf.get(uid);
  }

  /** Applies a filter and layout. Throws QueryError when the query is wrong (the session keeps its last good state). */
  async apply(filter: TableFilter, layout: TableLayoutOptions): Promise<TableResult> {
    const opts = { ...this.options(), metricStats: layout.metricStats };
    const order: string[] = [];
    const sourceOf = new Map<string, TableSource>();
    const perSource: Array<{ source: TableSource; uids: string[]; facets: Facets }> = [];
    const sources = this.sources();
    const key = matchKey(filter, opts);
    const matched = await Promise.all(sources.map((source) => this.matching(source, filter, opts, key)));
    for (const [i, source] of sources.entries()) {
      const { uids, statuses, tags } = matched[i];
      perSource.push({ source, uids, facets: { statuses, tags } });
      for (const uid of uids) {
        if (sourceOf.has(uid)) continue;
        sourceOf.set(uid, source);
        order.push(uid);
      }
    }
    const columns = new Map<string, TableColumn>();
    const statuses: Record<string, number> = {};
    const tags = new Map<string, number>();
    for (const { source, uids, facets } of perSource) {
      for (const c of await this.columnsOf(source, filter, layout, uids.length, opts)) {
        const seen = columns.get(c.id);
        // A column differs across folders unless each says it is the same (values could still differ between folders).
        columns.set(c.id, seen ? { ...c, differs: seen.differs || c.differs || perSource.length > 1 } : c);
      }
      for (const [s, n] of Object.entries(facets.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
      for (const t of facets.tags ?? []) tags.set(t.tag, (tags.get(t.tag) ?? 0) + t.count);
    }
    this.order = order;
    this.sourceOf.clear();
    for (const [k, v] of sourceOf) this.sourceOf.set(k, v);
    this.filter = filter;
    this.layout = layout;
    this.columnIds = [...columns.keys()];
    const rows = await this.rows(this.window.from, this.window.to);
    const chips = [...tags].map(([tag, count]) => ({ tag, count })).sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag)).slice(0, 30);
    this.chips = JSON.stringify([statuses, chips]);
    return { order, columns: [...columns.values()], statuses, tags: chips, rows };
  }

  /**
   * The runs of one index that match, with their chips' counts. When only the sort changed, the tag
   * chips are those counted before (the same runs carry the same tags) and are not read again.
   */
  private async matching(source: TableSource, filter: TableFilter, opts: PlainTableOptions, key: string): Promise<{ uids: string[] } & Required<Facets>> {
    const known = this.knownTags.get(source.reads);
    if (known?.key === key) {
      const { uids, statuses } = orThrow(await source.reads.tableMatching(filter, opts, false));
      // A query on the clock (runs started in the last hour) can match other runs a moment later.
      if (sameSet(known.uids, uids)) return { uids, statuses, tags: known.tags };
    }
    const { uids, statuses, tags = [] } = orThrow(await source.reads.tableMatching(filter, opts, true));
    this.knownTags.set(source.reads, { key, uids: new Set(uids), tags });
    return { uids, statuses, tags };
  }

  /**
   * The columns of one index. Which keys exist is read once per scope and grown as runs change (the read
   * goes over every param row); whether values differ is read for the matching runs when asked for.
   */
  private async columnsOf(source: TableSource, filter: TableFilter, layout: TableLayoutOptions, total: number, opts: PlainTableOptions): Promise<TableColumn[]> {
    if (layout.onlyDiffering) return orThrow(await source.reads.tableColumns(filter, total, opts, true));
    const key = JSON.stringify([filter.experiment, filter.includeArchived === true, layout.metricStats]);
    const known = catalogs.get(source.reads) ?? new Map<string, TableColumn[]>();
    catalogs.set(source.reads, known);
    const cached = known.get(key);
    if (cached) return cached;
    const scope: TableFilter = { experiment: filter.experiment, includeArchived: filter.includeArchived };
    const columns = orThrow(await source.reads.tableColumns(scope, Number.MAX_SAFE_INTEGER, opts, false));
    known.set(key, columns);
    return columns;
  }

  /** Applies the filter, or gives its error. */
  async tryApply(filter: TableFilter, layout: TableLayoutOptions): Promise<{ result: TableResult } | { error: QueryError }> {
    try {
      return { result: await this.apply(filter, layout) };
    } catch (e) {
      if (e instanceof QueryError) return { error: e };
      throw e;
    }
  }

  /** The cells of rows `from` to `to` (exclusive) of the current order; remembered as the window the view shows. */
  rows(from: number, to: number): Promise<TableRow[]> {
    const start = Math.max(0, Math.min(from, this.order.length));
    const end = Math.max(start, Math.min(to, start + MAX_WINDOW, this.order.length));
    this.window = { from: start, to: Math.max(end, start + Math.min(FIRST_WINDOW, to - from)) };
    return this.read(this.order.slice(start, end));
  }

  /** The cells of these runs (in this order), from whichever index holds each. */
  async read(uids: readonly string[]): Promise<TableRow[]> {
    const opts = { ...this.options(), metricStats: this.layout.metricStats };
    const bySource = new Map<TableSource, string[]>();
    for (const uid of uids) {
      const s = this.sourceOf.get(uid);
      if (!s) continue;
      const list = bySource.get(s);
      if (list) list.push(uid);
      else bySource.set(s, [uid]);
    }
    const byUid = new Map<string, TableRow>();
    const answers = await Promise.all([...bySource].map(([source, list]) => source.reads.tableRows(list, opts, this.columnIds)));
    for (const rows of answers) for (const r of rows) byUid.set(r.uid, r);
    return uids.flatMap((u) => byUid.get(u) ?? []);
  }

  /**
   * After the indexes changed (`changed`: uids written to): the whole result again when the runs that
   * match, their order or their chips' counts changed; else only the changed rows inside the window the view shows.
   */
  async refresh(changed: ReadonlySet<string>): Promise<{ result: TableResult } | { rows: TableRow[] } | undefined> {
    const before = this.order;
    const chipsBefore = this.chips;
    this.knownTags.clear();
    const opts = { ...this.options(), metricStats: this.layout.metricStats };
    for (const source of this.sources()) {
      const known = catalogs.get(source.reads);
      const mine = [...changed].filter((u) => this.sourceOf.get(u)?.reads === source.reads || !this.sourceOf.has(u));
      if (!known || mine.length === 0) continue;
      const grown = await source.reads.columnsOfRuns(mine, opts);
      for (const [key, columns] of known) known.set(key, mergeColumns(columns, grown));
    }
    let result: TableResult;
    try {
      result = await this.apply(this.filter, this.layout);
    } catch (e) {
      if (e instanceof QueryError) return undefined;
      throw e;
    }
    const same = before.length === result.order.length && before.every((u, i) => u === result.order[i]);
    // The chips count what matches: a tag edit or a run that ended changes them without moving a row.
    if (!same || this.chips !== chipsBefore) return { result };
    const shown = this.order.slice(this.window.from, this.window.to).filter((u) => changed.has(u));
    return shown.length ? { rows: await this.read(shown) } : undefined;
  }
}
