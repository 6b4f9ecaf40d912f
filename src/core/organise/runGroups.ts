/**
 * Grouping an experiment's runs in the Experiments tree by a tag or a param ("Group By…"). A param
 * groups by its value; a tag key groups `key:value` / `key=value` tags by their value, and a plain
 * tag by whether a run carries it. Runs without the tag or param go to a "(none)" group, last. Each
 * group pages its runs on its own (RUN_PAGE at a time), so grouping works with hundreds of runs.
 */
import type { SqlValue } from 'sql.js';
import type { SelectRunner } from '../query';
import { RUN_FROM, RUN_TAGS, paramText, sql, val } from '../query/sql';

export type GroupKind = 'tag' | 'param';

export interface TreeGrouping {
  readonly kind: GroupKind;
  /** The param's name, or the tag key (`model` for `model:resnet` tags; a plain tag groups by having it). */
  readonly key: string;
}

/** The label of the group of runs without the tag or param. */
export const NO_GROUP_LABEL = '(none)';
/** Longest group value shown whole in a row. */
const MAX_LABEL = 80;

export interface GroupView {
  /** The group's value; null for the runs without one ("(none)"). */
  readonly value: string | null;
  readonly label: string;
  /** Runs in the group (all of them, shown or on a later page). */
  readonly count: number;
  /** Shown runs, in the experiment's order. */
  readonly runs: readonly string[];
  /** Runs of the group not shown yet ("Show more" under the group). */
  readonly more: number;
  readonly description: string;
}

/** The key of a group for paging and node identity: its value, or a key no value can be. */
export function groupKey(value: string | null): string {
  return value === null ? '\u0000none' : `=${value}`;
}

/** Reads a grouping remembered in workspace state (anything else: no grouping). */
export function parseGrouping(data: unknown): TreeGrouping | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { kind, key } = data as Record<string, unknown>;
  if ((kind !== 'tag' && kind !== 'param') || typeof key !== 'string' || !key.trim() || key.length > 500) return undefined;
  return { kind, key };
}

/** "param lr", "tag model": what the view's message says the runs are grouped by. */
export function groupingLabel(g: TreeGrouping): string {
  return `${g.kind} ${g.key}`;
}

const TAG_SEPARATOR = /^([^:=]+)[:=](.*)$/s;

/** The value a run's tags give for a tag key: the value of a `key:value` tag, the key itself for a plain tag; undefined without. */
export function tagGroupValue(tags: readonly string[], key: string): string | undefined {
  for (const tag of tags) {
    if (tag === key) return key;
    const m = TAG_SEPARATOR.exec(tag);
    if (m && m[1].trim() === key) return m[2].trim();
  }
  return undefined;
}

/** The keys a user can group by: tag keys (`model` of `model:resnet`, or a plain tag) and param names, each sorted. */
export function groupingChoices(tags: Iterable<readonly string[]>, params: Iterable<string>): { tags: string[]; params: string[] } {
  const tagKeys = new Set<string>();
  for (const list of tags) for (const tag of list) {
    const m = TAG_SEPARATOR.exec(tag);
    tagKeys.add(m && m[1].trim() ? m[1].trim() : tag);
  }
  const natural = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
  return { tags: [...tagKeys].filter(Boolean).sort(natural), params: [...new Set(params)].sort(natural) };
}

/** The query of every run's value of one param, as text (strings without their quotes); rows for paramRows. */
export function paramByRunQuery(key: string): { text: string; params: SqlValue[] } {
  const q = sql`SELECT r.uid, ${paramText(sql`p.value`)} FROM ${RUN_FROM} JOIN params p ON p.run_id = r.id AND p.key = ${val(key)}`;
  return { text: q.text, params: [...q.params] };
}

export function paramRows(rows: readonly SqlValue[][]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [uid, value] of rows) if (value !== null) out.set(String(uid), String(value));
  return out;
}

/** Every run's value of one param, by uid, in one query. */
export function paramByRun(store: SelectRunner, key: string): Map<string, string> {
  const q = paramByRunQuery(key);
  return paramRows(store.selectRows(q.text, q.params));
}

/** The names of the params any run has (the query; rows are `[key]`). */
export const PARAM_KEYS_QUERY = 'SELECT DISTINCT key FROM params ORDER BY key LIMIT 5000';

export function paramKeys(store: SelectRunner): string[] {
  return store.selectRows(PARAM_KEYS_QUERY, []).map(([k]) => String(k));
}

/** Every run's tags (edited lists replace logged ones) for the choices, in one query; rows for tagListRows. */
export function allTagListsQuery(): { text: string; params: SqlValue[] } {
  const q = sql`SELECT (SELECT json_group_array(x.tag) FROM (${RUN_TAGS}) x) FROM ${RUN_FROM}`;
  return { text: q.text, params: [...q.params] };
}

export function tagListRows(rows: readonly SqlValue[][]): string[][] {
  return rows.map(([json]) => (JSON.parse(String(json ?? '[]')) as unknown[]).filter((t): t is string => typeof t === 'string'));
}

export function allTagLists(store: SelectRunner): string[][] {
  const q = allTagListsQuery();
  return tagListRows(store.selectRows(q.text, q.params));
}

/**
 * Splits an experiment's ordered runs into groups by `valueOf` (undefined: the "(none)" group).
 * Groups are in natural order of their value, "(none)" last; runs keep their order inside a group;
 * `pageOf` says how many runs of a group are shown.
 */
export function groupRuns(ordered: readonly string[], valueOf: (uid: string) => string | undefined, pageOf: (key: string) => number): GroupView[] {
  const byValue = new Map<string | null, string[]>();
  for (const uid of ordered) {
    const v = valueOf(uid);
    const value = v === undefined ? null : v;
    const list = byValue.get(value);
    if (list) list.push(uid);
    else byValue.set(value, [uid]);
  }
  const values = [...byValue.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : compareValues(a, b)));
  return values.map((value) => {
    const runs = byValue.get(value)!;
    const page = Math.max(1, pageOf(groupKey(value)));
    const label = value === null ? NO_GROUP_LABEL : value === '' ? '""' : value.length > MAX_LABEL ? `${value.slice(0, MAX_LABEL - 1)}…` : value;
    return { value, label, count: runs.length, runs: runs.slice(0, page), more: Math.max(0, runs.length - page), description: `${runs.length} run${runs.length === 1 ? '' : 's'}` };
  });
}

/** Numbers (`0.01` before `0.1`, `2` before `10`) by value, before text; text in natural order. */
function compareValues(a: string, b: string): number {
  const x = a.trim() === '' ? NaN : Number(a);
  const y = b.trim() === '' ? NaN : Number(b);
  const xn = Number.isFinite(x);
  const yn = Number.isFinite(y);
  if (xn && yn && x !== y) return x - y;
  if (xn !== yn) return xn ? -1 : 1;
  return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
}

/** Whether two group lists render the same rows. */
export function sameGroups(a: readonly GroupView[] | undefined, b: readonly GroupView[] | undefined): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((g, i) => {
    const o = b[i];
    return g.value === o.value && g.label === o.label && g.count === o.count && g.more === o.more && g.description === o.description
      && g.runs.length === o.runs.length && g.runs.every((u, j) => u === o.runs[j]);
  });
}
