/**
 * Recursive-descent parser of the run query language: MLflow's `search_runs` filter syntax, plus
 * `or`, parentheses, `not`, `IS [NOT] NULL` and a trailing `order by`. See docs/query-language.md.
 *
 *     query     := [or] [ORDER BY orderKey {, orderKey}]
 *     or        := and {OR and}
 *     and       := unary {AND unary}
 *     unary     := NOT unary | '(' or ')' | condition
 *     condition := field (op value | [NOT] (LIKE|ILIKE) value | [NOT] IN '(' value {, value} ')' | IS [NOT] NULL)
 */
import type { CompareOp, Condition, Expr, Field, OrderKey, Query, Value } from './ast';
import { resolveField } from './fields';
import { column, describe, QueryError, tokenize, type Token } from './tokens';

/** Deepest nesting of parentheses and `not` accepted. */
export const MAX_DEPTH = 32;
/** Most conditions in one query. */
export const MAX_CONDITIONS = 200;
/** Most values in one `IN (...)` list. */
export const MAX_IN_VALUES = 1000;
/** Most `order by` keys. */
export const MAX_ORDER_KEYS = 8;

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'like', 'ilike', 'is', 'null', 'order', 'by', 'asc', 'desc', 'true', 'false']);

/** Parses a query; throws {@link QueryError} with the range of the offending token. */
export function parseQuery(text: string): Query {
  return new Parser(tokenize(text)).query();
}

class Parser {
  private pos = 0;
  private depth = 0;
  private conditions = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  query(): Query {
    let where: Expr | undefined;
    if (!this.atOrderBy() && this.peek().type !== 'eof') where = this.or();
    const orderBy = this.atOrderBy() ? this.orderBy() : [];
    const t = this.peek();
    if (t.type !== 'eof') {
      const hint = t.type === 'rparen' ? "')' without a matching '('" : describe(t);
      throw new QueryError(`unexpected ${hint} at column ${column(t.start)}: expected 'and', 'or' or 'order by'`, t.start, t.end);
    }
    return { where, orderBy };
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.peek();
    if (t.type !== 'eof') this.pos++;
    return t;
  }

  private isKeyword(t: Token, word: string): boolean {
    return t.type === 'ident' && t.text.toLowerCase() === word;
  }

  private atOrderBy(): boolean {
    return this.isKeyword(this.peek(), 'order') && this.isKeyword(this.peek(1), 'by');
  }

  private or(): Expr {
    const first = this.and();
    const operands = [first];
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      operands.push(this.and());
    }
    return operands.length === 1 ? first : { type: 'or', operands, start: first.start, end: operands[operands.length - 1].end };
  }

  private and(): Expr {
    const first = this.unary();
    const operands = [first];
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      operands.push(this.unary());
    }
    return operands.length === 1 ? first : { type: 'and', operands, start: first.start, end: operands[operands.length - 1].end };
  }

  private enter(t: Token): void {
    if (++this.depth > MAX_DEPTH) {
      throw new QueryError(`the query nests parentheses or 'not' deeper than ${MAX_DEPTH} levels (column ${column(t.start)})`, t.start, t.end);
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (this.isKeyword(t, 'not')) {
      this.next();
      this.enter(t);
      const operand = this.unary();
      this.depth--;
      return { type: 'not', operand, start: t.start, end: operand.end };
    }
    if (t.type === 'lparen') {
      this.next();
      this.enter(t);
      if (this.peek().type === 'rparen') throw new QueryError(`empty parentheses at column ${column(t.start)}`, t.start, this.peek().end);
      const inner = this.or();
      const close = this.peek();
      if (close.type !== 'rparen') {
        throw new QueryError(`expected ')' to close the '(' at column ${column(t.start)}, found ${describe(close)}`, close.start, close.end);
      }
      this.next();
      this.depth--;
      return inner;
    }
    return this.condition();
  }

  private field(): Field {
    const t = this.next();
    if (t.type !== 'ident' || KEYWORDS.has(t.text.toLowerCase())) {
      const found = t.type === 'eof' ? 'the query ends' : `found ${describe(t)}`;
      const hint = t.type === 'string' ? ' (quoted text is a value; keys are written metrics.<key>, params.<key>, tags.<key> or attributes.<name>)' : '';
      throw new QueryError(`expected a field such as metrics.<key> at column ${column(t.start)}, ${found}${hint}`, t.start, t.end);
    }
    const dot = t.text.indexOf('.');
    if (dot < 0) return resolveField(undefined, t.text, t.start, t.end, t.start);
    const prefix = t.text.slice(0, dot);
    let key = t.text.slice(dot + 1);
    let end = t.end;
    const quoted = this.peek();
    if (key === '' && (quoted.type === 'backtick' || quoted.type === 'string') && quoted.start === t.end) {
      this.next();
      key = quoted.text;
      end = quoted.end;
    }
    return resolveField(prefix, key, t.start, end, t.start + dot + 1);
  }

  private condition(): Condition {
    const field = this.field();
    if (++this.conditions > MAX_CONDITIONS) {
      throw new QueryError(`the query has more than ${MAX_CONDITIONS} conditions`, field.start, field.end);
    }
    const t = this.peek();
    if (t.type === 'op') {
      this.next();
      const value = this.value(t);
      return { type: 'compare', field, op: t.text as CompareOp, opSpan: { start: t.start, end: t.end }, value, start: field.start, end: value.end };
    }
    let negated = false;
    if (this.isKeyword(t, 'not')) {
      this.next();
      negated = true;
    }
    const kw = this.peek();
    if (this.isKeyword(kw, 'like') || this.isKeyword(kw, 'ilike')) {
      this.next();
      const pattern = this.value(kw);
      return { type: 'like', field, negated, caseInsensitive: kw.text.toLowerCase() === 'ilike', pattern, start: field.start, end: pattern.end };
    }
    if (this.isKeyword(kw, 'in')) {
      this.next();
      return this.inList(field, negated, kw);
    }
    if (!negated && this.isKeyword(kw, 'is')) {
      this.next();
      const not = this.isKeyword(this.peek(), 'not');
      if (not) this.next();
      const n = this.next();
      if (!this.isKeyword(n, 'null')) {
        throw new QueryError(`expected NULL after 'is${not ? ' not' : ''}' at column ${column(kw.start)}, found ${describe(n)}`, n.start, n.end);
      }
      return { type: 'null', field, negated: not, start: field.start, end: n.end };
    }
    const after = negated ? `'not'` : `'${this.source(field)}'`;
    const expected = negated ? 'IN, LIKE or ILIKE' : 'an operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, IS NULL)';
    throw new QueryError(`expected ${expected} after ${after} at column ${column(negated ? t.start : field.start)}, found ${describe(kw)}`, kw.start, kw.end);
  }

  private source(field: Field): string {
    return field.kind === 'attribute' ? `attributes.${field.key}` : `${field.kind}s.${field.key}`;
  }

  private inList(field: Field, negated: boolean, kw: Token): Condition {
    const open = this.next();
    if (open.type !== 'lparen') {
      throw new QueryError(`expected '(' after 'in' at column ${column(kw.start)}, found ${describe(open)}`, open.start, open.end);
    }
    const values: Value[] = [];
    for (;;) {
      values.push(this.value(values.length ? this.tokens[this.pos - 1] : open));
      if (values.length > MAX_IN_VALUES) {
        const last = values[values.length - 1];
        throw new QueryError(`an IN list holds at most ${MAX_IN_VALUES} values`, last.start, last.end);
      }
      const sep = this.next();
      if (sep.type === 'rparen') return { type: 'in', field, negated, values, start: field.start, end: sep.end };
      if (sep.type !== 'comma') {
        throw new QueryError(`expected ',' or ')' in the list opened at column ${column(open.start)}, found ${describe(sep)}`, sep.start, sep.end);
      }
    }
  }

  /** A literal after `after` (an operator, a keyword, '(' or ','). */
  private value(after: Token): Value {
    const t = this.next();
    const { start, end } = t;
    if (t.type === 'number') return { kind: 'number', value: Number(t.text), raw: t.text, start, end };
    if (t.type === 'string') return { kind: 'string', value: t.text, start, end };
    if (this.isKeyword(t, 'true') || this.isKeyword(t, 'false')) return { kind: 'boolean', value: t.text.toLowerCase() === 'true', start, end };
    const where = `after '${after.text}' at column ${column(after.start)}`;
    if (t.type === 'eof') throw new QueryError(`expected a value ${where}`, after.start, after.end);
    if (t.type === 'backtick') throw new QueryError(`expected a value ${where}: backticks quote keys; quote values with ' or "`, start, end);
    if (this.isKeyword(t, 'null')) throw new QueryError(`compare with NULL using IS NULL or IS NOT NULL (column ${column(start)})`, start, end);
    if (t.type === 'ident' && !KEYWORDS.has(t.text.toLowerCase())) {
      throw new QueryError(`expected a value ${where}, found ${describe(t)}: quote text values ('${t.text}')`, start, end);
    }
    throw new QueryError(`expected a value ${where}, found ${describe(t)}`, start, end);
  }

  private orderBy(): OrderKey[] {
    this.next();
    this.next();
    const keys: OrderKey[] = [];
    for (;;) {
      const field = this.field();
      let descending = false;
      let end = field.end;
      const dir = this.peek();
      if (this.isKeyword(dir, 'asc') || this.isKeyword(dir, 'desc')) {
        this.next();
        descending = dir.text.toLowerCase() === 'desc';
        end = dir.end;
      }
      keys.push({ field, descending, start: field.start, end });
      if (keys.length > MAX_ORDER_KEYS) throw new QueryError(`order by takes at most ${MAX_ORDER_KEYS} keys`, field.start, end);
      if (this.peek().type !== 'comma') return keys;
      this.next();
    }
  }
}
