/**
 * Searching runs in the index: a query (docs/query-language.md) and free text, compiled to one SELECT
 * that returns run uids in the order asked.
 */
import type { SqlValue } from 'sql.js';
import type { Query } from './ast';
import { Compiler, type CompileOptions } from './compile';
import { parseQuery } from './parser';
import { join, RUN_FROM, RUN_TAGS, Sql, sql, val } from './sql';
import { QueryError } from './tokens';

/** Most words of free text used (the rest is ignored). */
export const MAX_FREE_TEXT_WORDS = 32;

export interface SearchInput {
  /** Query text, or a query parsed before. */
  readonly query?: string | Query;
  /** Words that must each appear in the run's name, description, note or one of its tags. */
  readonly freeText?: string;
}

export interface CompiledSearch {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

/** Whatever can run a SELECT with bound values (the Store). */
export interface SelectRunner {
  selectRows(sql: string, params: readonly SqlValue[]): SqlValue[][];
}

export type SearchResult = { readonly uids: string[]; readonly error?: undefined } | { readonly uids?: undefined; readonly error: QueryError };

/**
 * A condition on the runs (aliases of RUN_FROM) true when every word of `text` appears, case-insensitively
 * (ASCII letters), in the run's name, description, note or one of its tags. `"two words"` stays one phrase.
 */
export function freeTextFilter(text: string): Sql {
  const words = splitWords(text);
  if (words.length === 0) return sql`1`;
  return join(words.map((w) => {
    const needle = val(w.toLowerCase());
    return sql`(instr(lower(COALESCE(ed.name, r.name)), ${needle}) > 0 OR instr(lower(r.description), ${needle}) > 0
      OR instr(lower(COALESCE(ed.note, r.note)), ${needle}) > 0 OR EXISTS (SELECT 1 FROM (${RUN_TAGS}) x WHERE instr(lower(x.tag), ${needle}) > 0))`;
  }), ' AND ');
}

export function splitWords(text: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"?|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null && words.length < MAX_FREE_TEXT_WORDS) {
    const w = (m[1] ?? m[2]).trim();
    if (w) words.push(w);
  }
  return words;
}

/** The SELECT of the uids that match, in the query's order (default: newest start first). Throws QueryError. */
export function compileSearch(input: SearchInput, opts: CompileOptions = {}): CompiledSearch {
  const query = typeof input.query === 'string' ? parseQuery(input.query) : input.query ?? { where: undefined, orderBy: [] };
  const compiler = new Compiler(opts);
  const conditions: Sql[] = [];
  if (query.where) conditions.push(compiler.where(query.where));
  if (input.freeText) conditions.push(freeTextFilter(input.freeText));
  const where = conditions.length ? join(conditions, ' AND ') : sql`1`;
  // Sort keys are selected as columns and sorted by alias, so each is computed once per run.
  const keys = query.orderBy.map((k, i) => compiler.orderKey(k, `k${i}`));
  const columns = keys.map((k) => sql`, ${k.select}`);
  const order = keys.length ? join(keys.map((k) => k.orderBy), ', ') : sql`r.start_time DESC NULLS LAST`;
  const joins = join(keys.map((k) => k.join), '');
  const s = sql`SELECT r.uid${join(columns, '')} FROM ${RUN_FROM}${joins} WHERE ${where} ORDER BY ${order}, r.id DESC`;
  return { sql: s.text, params: s.params };
}

/** Runs `input` against the index; a query error comes back as `error`, with its position. */
export function searchRuns(store: SelectRunner, input: SearchInput, opts: CompileOptions = {}): SearchResult {
  let compiled: CompiledSearch;
  try {
    compiled = compileSearch(input, opts);
  } catch (e) {
    if (e instanceof QueryError) return { error: e };
    throw e;
  }
  return { uids: store.selectRows(compiled.sql, compiled.params).map((row) => row[0] as string) };
}
