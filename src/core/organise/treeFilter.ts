/**
 * The Experiments view's filter: one line a user types, turned into a search of the index by the
 * query engine (src/core/query). Quick forms `status:running` and `tag:best` become conditions;
 * the rest is a query when it reads like one (`metrics.val_acc > 0.9`, `params.lr = 0.01`), else
 * words that must appear in a run's name, description, note or tags.
 */
import type { SqlValue } from 'sql.js';
import { searchRuns, type CompileOptions, type SearchInput, type SelectRunner } from '../query';
import { RUN_FROM, RUN_TAGS, sql } from '../query/sql';

/** Longest filter kept (a filter is a line, not a document). */
export const MAX_FILTER_LENGTH = 1000;

const QUICK = /(^|\s)(status|tag):("[^"]*"|\S+)/gi;
const LOOKS_LIKE_QUERY = /\b(metrics|metric|params|param|tags|tag|attributes|attribute|attr)\.\S|\b(run_name|status|experiment|start_time|duration)\s*(=|!=|<|>|\blike\b|\bin\b|\bis\b)/i;

/** Backtick-quotes a name for the query language (a name with a backtick cannot be quoted and is dropped). */
function quoted(name: string): string | undefined {
  return name.includes('`') ? undefined : `\`${name}\``;
}

/** The search a filter line stands for. */
export function filterSearch(text: string): SearchInput {
  const line = text.slice(0, MAX_FILTER_LENGTH);
  const conditions: string[] = [];
  const rest = line.replace(QUICK, (_m, lead: string, kind: string, raw: string) => {
    const value = raw.startsWith('"') ? raw.slice(1, -1) : raw;
    if (kind.toLowerCase() === 'status') conditions.push(`attributes.status = "${value.replace(/"/g, '')}"`);
    else {
      const name = quoted(value);
      if (name) conditions.push(`tags.${name} IS NOT NULL`);
    }
    return lead;
  }).trim();
  if (rest && LOOKS_LIKE_QUERY.test(rest)) conditions.push(`(${rest})`);
  const freeText = rest && !LOOKS_LIKE_QUERY.test(rest) ? rest : undefined;
  return { query: conditions.length ? conditions.join(' and ') : undefined, freeText };
}

/** The uids of the runs a filter line matches, or the query error (with its message) to show. */
export function filterRuns(store: SelectRunner, text: string, opts: CompileOptions): { uids: ReadonlySet<string> } | { error: string } {
  const result = searchRuns(store, filterSearch(text), opts);
  if (result.error) return { error: result.error.message };
  return { uids: new Set(result.uids) };
}

/** Every run's tags as the user sees them (edited lists replace logged ones), by uid, in one query. */
export function tagsByRun(store: SelectRunner): Map<string, string[]> {
  const q = sql`SELECT r.uid, (SELECT json_group_array(x.tag) FROM (${RUN_TAGS}) x) FROM ${RUN_FROM}`;
  const out = new Map<string, string[]>();
  for (const [uid, json] of store.selectRows(q.text, q.params)) {
    const tags = JSON.parse(String(json ?? '[]')) as unknown[];
    if (tags.length) out.set(String(uid), tags.filter((t): t is string => typeof t === 'string'));
  }
  return out;
}

/** Each run's last value of one metric, by uid (NaN for a stored NaN). */
export function lastMetricByRun(store: SelectRunner, key: string): Map<string, number> {
  const out = new Map<string, number>();
  const rows: SqlValue[][] = store.selectRows('SELECT r.uid, m.value FROM metric_last m JOIN runs r ON r.id = m.run_id WHERE m.key = ?', [key]);
  for (const [uid, value] of rows) out.set(String(uid), typeof value === 'number' ? value : NaN);
  return out;
}
