/**
 * Tokenizer of the run query language (docs/query-language.md). Offsets are UTF-16 indexes into the
 * query text, `end` exclusive; columns in messages are 1-based.
 */

/** A problem in a query, with the range of the offending text so an editor can underline it. */
export class QueryError extends Error {
  constructor(message: string, readonly start: number, readonly end: number) {
    super(message);
    this.name = 'QueryError';
  }
  /** 1-based column of `start`. */
  get column(): number {
    return this.start + 1;
  }
}

export type TokenType = 'ident' | 'string' | 'backtick' | 'number' | 'op' | 'lparen' | 'rparen' | 'comma' | 'eof';

export interface Token {
  readonly type: TokenType;
  /** Identifier or operator text; string contents without quotes; the number's source text. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Longest query accepted, in characters. */
export const MAX_QUERY_LENGTH = 10_000;

const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{N}_.-]/u;
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const OPERATORS = ['!=', '<>', '<=', '>=', '==', '=', '<', '>'];

export function column(offset: number): number {
  return offset + 1;
}

/** Shows a token in a message: `'and'`, or `the end of the query`. */
export function describe(t: Token): string {
  if (t.type === 'eof') return 'the end of the query';
  if (t.type === 'string') return `"${t.text}"`;
  if (t.type === 'backtick') return `\`${t.text}\``;
  return `'${t.text}'`;
}

export function tokenize(text: string): Token[] {
  if (text.length > MAX_QUERY_LENGTH) {
    throw new QueryError(`the query is ${text.length} characters long; at most ${MAX_QUERY_LENGTH} are accepted`, MAX_QUERY_LENGTH, text.length);
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/u.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma', text: c, start, end: ++i });
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      const [value, end] = readQuoted(text, i);
      tokens.push({ type: c === '`' ? 'backtick' : 'string', text: value, start, end });
      i = end;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ type: 'op', text: op === '==' ? '=' : op === '<>' ? '!=' : op, start, end: i + op.length });
      i += op.length;
      continue;
    }
    const num = NUMBER.exec(text.slice(i, i + 400));
    if (num && (c !== '-' || /[\d.]/.test(text[i + 1] ?? ''))) {
      const end = i + num[0].length;
      if (end < text.length && IDENT_START.test(text[end])) {
        // `5m`, `1h30m`: a word that starts with a digit (durations are written quoted).
        let e = end;
        while (e < text.length && IDENT_PART.test(text[e])) e++;
        throw new QueryError(`'${text.slice(i, e)}' is not a number; quote text values ("${text.slice(i, e)}")`, i, e);
      }
      tokens.push({ type: 'number', text: num[0], start, end });
      i = end;
      continue;
    }
    if (IDENT_START.test(c)) {
      let e = i + 1;
      while (e < text.length && IDENT_PART.test(text[e])) e++;
      tokens.push({ type: 'ident', text: text.slice(i, e), start, end: e });
      i = e;
      continue;
    }
    const cp = String.fromCodePoint(text.codePointAt(i)!);
    throw new QueryError(`unexpected character '${cp}' at column ${column(i)}`, i, i + cp.length);
  }
  tokens.push({ type: 'eof', text: '', start: text.length, end: text.length });
  return tokens;
}

/**
 * Reads a quoted string or key starting at `start`. The quote is doubled (`'it''s'`) or escaped with a
 * backslash (`'it\'s'`) to appear inside, and `\\` is one backslash; any other backslash stays as written
 * (so LIKE patterns keep `\%` and `\_`).
 */
function readQuoted(text: string, start: number): [string, number] {
  const quote = text[start];
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && quote !== '`' && (text[i + 1] === quote || text[i + 1] === '\\')) {
      out += text[i + 1];
      i += 2;
      continue;
    }
    if (c === quote) {
      if (text[i + 1] === quote) {
        out += quote;
        i += 2;
        continue;
      }
      return [out, i + 1];
    }
    out += c;
    i++;
  }
  const what = quote === '`' ? 'key' : 'string';
  throw new QueryError(`unterminated ${what} starting at column ${column(start)}: close it with ${quote}`, start, text.length);
}
