/**
 * What the runs table shows, as SQL over the index: the query (docs/query-language.md), free text,
 * status and tag chips, one experiment, archived runs or not, and the sort the user clicked.
 */
import type { Condition, Field, OrderKey, Query, Value } from '../query/ast';
import { Compiler, type CompileOptions } from '../query/compile';
import { parseQuery } from '../query/parser';
import { freeTextFilter } from '../query/search';
import { join, RUN_FROM, Sql, sql, val } from '../query/sql';
import { parseColumnId, lowerIsBetter } from './columns';
import type { SortKey, TableFilter } from '../../protocol/runsTable';

export type { SortKey, TableFilter };

/**
 * The WHERE condition and ORDER BY terms of a filter (on the aliases of RUN_FROM). The terms sort on
 * the values themselves, so that the sort keys are not handed back with every matching run.
 */
export interface CompiledFilter {
  readonly where: Sql;
  /** Joins the sort keys read from (after RUN_FROM). */
  readonly joins: Sql;
  readonly orderBy: Sql;
  /** The status a user sees, selected as `ks`. */
  readonly status: Sql;
}

const SPAN = { start: 0, end: 0 };

function text(value: string): Value {
  return { kind: 'string', value, ...SPAN };
}

function attribute(key: 'status' | 'experiment' | 'archived'): Field {
  return { kind: 'attribute', key, ...SPAN };
}

/** A chip's tag as a condition: `stage:final` is tag `stage` with value `final`, `baseline` the bare tag. */
function tagCondition(tag: string): Condition {
  const colon = tag.indexOf(':');
  const key = colon > 0 ? tag.slice(0, colon) : tag;
  const value = colon > 0 ? tag.slice(colon + 1) : '';
  return { type: 'compare', field: { kind: 'tag', key, ...SPAN }, op: '=', opSpan: SPAN, value: text(value), ...SPAN };
}

/** Compiles the filter; throws QueryError (with its position in `query`) when the query is wrong. */
export function compileFilter(filter: TableFilter, opts: CompileOptions = {}): CompiledFilter {
  const query: Query = filter.query?.trim() ? parseQuery(filter.query) : { where: undefined, orderBy: [] };
  const compiler = new Compiler(opts);
  const conditions: Sql[] = [];
  if (query.where) conditions.push(compiler.where(query.where));
  if (filter.freeText?.trim()) conditions.push(freeTextFilter(filter.freeText));
  if (filter.statuses?.length) {
    conditions.push(compiler.where({ type: 'in', field: attribute('status'), negated: false, values: filter.statuses.map(text), ...SPAN }));
  }
  for (const tag of filter.tags ?? []) conditions.push(compiler.where(tagCondition(tag)));
  if (filter.experiment !== undefined) {
    conditions.push(compiler.where({ type: 'compare', field: attribute('experiment'), op: '=', opSpan: SPAN, value: text(filter.experiment), ...SPAN }));
  }
  if (!filter.includeArchived) conditions.push(sql`COALESCE(ed.archived, 0) = 0`);
  const where = conditions.length ? join(conditions, ' AND ') : sql`1`;

  const joins: Sql[] = [];
  const terms: Sql[] = [];
  let n = 0;
  const addKey = (k: OrderKey) => {
    const key = compiler.orderKey(k, `k${n++}`);
    joins.push(key.join);
    terms.push(key.inline);
  };
  for (const s of filter.sort ?? []) {
    const stat = statSortKey(s);
    if (stat) {
      terms.push(stat);
      continue;
    }
    const k = orderKeyOf(s);
    if (k) addKey(k);
  }
  for (const k of query.orderBy) addKey(k);
  terms.push(sql`r.start_time DESC NULLS LAST`, sql`r.id DESC`);
  const status = compiler.orderKey({ field: attribute('status'), descending: false, ...SPAN }, 'ks' as `k${number}`).select;
  return { where, joins: join(joins, ''), orderBy: join(terms, ', '), status };
}

/** The SELECT of the matching runs' uid, row id and status shown, in order. */
export function selectUids(f: CompiledFilter): Sql {
  return sql`SELECT r.uid, r.id, ${f.status} FROM ${RUN_FROM}${f.joins} WHERE ${f.where} ORDER BY ${f.orderBy}`;
}

/** The SELECT of the matching runs' row ids (for the column statistics). */
export function selectRunIds(f: CompiledFilter): Sql {
  return sql`SELECT r.id FROM ${RUN_FROM} WHERE ${f.where}`;
}

const ATTRIBUTE_SORT: Readonly<Record<string, OrderKey['field']['key'] | undefined>> = {
  name: 'name', status: 'status', experiment: 'experiment', source: 'source', start_time: 'start_time', duration: 'duration', note: 'note',
};

/** A clicked column as a query `order by` key (tags sort by their first tag). */
function orderKeyOf(s: SortKey): OrderKey | undefined {
  const c = parseColumnId(s.column);
  if (!c) return undefined;
  let field: Field;
  if (c.kind === 'param') field = { kind: 'param', key: c.key, ...SPAN };
  else if (c.kind === 'metric') field = { kind: 'metric', key: c.key, ...SPAN };
  else if (c.kind === 'attr' && c.key === 'tags') return undefined;
  else if (c.kind === 'attr') {
    const key = ATTRIBUTE_SORT[c.key];
    if (!key) return undefined;
    field = { kind: 'attribute', key: key as Extract<Field, { kind: 'attribute' }>['key'], ...SPAN };
  } else return undefined;
  return { field, descending: s.descending, ...SPAN };
}

/** Sorting on a metric's min, max or best step: from the series summary (the ORDER BY term). */
function statSortKey(s: SortKey): Sql | undefined {
  const c = parseColumnId(s.column);
  if (!c || (c.kind !== 'metric.min' && c.kind !== 'metric.max' && c.kind !== 'metric.best_step')) return undefined;
  // Kept per series by the store as points arrive (min, max and the step of each).
  const of = (column: string) => sql`(SELECT ${new Sql(`s.${column}`, [])} FROM series s WHERE s.run_id = r.id AND s.key = ${val(c.key)})`;
  let value: Sql;
  if (c.kind === 'metric.min') value = of('min_value');
  else if (c.kind === 'metric.max') value = of('max_value');
  else value = of(lowerIsBetter(c.key) ? 'min_step' : 'max_step');
  return sql`${value} ${new Sql(`${s.descending ? 'DESC' : 'ASC'} NULLS LAST`, [])}`;
}
