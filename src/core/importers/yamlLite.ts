/**
 * A small YAML reader for the files other trackers write: MLflow `meta.yaml`, DVCLive `params.yaml`,
 * W&B / SwanLab `config.yaml`, Lightning `hparams.yaml`. Not a full YAML implementation; it reads:
 *
 * - block maps (`key: value`, nesting by indentation, quoted keys), block lists (`- item`, also at the
 *   indentation of their parent key, and `- key: value` items holding maps);
 * - flow collections (`[a, b]`, `{a: 1}`, also over several lines);
 * - scalars: plain (also continued on more-indented lines), 'single' and "double" quoted (with escapes,
 *   also over several lines), literal `|` and folded `>` blocks (with `-`/`+` chomping);
 * - YAML 1.2 core types: `null`/`~`/empty, `true`/`false`, integers (also `0x`, `0o`), floats
 *   (`1e-08`, `.inf`, `-.inf`, `.nan`). `yes`/`no`/`on`/`off` stay strings (YAML 1.2). An integer
 *   beyond 2^53 is kept as its text so that no digit is lost;
 * - explicit keys (`? key` / `: value`, as PyYAML writes an empty-string key);
 * - comments, `---` (only the first document is read), anchors `&a` / aliases `*a`, and tags `!!x`
 *   (ignored: the value is read as if untagged).
 *
 * Malformed input throws a {@link YamlError} that carries the 1-based line number.
 */

export class YamlError extends Error {
  constructor(message: string, readonly line: number) {
    super(`line ${line}: ${message}`);
    this.name = 'YamlError';
  }
}

interface Line {
  /** Column of the first non-space character. */
  indent: number;
  /** Text from `indent` on, without a trailing comment-only part for comment lines (those are dropped). */
  text: string;
  /** 1-based line number in the input. */
  readonly no: number;
}

/** Parses the first YAML document of `text`. Returns `null` for an empty document. */
export function parseYaml(text: string): unknown {
  return new Parser(text).parseDocument();
}

class Parser {
  private readonly raw: string[];
  /** Index into `raw` of the next line to consume. */
  private pos = 0;
  /** A line partially consumed (list item content), returned again by `peek`. */
  private pending: Line | undefined;
  private readonly anchors = new Map<string, unknown>();
  /** Past the document start: a `---` or `...` line ends the document. */
  private inBody = false;

  constructor(text: string) {
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    this.raw = text.split(/\r?\n/);
  }

  parseDocument(): unknown {
    // Directives and the document start marker.
    for (;;) {
      const l = this.peek();
      if (!l) return null;
      if (l.indent === 0 && l.text.startsWith('%')) {
        this.next();
        continue;
      }
      if (l.indent === 0 && isMarker(l.text, '---')) {
        const rest = l.text.slice(3).trim();
        if (rest === '' || rest.startsWith('#')) {
          this.next();
          break;
        }
        // `--- value` on the marker line
        this.replace({ indent: 0, text: rest, no: l.no });
        break;
      }
      break;
    }
    this.inBody = true;
    const first = this.peek();
    if (!first) return null;
    const value = this.parseNode(first.indent, -1);
    const after = this.peek();
    if (after) throw new YamlError(`unexpected content "${truncate(after.text)}"`, after.no);
    return value;
  }

  // ----- lines -----

  /** The next line that has content (skips blank and comment-only lines). */
  private peek(): Line | undefined {
    if (this.pending) return this.pending;
    while (this.pos < this.raw.length) {
      const s = this.raw[this.pos];
      let i = 0;
      while (i < s.length && s.charCodeAt(i) === 32) i++;
      if (i === s.length || s.charCodeAt(i) === 35 /* # */ || s.trim() === '') {
        this.pos++;
        continue;
      }
      if (this.inBody && i === 0 && (isMarker(s, '---') || isMarker(s, '...'))) {
        this.pos = this.raw.length;
        return undefined;
      }
      if (s.charCodeAt(i) === 9 && s.slice(i).trim() !== '') {
        // A tab in the indentation: YAML forbids it; each tab counts as one column here.
        const j = s.slice(i).search(/[^\t ]/);
        this.pending = { indent: i + j, text: s.slice(i + j).replace(/\s+$/, ''), no: this.pos + 1 };
        this.pos++;
        return this.pending;
      }
      this.pending = { indent: i, text: s.slice(i).replace(/\s+$/, ''), no: this.pos + 1 };
      this.pos++;
      return this.pending;
    }
    return undefined;
  }

  private next(): Line | undefined {
    const l = this.peek();
    this.pending = undefined;
    return l;
  }

  /** Makes `l` the next line (used for the content after `- ` or `--- `). */
  private replace(l: Line): void {
    this.pending = l;
  }

  // ----- nodes -----

  /**
   * Parses the node starting at the next line, which must be indented at least `minIndent`.
   * `parentIndent` is the indentation of the owner; when the owner is a map key (`keyOwner`), a list
   * may sit at that same indentation.
   */
  private parseNode(minIndent: number, parentIndent: number, keyOwner = false): unknown {
    const l = this.peek();
    if (!l) return null;
    if (isListItem(l.text) && (l.indent >= minIndent || (keyOwner && l.indent === parentIndent))) return this.parseList(l.indent);
    if (l.indent < minIndent || l.indent <= parentIndent) return null;
    if (isExplicitKey(l.text) || splitMapEntry(l.text, l.no)) return this.parseMap(l.indent);
    // A scalar or flow collection on its own line(s).
    this.next();
    return this.parseInlineValue(l.text, l, parentIndent);
  }

  private parseList(indent: number): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      const l = this.peek();
      if (!l || l.indent !== indent || !isListItem(l.text)) break;
      this.next();
      out.push(this.parseAfterIndicator(l, indent, false));
    }
    return out;
  }

  /**
   * The node after a one-character indicator (`- `, `? `, `: `) on line `l` at `indent`: on the same
   * line (a scalar, or a map / list starting at its own column), or on the following lines.
   */
  private parseAfterIndicator(l: Line, indent: number, keyOwner: boolean): unknown {
    const rest = l.text.slice(1).replace(/^[ \t]+/, '');
    if (rest === '' || rest.startsWith('#')) return this.parseNode(indent + 1, indent, keyOwner);
    const col = indent + (l.text.length - rest.length);
    const props = this.takeProperties(rest);
    if (props.rest === '' || props.rest.startsWith('#')) return this.anchor(props.anchor, this.parseNode(indent + 1, indent, keyOwner));
    const itemCol = col + (rest.length - props.rest.length);
    if (isListItem(props.rest) || isExplicitKey(props.rest) || splitMapEntry(props.rest, l.no)) {
      // `- - x` or `- key: value`: the rest is a node starting at its own column.
      this.replace({ indent: itemCol, text: props.rest, no: l.no });
      return this.anchor(props.anchor, this.parseNode(itemCol, indent));
    }
    return this.anchor(props.anchor, this.parseInlineValue(props.rest, { indent: itemCol, text: props.rest, no: l.no }, indent));
  }

  private parseMap(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (;;) {
      const l = this.peek();
      if (!l || l.indent !== indent) {
        if (l && l.indent > indent) throw new YamlError(`bad indentation of "${truncate(l.text)}"`, l.no);
        break;
      }
      if (isListItem(l.text)) break; // a list at the indentation of a key belongs to the key above
      if (isExplicitKey(l.text)) {
        // `? key` then `: value` (PyYAML writes an empty-string key this way)
        this.next();
        const key = this.parseAfterIndicator(l, indent, false);
        let value: unknown = null;
        const v = this.peek();
        if (v && v.indent === indent && (v.text === ':' || v.text.startsWith(': ') || v.text.startsWith(':\t'))) {
          this.next();
          value = this.parseAfterIndicator(v, indent, true);
        }
        setKey(out, keyString(key), value);
        continue;
      }
      const entry = splitMapEntry(l.text, l.no);
      if (!entry) throw new YamlError(`expected "key: value", found "${truncate(l.text)}"`, l.no);
      this.next();
      const props = this.takeProperties(entry.rest);
      let value: unknown;
      if (props.rest === '' || props.rest.startsWith('#')) {
        value = this.parseNode(indent + 1, indent, true);
      } else {
        const col = l.indent + (l.text.length - props.rest.length);
        value = this.parseInlineValue(props.rest, { indent: col, text: props.rest, no: l.no }, indent);
      }
      setKey(out, entry.key, this.anchor(props.anchor, value));
    }
    return out;
  }

  /** Reads `&anchor` and `!tag` prefixes of a value; returns the remaining text. */
  private takeProperties(text: string): { anchor: string | undefined; rest: string } {
    let anchor: string | undefined;
    let rest = text;
    for (;;) {
      const m = /^([&!])(\S*)(?:\s+|$)/.exec(rest);
      if (!m) break;
      if (m[1] === '&') anchor = m[2];
      rest = rest.slice(m[0].length);
    }
    return { anchor, rest };
  }

  private anchor(name: string | undefined, value: unknown): unknown {
    if (name !== undefined) this.anchors.set(name, value);
    return value;
  }

  /**
   * A value written after `key:` or `- ` (or alone on a line): block scalar, quoted, flow or plain,
   * possibly continued on the following lines that are indented more than `parentIndent`.
   */
  private parseInlineValue(text: string, at: Line, parentIndent: number): unknown {
    const c = text[0];
    if (c === '*') {
      const name = text.slice(1).replace(/\s+#.*$/, '').trim();
      if (!this.anchors.has(name)) throw new YamlError(`unknown alias "*${name}"`, at.no);
      return this.anchors.get(name);
    }
    if (c === '|' || c === '>') {
      const m = /^[|>]([1-9])?([-+])?([1-9])?\s*(#.*)?$/.exec(text);
      if (m) return this.parseBlockScalar(c === '>', (m[2] ?? '') as '' | '-' | '+', Number(m[1] ?? m[3] ?? 0), parentIndent);
    }
    if (c === '"' || c === "'") return this.parseQuoted(text, at);
    if (c === '[' || c === '{') return this.parseFlowText(text, at);
    // Plain scalar, maybe folded over more-indented lines.
    let value = stripComment(text);
    if (!text.includes(' #')) {
      let blank = 0;
      for (;;) {
        const cont = this.peekContinuation(parentIndent);
        if (cont === undefined) break;
        if (cont.blank) {
          blank++;
          continue;
        }
        if (cont.line.text.startsWith('#')) break;
        value += blank > 0 ? '\n'.repeat(blank) : ' ';
        blank = 0;
        value += stripComment(cont.line.text);
        if (cont.line.text.includes(' #')) break;
      }
    }
    return resolvePlain(value);
  }

  /**
   * The next raw line if it continues a multi-line scalar (indented more than `parentIndent` and not
   * a map entry or list item at that level), consuming it; blank lines are reported as such.
   */
  private peekContinuation(parentIndent: number): { blank: true } | { blank: false; line: Line } | undefined {
    if (this.pending) return undefined; // a re-queued line always starts a new node
    // Look ahead past blank lines without consuming them unless a continuation follows.
    let i = this.pos;
    let blanks = 0;
    while (i < this.raw.length && this.raw[i].trim() === '') {
      i++;
      blanks++;
    }
    if (i >= this.raw.length) return undefined;
    const s = this.raw[i];
    const indent = s.length - s.replace(/^ +/, '').length;
    if (indent <= parentIndent) return undefined;
    const text = s.slice(indent).replace(/\s+$/, '');
    if (text.startsWith('#')) return undefined;
    if (splitMapEntry(text, i + 1) || isListItem(text) || isExplicitKey(text)) return undefined;
    if (blanks > 0) {
      this.pos++;
      return { blank: true };
    }
    this.pos = i + 1;
    return { blank: false, line: { indent, text, no: i + 1 } };
  }

  private parseBlockScalar(folded: boolean, chomp: '' | '-' | '+', explicitIndent: number, parentIndent: number): string {
    this.pending = undefined;
    const lines: string[] = [];
    let blockIndent = explicitIndent > 0 ? Math.max(parentIndent, 0) + explicitIndent : -1;
    while (this.pos < this.raw.length) {
      const s = this.raw[this.pos];
      const indent = s.length - s.replace(/^ +/, '').length;
      if (s.trim() === '') {
        lines.push(s.length > blockIndent && blockIndent >= 0 ? s.slice(blockIndent) : '');
        this.pos++;
        continue;
      }
      if (blockIndent < 0) {
        if (indent <= parentIndent) break;
        blockIndent = indent;
      }
      if (indent < blockIndent) break;
      lines.push(s.slice(blockIndent));
      this.pos++;
    }
    // Trailing blank lines are subject to chomping.
    let end = lines.length;
    while (end > 0 && lines[end - 1].trim() === '') end--;
    const trailing = lines.length - end;
    const body = lines.slice(0, end);
    let text: string;
    if (!folded) {
      text = body.join('\n');
    } else {
      text = '';
      for (let i = 0; i < body.length; i++) {
        const cur = body[i];
        if (i === 0) {
          text = cur;
          continue;
        }
        const prev = body[i - 1];
        const moreIndented = cur.startsWith(' ') || prev.startsWith(' ');
        if (cur === '') text += '\n';
        else if (prev === '' || moreIndented) text += (prev === '' && !moreIndented ? '' : '\n') + cur;
        else text += ' ' + cur;
      }
    }
    if (body.length === 0) return chomp === '+' ? '\n'.repeat(trailing) : '';
    if (chomp === '-') return text;
    if (chomp === '+') return text + '\n' + '\n'.repeat(trailing);
    return text + '\n';
  }

  private parseQuoted(text: string, at: Line): unknown {
    const quote = text[0];
    let buf = text;
    for (;;) {
      const end = findClosingQuote(buf, quote);
      if (end >= 0) {
        const after = buf.slice(end + 1).trim();
        if (after !== '' && !after.startsWith('#')) {
          // A quoted key in a flow or a value like "a" b: not supported → whole text as plain.
          throw new YamlError(`unexpected text after the closing quote: "${truncate(after)}"`, at.no);
        }
        return unquote(buf.slice(0, end + 1), at.no);
      }
      // The string continues on the next raw line.
      this.pending = undefined;
      if (this.pos >= this.raw.length) throw new YamlError('unterminated quoted string', at.no);
      const s = this.raw[this.pos++];
      buf += '\n' + s;
    }
  }

  private parseFlowText(text: string, at: Line): unknown {
    let buf = stripFlowComment(text);
    for (;;) {
      const r = new FlowParser(buf, at.no, this.anchors);
      const res = r.tryParse();
      if (res.ok) return res.value;
      if (!res.incomplete) throw new YamlError(res.message, at.no);
      if (this.pos >= this.raw.length) throw new YamlError('unterminated flow collection', at.no);
      const s = this.raw[this.pos++];
      buf += ' ' + stripFlowComment(s.trim());
    }
  }
}

// ----- flow collections -----

type FlowResult = { ok: true; value: unknown } | { ok: false; incomplete: boolean; message: string };

class FlowParser {
  private i = 0;
  constructor(private readonly s: string, private readonly line: number, private readonly anchors: Map<string, unknown>) {}

  tryParse(): FlowResult {
    try {
      const value = this.value();
      this.ws();
      if (this.i < this.s.length) return { ok: false, incomplete: false, message: `unexpected "${truncate(this.s.slice(this.i))}" after a flow collection` };
      return { ok: true, value };
    } catch (e) {
      if (e instanceof Incomplete) return { ok: false, incomplete: true, message: 'unterminated flow collection' };
      if (e instanceof YamlError) return { ok: false, incomplete: false, message: e.message.replace(/^line \d+: /, '') };
      throw e;
    }
  }

  private ws(): void {
    while (this.i < this.s.length && (this.s[this.i] === ' ' || this.s[this.i] === '\t')) this.i++;
  }

  private value(): unknown {
    this.ws();
    if (this.i >= this.s.length) throw new Incomplete();
    const c = this.s[this.i];
    if (c === '[') return this.seq();
    if (c === '{') return this.map();
    if (c === '"' || c === "'") {
      const end = findClosingQuote(this.s.slice(this.i), c);
      if (end < 0) throw new Incomplete();
      const v = unquote(this.s.slice(this.i, this.i + end + 1), this.line);
      this.i += end + 1;
      return v;
    }
    if (c === '*') {
      const m = /^\*([^\s,\]}]+)/.exec(this.s.slice(this.i));
      const name = m ? m[1] : '';
      this.i += name.length + 1;
      if (!this.anchors.has(name)) throw new YamlError(`unknown alias "*${name}"`, this.line);
      return this.anchors.get(name);
    }
    return resolvePlain(this.plain());
  }

  /** A plain scalar inside a flow: ends at `,`, `]`, `}` or `: `. */
  private plain(): string {
    const start = this.i;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === ',' || c === ']' || c === '}') break;
      if (c === ':' && (this.i + 1 >= this.s.length || /[\s,\]}]/.test(this.s[this.i + 1]))) break;
      this.i++;
    }
    return this.s.slice(start, this.i).trim();
  }

  private seq(): unknown[] {
    this.i++; // [
    const out: unknown[] = [];
    for (;;) {
      this.ws();
      if (this.i >= this.s.length) throw new Incomplete();
      if (this.s[this.i] === ']') {
        this.i++;
        return out;
      }
      const v = this.value();
      this.ws();
      if (this.s[this.i] === ':') {
        // single-pair map inside a sequence: [a: 1]
        this.i++;
        const val = this.value();
        out.push({ [String(v)]: val });
      } else {
        out.push(v);
      }
      this.ws();
      if (this.i >= this.s.length) throw new Incomplete();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== ']') throw new YamlError(`expected "," or "]" in a flow sequence`, this.line);
    }
  }

  private map(): Record<string, unknown> {
    this.i++; // {
    const out: Record<string, unknown> = {};
    for (;;) {
      this.ws();
      if (this.i >= this.s.length) throw new Incomplete();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      const k = this.value();
      this.ws();
      let v: unknown = null;
      if (this.s[this.i] === ':') {
        this.i++;
        this.ws();
        if (this.s[this.i] === ',' || this.s[this.i] === '}') v = null;
        else v = this.value();
      }
      setKey(out, keyString(k), v);
      this.ws();
      if (this.i >= this.s.length) throw new Incomplete();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') throw new YamlError(`expected "," or "}" in a flow map`, this.line);
    }
  }
}

class Incomplete extends Error {}

// ----- helpers -----

function isMarker(text: string, marker: string): boolean {
  return text.startsWith(marker) && (text.length === 3 || text[3] === ' ' || text[3] === '\t');
}

function isExplicitKey(text: string): boolean {
  return text[0] === '?' && (text.length === 1 || text[1] === ' ' || text[1] === '\t');
}

function isListItem(text: string): boolean {
  return text[0] === '-' && (text.length === 1 || text[1] === ' ' || text[1] === '\t');
}

/** Splits `key: rest` (key plain or quoted); undefined when the text is not a map entry. */
function splitMapEntry(text: string, line: number): { key: string; rest: string } | undefined {
  const c = text[0];
  if (c === '"' || c === "'") {
    const end = findClosingQuote(text, c);
    if (end < 0) return undefined;
    let j = end + 1;
    while (j < text.length && text[j] === ' ') j++;
    if (text[j] !== ':' || (j + 1 < text.length && text[j + 1] !== ' ' && text[j + 1] !== '\t')) return undefined;
    return { key: String(unquote(text.slice(0, end + 1), line)), rest: text.slice(j + 1).trim() };
  }
  if (c === '[' || c === '{' || c === '#' || c === '|' || c === '>' || c === '*' || c === '&' || c === '!' || c === '%' || c === '@' || c === '`') return undefined;
  if (c === '?' && (text.length === 1 || text[1] === ' ')) return undefined;
  let j = text.indexOf(':');
  while (j >= 0) {
    if (j + 1 === text.length || text[j + 1] === ' ' || text[j + 1] === '\t') {
      const key = text.slice(0, j).trim();
      if (key.includes(' #')) return undefined;
      return { key, rest: text.slice(j + 1).trim() };
    }
    j = text.indexOf(':', j + 1);
  }
  return undefined;
}

function keyString(k: unknown): string {
  if (k === null) return 'null';
  if (typeof k === 'object') return JSON.stringify(k);
  return String(k);
}

function setKey(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

/** Index of the quote closing the quoted string that starts at 0, or -1. */
function findClosingQuote(s: string, quote: string): number {
  let i = 1;
  while (i < s.length) {
    const c = s[i];
    if (quote === '"' && c === '\\') {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (quote === "'" && s[i + 1] === "'") {
        i += 2;
        continue;
      }
      return i;
    }
    i++;
  }
  return -1;
}

/** The value of a complete quoted scalar (including its quotes), folding line breaks as YAML does. */
function unquote(s: string, line: number): string {
  const quote = s[0];
  let body = s.slice(1, -1);
  if (body.includes('\n')) body = foldQuotedLines(body, quote === '"');
  if (quote === "'") return body.replace(/''/g, "'");
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': case '\t': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '0': out += '\0'; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'e': out += '\x1b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case ' ': out += ' '; break;
      case '/': out += '/'; break;
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case 'N': out += '\x85'; break;
      case '_': out += '\xa0'; break;
      case 'L': out += '\u2028'; break;
      case 'P': out += '\u2029'; break;
      case '\u0001': break; // escaped line break marker from foldQuotedLines
      case 'x': case 'u': case 'U': {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = body.slice(i + 1, i + 1 + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) throw new YamlError(`bad escape "\\${e}${hex}"`, line);
        out += String.fromCodePoint(parseInt(hex, 16));
        i += len;
        break;
      }
      default:
        throw new YamlError(`unknown escape "\\${e ?? ''}"`, line);
    }
  }
  return out;
}

/** Line folding inside a multi-line quoted scalar: a break is a space, blank lines are newlines. */
function foldQuotedLines(body: string, double: boolean): string {
  const parts = body.split('\n');
  let out = parts[0].replace(/[ \t]+$/, '');
  let blanks = 0;
  for (let k = 1; k < parts.length; k++) {
    const p = parts[k].trim();
    const last = k === parts.length - 1;
    if (p === '' && !last) {
      blanks++;
      continue;
    }
    if (double && out.endsWith('\\') && !out.endsWith('\\\\')) {
      // escaped line break: join without a space
      out = out.slice(0, -1) + parts[k].replace(/^[ \t]+/, '').replace(last ? /$/ : /[ \t]+$/, '');
      blanks = 0;
      continue;
    }
    out += blanks > 0 ? '\n'.repeat(blanks) : ' ';
    blanks = 0;
    out += last ? parts[k].replace(/^[ \t]+/, '') : p;
  }
  return out;
}

function stripComment(text: string): string {
  const i = text.indexOf(' #');
  const j = text.indexOf('\t#');
  const k = i < 0 ? j : j < 0 ? i : Math.min(i, j);
  return (k >= 0 ? text.slice(0, k) : text).trim();
}

/** Drops a `# comment` that follows a flow collection line (outside quotes). */
function stripFlowComment(text: string): string {
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t')) {
      return text.slice(0, i).trimEnd();
    }
  }
  return text;
}

const INT_RE = /^[-+]?[0-9]+$/;
const FLOAT_RE = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** YAML 1.2 core schema resolution of a plain scalar. */
export function resolvePlain(s: string): unknown {
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (s === 'true' || s === 'True' || s === 'TRUE') return true;
  if (s === 'false' || s === 'False' || s === 'FALSE') return false;
  const c = s.charCodeAt(0);
  // Fast exit for text that cannot be a number.
  if (!((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46)) return s;
  if (INT_RE.test(s)) {
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : s;
  }
  if (FLOAT_RE.test(s)) return Number(s);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return s[0] === '-' ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(s)) return NaN;
  return s;
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
