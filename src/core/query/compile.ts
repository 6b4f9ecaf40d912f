/**
 * Compiles a query's syntax tree to SQL over the index (src/core/store/schema.ts): a WHERE condition on
 * the aliases of {@link RUN_FROM} and ORDER BY keys. Values are bound; every identifier is a constant here.
 */
import type { SqlValue } from 'sql.js';
import type { AttributeName, CompareOp, Condition, Expr, OrderKey, Value } from './ast';
import { statusValue, STATUS_NAMES, suggest } from './fields';
import { QueryError } from './tokens';
import { epochSeconds, numericText, parseDate, parseDuration, sourceValue, type TimeRange } from './values';
import { join, likeEscaped, likeToGlob, list, paramNumber, paramText, RUN_TAGS, Sql, sql, val } from './sql';
import { DEFAULT_HEARTBEAT_TIMEOUT_SECONDS, silenceTimeout } from '../status';
import { IMPORTERS } from '../importers/registry';

export interface CompileOptions {
  /** Now, in epoch seconds: a running run silent for longer than the heartbeat timeout counts as killed. */
  readonly nowSeconds?: number;
  readonly heartbeatTimeoutSeconds?: number;
}

type AttributeType = 'text' | 'status' | 'source' | 'bool' | 'time' | 'duration';

const ATTRIBUTE_TYPES: Readonly<Record<AttributeName, AttributeType>> = {
  run_id: 'text', name: 'text', experiment: 'text', note: 'text', description: 'text', folder: 'text',
  status: 'status', source: 'source', archived: 'bool', deleted: 'bool',
  start_time: 'time', end_time: 'time', duration: 'duration',
};

const SQL_OPS: Readonly<Record<CompareOp, Sql>> = {
  '=': sql`=`, '!=': sql`!=`, '<': sql`<`, '<=': sql`<=`, '>': sql`>`, '>=': sql`>=`,
};

export class Compiler {
  private readonly now: number;
  private readonly timeout: number;

  constructor(opts: CompileOptions = {}) {
    this.now = opts.nowSeconds ?? Date.now() / 1000;
    this.timeout = opts.heartbeatTimeoutSeconds ?? DEFAULT_HEARTBEAT_TIMEOUT_SECONDS;
  }

  where(e: Expr): Sql {
    switch (e.type) {
      case 'and': return sql`(${join(e.operands.map((o) => this.where(o)), ' AND ')})`;
      case 'or': return sql`(${join(e.operands.map((o) => this.where(o)), ' OR ')})`;
      case 'not': return sql`(NOT COALESCE(${this.where(e.operand)}, 0))`;
      default: return sql`(${this.condition(e)})`;
    }
  }

  /**
   * The columns an `order by` key sorts on (selected as `alias`, `alias`_t…), their ORDER BY terms (runs
   * without the value last) and the join they read from, if any. A param sorts numbers first (as numbers),
   * then text. A metric or a param key without dots is read by a LEFT JOIN on its primary key (alias
   * `alias`j: at most one row per run), one lookup per run instead of one correlated subquery per column.
   */
  /**
   * One `order by` key: the value selected as `alias`, the ORDER BY terms on that alias, the join it
   * reads from, and `inline`, the same terms on the values themselves (to sort without selecting them).
   */
  orderKey(k: OrderKey, alias: `k${number}`): { select: Sql; orderBy: Sql; join: Sql; inline: Sql } {
    const dir = k.descending ? 'DESC' : 'ASC';
    const f = k.field;
    const name = (suffix: string) => new Sql(`${alias}${suffix}`, []);
    const term = (suffix: string) => new Sql(`${alias}${suffix} ${dir} NULLS LAST`, []);
    const on = (value: Sql) => sql`${value} ${new Sql(`${dir} NULLS LAST`, [])}`;
    const none = sql``;
    if (f.kind === 'param') {
      const orderBy = sql`${term('n')}, ${term('t')}`;
      if (!nestedParamKey(f.key)) {
        const raw = name('j.value');
        const lookup = sql` LEFT JOIN params ${name('j')} ON ${name('j.run_id')} = r.id AND ${name('j.key')} = ${val(f.key)}`;
        return { select: sql`${paramNumber(raw)} AS ${name('n')}, ${paramText(raw)} AS ${name('t')}`, orderBy, join: lookup, inline: sql`${on(paramNumber(raw))}, ${on(paramText(raw))}` };
      }
      const rows = paramRows(f.key, sql`p.run_id = r.id AND `);
      const number = sql`(SELECT ${paramNumber(sql`x.raw`)} FROM (${rows}) x LIMIT 1)`;
      const text = sql`(SELECT ${paramText(sql`x.raw`)} FROM (${rows}) x LIMIT 1)`;
      return { select: sql`${number} AS ${name('n')}, ${text} AS ${name('t')}`, orderBy, join: none, inline: sql`${on(number)}, ${on(text)}` };
    }
    if (f.kind === 'metric') {
      const lookup = sql` LEFT JOIN metric_last ${name('j')} ON ${name('j.run_id')} = r.id AND ${name('j.key')} = ${val(f.key)}`;
      return { select: sql`${name('j.value')} AS ${name('')}`, orderBy: term(''), join: lookup, inline: on(name('j.value')) };
    }
    const value = f.kind === 'tag' ? sql`(SELECT MIN(y.v) FROM (${tagValues(f.key)}) y)` : this.attribute(f.key);
    return { select: sql`${value} AS ${name('')}`, orderBy: term(''), join: none, inline: on(value) };
  }

  private condition(c: Condition): Sql {
    switch (c.field.kind) {
      case 'metric': return this.metricCondition(c, c.field.key);
      case 'param': return this.paramCondition(c, c.field.key);
      case 'tag': return this.tagCondition(c, c.field.key);
      case 'attribute': return this.attributeCondition(c, c.field.key);
    }
  }

  // ---- metrics: the last value by step (table metric_last, kept by the store) ----

  private metricValue(key: string): Sql {
    return sql`(SELECT m.value FROM metric_last m WHERE m.run_id = r.id AND m.key = ${val(key)})`;
  }

  /**
   * The runs whose metric `key` passes `pred` (on `m.value`): one range of the index on (key, value)
   * instead of a lookup per run. A run without the metric, or whose value is NaN (NULL), is not among them.
   */
  private metricCondition(c: Condition, key: string): Sql {
    const runs = (pred: Sql) => sql`r.id IN (SELECT m.run_id FROM metric_last m WHERE m.key = ${val(key)}${pred})`;
    if (c.type === 'null') return sql`r.id ${c.negated ? sql`IN` : sql`NOT IN`} (SELECT m.run_id FROM metric_last m WHERE m.key = ${val(key)})`;
    if (c.type === 'like') throw new QueryError('metrics compare with numbers: LIKE works on params, tags and text attributes', c.start, c.end);
    if (c.type === 'in') return runs(sql` AND m.value ${c.negated ? sql`NOT IN` : sql`IN`} ${list(c.values.map(metricNumber))}`);
    return runs(sql` AND m.value ${SQL_OPS[c.op]} ${val(metricNumber(c.value))}`);
  }

  // ---- params: numbers when both sides are numbers, text otherwise ----

  /** The runs with a value of param `key` that passes the condition: read from the index on (key, value). */
  private paramCondition(c: Condition, key: string): Sql {
    const rows = paramRows(key);
    if (c.type === 'null') return sql`r.id ${c.negated ? sql`IN` : sql`NOT IN`} (SELECT x.run_id FROM (${rows}) x)`;
    const text = paramText(sql`x.raw`);
    const num = paramNumber(sql`x.raw`);
    let pred: Sql;
    if (c.type === 'like') pred = likePredicate(text, c.pattern, c.caseInsensitive, c.negated);
    else if (c.type === 'in') {
      const nums = c.values.map(numericValue).filter((n): n is number => n !== undefined);
      const texts = c.values.map(textValue);
      const any = sql`((${num} IS NOT NULL AND ${num} IN ${list(nums)}) OR (${num} IS NULL AND ${text} IN ${list(texts)}))`;
      pred = c.negated ? sql`NOT ${any}` : any;
    } else if (c.value.kind === 'boolean') {
      pred = sql`lower(${text}) ${equalityOp(c, 'a true/false value')} ${val(String(c.value.value))}`;
    } else {
      const n = numericValue(c.value);
      const op = SQL_OPS[c.op];
      pred = n === undefined ? sql`${text} ${op} ${val(c.value.value)}`
        : sql`(CASE WHEN ${num} IS NOT NULL THEN ${num} ${op} ${val(n)} ELSE ${text} ${op} ${val(textValue(c.value))} END)`;
    }
    return sql`r.id IN (SELECT x.run_id FROM (${rows}) x WHERE ${pred})`;
  }

  // ---- tags: `key:value` strings (as MLflow tags are imported), `key` alone has the value '' ----

  /**
   * A run's tags are its edited list when it has one (run_edits), else its stored tags, read through
   * the index on tags(tag) over the range of `key` and `key:…` only; MLflow's system tags come from params.
   */
  private tagCondition(c: Condition, key: string): Sql {
    const test = (v: Sql) => (c.type === 'null' ? sql`${v} IS NOT NULL` : sql`${v} IS NOT NULL AND ${this.textPredicate(c, v, 'tags')}`);
    const stored = sql`SELECT t.run_id FROM tags t WHERE (t.tag = ${val(key)} OR (t.tag >= ${val(`${key}:`)} AND t.tag < ${val(`${key};`)}))
      AND ${test(tagValue(key, sql`t.tag`))}`;
    const edited = sql`EXISTS (SELECT 1 FROM json_each(ed.tags) j WHERE j.type = 'text' AND ${test(tagValue(key, sql`j.value`))})`;
    const system = key.startsWith('mlflow.')
      ? sql` OR r.id IN (SELECT p.run_id FROM params p WHERE p.key = ${val(`tag.${key}`)} AND ${test(paramText(sql`p.value`))})`
      : sql``;
    const has = sql`((ed.tags IS NULL AND r.id IN (${stored})) OR (ed.tags IS NOT NULL AND ${edited})${system})`;
    return c.type === 'null' && !c.negated ? sql`NOT ${has}` : has;
  }

  /** A condition on a text column, `IS NULL` excepted. */
  private textPredicate(c: Exclude<Condition, { type: 'null' }>, column: Sql, what: string, map: (v: Value) => string = textValue): Sql {
    if (c.type === 'like') return likePredicate(column, c.pattern, c.caseInsensitive, c.negated);
    if (c.type === 'in') return sql`${column} ${c.negated ? sql`NOT IN` : sql`IN`} ${list(c.values.map((v) => notBoolean(v, what) && map(v)))}`;
    notBoolean(c.value, what);
    return sql`${column} ${SQL_OPS[c.op]} ${val(map(c.value))}`;
  }

  // ---- attributes ----

  private attribute(name: AttributeName): Sql {
    switch (name) {
      case 'run_id': return sql`r.uid`;
      case 'name': return sql`COALESCE(ed.name, r.name)`;
      case 'experiment': return sql`COALESCE(ed.experiment, e.name)`;
      case 'note': return sql`COALESCE(ed.note, r.note)`;
      case 'description': return sql`r.description`;
      case 'folder': return sql`r.folder`;
      case 'source': return sql`r.source`;
      case 'archived': return sql`COALESCE(ed.archived, 0)`;
      case 'deleted': return sql`r.deleted`;
      case 'start_time': return sql`r.start_time`;
      case 'end_time': return sql`r.end_time`;
      case 'duration': return sql`(COALESCE(r.end_time, r.last_activity) - r.start_time)`;
      case 'status': return this.status();
    }
  }

  /** The status a user sees (src/core/status.ts `effectiveStatus`): a silent running run is killed. */
  private status(): Sql {
    // Each tracker's silence rule from the importer registry, as status.ts applies it to one run.
    const timeouts = IMPORTERS.map((i) => sql` WHEN ${val(i.source)} THEN ${val(silenceTimeout(i.source, this.timeout))}`);
    const after = IMPORTERS.map((i) => sql` WHEN ${val(i.source)} THEN ${val(i.silence.then)}`);
    return sql`(CASE WHEN r.status = 'running' AND r.last_activity IS NOT NULL
      AND ${val(this.now)} - r.last_activity > (CASE r.source WHEN 'labbook' THEN ${val(this.timeout)} ${join(timeouts, '')} ELSE ${val(silenceTimeout('', this.timeout))} END)
      THEN (CASE r.source ${join(after, '')} ELSE 'killed' END)
      WHEN r.status = 'running' AND ed.end_status IS NOT NULL THEN ed.end_status ELSE r.status END)`;
  }

  private attributeCondition(c: Condition, name: AttributeName): Sql {
    const column = this.attribute(name);
    if (c.type === 'null') return sql`${column} IS ${c.negated ? sql`NOT NULL` : sql`NULL`}`;
    const type = ATTRIBUTE_TYPES[name];
    const label = `attributes.${name}`;
    switch (type) {
      case 'text': return this.textPredicate(c, column, label);
      case 'source': return this.textPredicate(c.type === 'like' ? { ...c, caseInsensitive: true } : c, column, label, (v) => sourceValue(textValue(v)));
      case 'status':
        if (c.type === 'compare') equalityOp(c, 'a status');
        return this.textPredicate(c.type === 'like' ? { ...c, caseInsensitive: true } : c, column, label, statusOf);
      case 'bool': {
        if (c.type !== 'compare') throw new QueryError(`${label} is true or false: compare it with = or !=`, c.start, c.end);
        return sql`${column} ${equalityOp(c, 'true or false')} ${val(booleanOf(c.value, label) ? 1 : 0)}`;
      }
      case 'time': return timePredicate(c, column, label);
      case 'duration': {
        if (c.type === 'like') throw new QueryError(`${label} is a number of seconds: compare it with <, >, = …`, c.start, c.end);
        if (c.type === 'in') return sql`${column} ${c.negated ? sql`NOT IN` : sql`IN`} ${list(c.values.map(durationOf))}`;
        return sql`${column} ${SQL_OPS[c.op]} ${val(durationOf(c.value))}`;
      }
    }
  }
}

/** Most dots in a param key looked up inside nested params. */
const MAX_NESTED_PARTS = 8;

/**
 * Param `key` as JSON, column `raw`, with its run (`run_id`): the param stored under that key, or, for a
 * dotted key such as `model.hidden`, the nested value inside a param stored as an object (`model` =
 * {"hidden": 64}). Of every run, or of one run when `of` is `p.run_id = r.id AND `.
 */
/** Whether a param key may also name a value inside an object param (`model.hidden` in `model`). */
function nestedParamKey(key: string): boolean {
  const parts = key.split('.');
  return !(parts.length < 2 || parts.length > MAX_NESTED_PARTS || parts.some((x) => x === '' || x.includes('"')));
}

function paramRows(key: string, of: Sql = sql``): Sql {
  const exact = sql`SELECT p.run_id AS run_id, p.value AS raw FROM params p WHERE ${of}p.key = ${val(key)}`;
  const parts = key.split('.');
  if (!nestedParamKey(key)) return exact;
  const nested: Sql[] = [];
  for (let i = 1; i < parts.length; i++) {
    const path = `$.${parts.slice(i).map((x) => `"${x}"`).join('.')}`;
    nested.push(sql` UNION ALL SELECT p.run_id, (CASE WHEN json_valid(p.value) THEN p.value -> ${val(path)} END) FROM params p
      WHERE ${of}p.key = ${val(parts.slice(0, i).join('.'))}`);
  }
  return sql`SELECT run_id, raw FROM (${exact}${join(nested, '')}) WHERE raw IS NOT NULL`;
}

/** The value of tag `key` in a tag string (`key` → '', `key:v` → 'v'; NULL for another key's tag). */
function tagValue(key: string, tag: Sql): Sql {
  const prefix = `${key}:`;
  return sql`(CASE WHEN ${tag} = ${val(key)} THEN '' WHEN substr(${tag}, 1, length(${val(prefix)})) = ${val(prefix)}
    THEN substr(${tag}, length(${val(prefix)}) + 1) END)`;
}

/** Tag values of the run for `key`, column `v` (NULL for the run's other tags), to sort by. */
function tagValues(key: string): Sql {
  // MLflow's system tags (`mlflow.*`) are imported as params `tag.<key>`, not as tags.
  const system = key.startsWith('mlflow.')
    ? sql` UNION ALL SELECT ${val(`${key}:`)} || ${paramText(sql`p.value`)} FROM params p WHERE p.run_id = r.id AND p.key = ${val(`tag.${key}`)}`
    : sql``;
  return sql`SELECT ${tagValue(key, sql`x.tag`)} AS v FROM (${RUN_TAGS}${system}) x`;
}

function likePredicate(column: Sql, pattern: Value, caseInsensitive: boolean, negated: boolean): Sql {
  if (pattern.kind !== 'string') throw new QueryError(`LIKE takes a quoted pattern such as '%loss%'`, pattern.start, pattern.end);
  const not = negated ? sql`NOT ` : sql``;
  return caseInsensitive
    ? sql`${column} ${not}LIKE ${val(likeEscaped(pattern.value))} ESCAPE '\\'`
    : sql`${column} ${not}GLOB ${val(likeToGlob(pattern.value))}`;
}

function equalityOp(c: Extract<Condition, { type: 'compare' }>, what: string): Sql {
  if (c.op !== '=' && c.op !== '!=') {
    throw new QueryError(`'${c.op}' does not apply to ${what}: use =, != or IN`, c.opSpan.start, c.opSpan.end);
  }
  return SQL_OPS[c.op];
}

function metricNumber(v: Value): number {
  if (v.kind === 'number') return v.value;
  throw new QueryError(`metrics compare with numbers, not ${v.kind === 'string' ? 'strings' : 'true/false'}: write ${v.kind === 'string' && numericText(v.value) !== undefined ? v.value : 'a number such as 0.9'}`, v.start, v.end);
}

function numericValue(v: Value): number | undefined {
  if (v.kind === 'number') return v.value;
  if (v.kind === 'string') return numericText(v.value);
  return undefined;
}

/** A value compared as text: strings as written, numbers as written in the query. */
function textValue(v: Value): string {
  return v.kind === 'number' ? v.raw : String(v.value);
}

function notBoolean(v: Value, what: string): true {
  if (v.kind === 'boolean') throw new QueryError(`${what} hold text: quote the value ('${v.value}')`, v.start, v.end);
  return true;
}

function statusOf(v: Value): string {
  const s = statusValue(textValue(v));
  if (s) return s;
  const guess = suggest(textValue(v).toLowerCase(), Object.keys(STATUS_NAMES));
  const hint = guess ? ` — did you mean '${guess}'?` : ': use running, finished, failed or killed (MLflow\'s RUNNING, FINISHED, FAILED, KILLED work too)';
  throw new QueryError(`unknown status '${textValue(v)}'${hint}`, v.start, v.end);
}

function booleanOf(v: Value, label: string): boolean {
  if (v.kind === 'boolean') return v.value;
  const t = textValue(v).trim().toLowerCase();
  if (t === 'true' || t === '1' || t === 'yes') return true;
  if (t === 'false' || t === '0' || t === 'no') return false;
  throw new QueryError(`${label} is true or false, not '${textValue(v)}'`, v.start, v.end);
}

function durationOf(v: Value): number {
  if (v.kind === 'number') return v.value;
  const d = v.kind === 'string' ? parseDuration(v.value) ?? numericText(v.value) : undefined;
  if (d !== undefined) return d;
  throw new QueryError(`'${textValue(v)}' is not a duration: write seconds (90) or "90s", "5m", "1h30m", "2d"`, v.start, v.end);
}

function timeOf(v: Value, label: string): TimeRange {
  if (v.kind === 'number') return { from: epochSeconds(v.value), to: undefined };
  if (v.kind === 'string') {
    const n = numericText(v.value);
    if (n !== undefined) return { from: epochSeconds(n), to: undefined };
    const range = parseDate(v.value);
    if (range) return range;
  }
  throw new QueryError(`${label} takes a date such as "2026-11-01" or "2026-11-01T12:00", or epoch seconds or milliseconds; '${textValue(v)}' is none of these`, v.start, v.end);
}

/** A date names a range: `= "2026-11-01"` is any time that day, `> "2026-11-01"` from the next day on. */
function timePredicate(c: Exclude<Condition, { type: 'null' }>, column: Sql, label: string): Sql {
  if (c.type !== 'compare') throw new QueryError(`${label} is a time: compare it with <, <=, >, >=, = or !=`, c.start, c.end);
  const { from, to } = timeOf(c.value, label);
  if (to === undefined) return sql`${column} ${SQL_OPS[c.op]} ${val(from)}`;
  const lo: SqlValue = from;
  const hi: SqlValue = to;
  switch (c.op) {
    case '=': return sql`(${column} >= ${val(lo)} AND ${column} < ${val(hi)})`;
    case '!=': return sql`(${column} < ${val(lo)} OR ${column} >= ${val(hi)})`;
    case '>': return sql`${column} >= ${val(hi)}`;
    case '>=': return sql`${column} >= ${val(lo)}`;
    case '<': return sql`${column} < ${val(lo)}`;
    case '<=': return sql`${column} < ${val(hi)}`;
  }
}
