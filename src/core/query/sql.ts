/**
 * SQL fragments with their bound values. A fragment can only be built from constant SQL text written in
 * this folder and from other fragments; a value from a query always goes in as a bound `?`, so nothing a
 * user types ever becomes SQL text.
 */
import type { SqlValue } from 'sql.js';

export class Sql {
  constructor(readonly text: string, readonly params: readonly SqlValue[]) {}
}

/** A bound value. */
export function val(value: SqlValue): Sql {
  return new Sql('?', [value]);
}

/** SQL text from constant parts and fragments, params kept in textual order. */
export function sql(strings: TemplateStringsArray, ...parts: Sql[]): Sql {
  let text = strings[0];
  const params: SqlValue[] = [];
  parts.forEach((p, i) => {
    text += p.text + strings[i + 1];
    params.push(...p.params);
  });
  return new Sql(text, params);
}

export function join(parts: readonly Sql[], separator: ' AND ' | ' OR ' | ', ' | ''): Sql {
  return new Sql(parts.map((p) => p.text).join(separator), parts.flatMap((p) => p.params));
}

/** `(a, b, c)` of bound values. */
export function list(values: readonly SqlValue[]): Sql {
  return sql`(${join(values.map(val), ', ')})`;
}

export const TRUE = sql`1`;
export const FALSE = sql`0`;

/** The runs with their experiment and user edits: aliases `r`, `e` and `ed` in every fragment. */
export const RUN_FROM = sql`runs r JOIN experiments e ON e.id = r.experiment_id LEFT JOIN run_edits ed ON ed.uid = r.uid`;

/** A run's tags as the user sees them (the edited list when there is one), one row per tag, column `tag`. */
export const RUN_TAGS = sql`SELECT t.tag AS tag FROM tags t WHERE t.run_id = r.id AND ed.tags IS NULL
  UNION ALL SELECT j.value FROM json_each(ed.tags) j WHERE j.type = 'text'`;

/**
 * A param's stored JSON `v` (always written by JSON.stringify) as text: a string's contents, anything else
 * as its JSON (`0.01`, `true`, `[1,2]`). The first character tells the type, so JSON is parsed only for strings.
 */
export function paramText(v: Sql): Sql {
  return sql`(CASE WHEN ${v} GLOB '"*' AND json_valid(${v}) THEN json_extract(${v}, '$') ELSE ${v} END)`;
}

/** A param's stored JSON `v` as a number: a JSON number, or a string holding one (`"0.01"`); else NULL. */
export function paramNumber(v: Sql): Sql {
  const inner = sql`json_extract(${v}, '$')`;
  return sql`(CASE WHEN ${v} GLOB '[0-9-]*' THEN CAST(${v} AS NUMERIC)
    WHEN ${v} GLOB '"[0-9.-]*' AND json_valid(${v}) THEN (CASE WHEN json_valid(${inner}) THEN CAST(${inner} AS NUMERIC) END) END)`;
}

/** A LIKE pattern (`%`, `_`, `\` escapes) as a case-sensitive GLOB pattern. */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) out += globLiteral(pattern[++i]);
    else if (c === '%') out += '*';
    else if (c === '_') out += '?';
    else out += globLiteral(c);
  }
  return out;
}

function globLiteral(c: string): string {
  return c === '*' || c === '?' || c === '[' ? `[${c}]` : c;
}

/** A LIKE pattern with `\` escapes made safe for `LIKE ? ESCAPE '\'` (a lone trailing `\` is literal). */
export function likeEscaped(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') out += i + 1 < pattern.length ? `\\${pattern[++i]}` : '\\\\';
    else out += c;
  }
  return out;
}
