/**
 * YAML as other trackers write it (MLflow `meta.yaml`, DVCLive `params.yaml`, W&B / SwanLab
 * `config.yaml`, Lightning `hparams.yaml`), read with the `yaml` package and bounded for files that
 * come from strangers' repositories.
 *
 * - YAML 1.2 core schema: `yes`/`no`/`on`/`off` stay strings; `null`, `~` and empty are null; an
 *   integer beyond 2^53 keeps its digits as text. Only the first document is read.
 * - Python tags that PyYAML writes (`!!python/name:torch.nn.functional.mse_loss ''`,
 *   `!!python/object/apply:numpy.dtype …`) become the tag's text (`torch.nn.functional.mse_loss`);
 *   other tags the schema does not know are read as if untagged.
 * - Bounds: at most {@link MAX_YAML_CHARS} characters, nesting of at most about
 *   {@link MAX_YAML_DEPTH} levels (checked before parsing: the parser recurses), at most
 *   {@link MAX_YAML_ALIASES} aliases, and aliases expanding to at most {@link MAX_YAML_VALUES} values
 *   ("billion laughs"); an alias inside the value it names is refused.
 *
 * Malformed or refused input throws a {@link YamlError} carrying the 1-based line number.
 */
import { Composer, isAlias, isMap, isScalar, isSeq, LineCounter, Parser, Scalar, visit, type Document, type Node, type ScalarTag, type Tags } from 'yaml';

export const MAX_YAML_CHARS = 4 * 1024 * 1024;
export const MAX_YAML_DEPTH = 200;
export const MAX_YAML_ALIASES = 5000;
export const MAX_YAML_VALUES = 1_000_000;

export class YamlError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'YamlError';
  }
}

const CORE = 'tag:yaml.org,2002:';
const PYTHON = `${CORE}python/`;
const PYTHON_NAMED = /^(?:name|module|object|object\/apply|object\/new):(.+)$/;

/** Parses the first YAML document of `text`. Returns `null` for an empty document. */
export function parseYaml(text: string): unknown {
  if (text.length > MAX_YAML_CHARS) {
    throw new YamlError(`too large to read as YAML (${(text.length / 1048576).toFixed(1)} MB; at most ${MAX_YAML_CHARS / 1048576} MB)`, 1);
  }
  const deep = tooDeepAt(text, MAX_YAML_DEPTH);
  if (deep !== undefined) throw new YamlError(`nested more than ${MAX_YAML_DEPTH} levels deep`, deep);
  const lines = new LineCounter();
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);
  const composer = new Composer({ customTags: keepLongIntegers, uniqueKeys: false, logLevel: 'silent' });
  let doc: Document.Parsed | undefined;
  for (const d of composer.compose(new Parser(lines.addNewLine).parse(text), true)) {
    doc = d;
    break;
  }
  if (!doc) return null;
  const error = doc.errors[0];
  if (error) throw new YamlError(error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''), errorLine(doc, lineOf));
  checkAliases(doc, lineOf);
  untag(doc);
  try {
    return doc.toJS({ maxAliasCount: -1 });
  } catch (e) {
    throw new YamlError(e instanceof Error ? e.message : String(e), 1);
  }
}

/**
 * The line to name for the document's first error: where an unclosed quote or bracket opened, else the
 * last line that the errors starting with the first one reach (the line with the bad indentation).
 */
function errorLine(doc: Document.Parsed, lineOf: (offset: number | undefined) => number): number {
  const first = doc.errors[0];
  if (/quote|flow|[\]}]/i.test(first.message)) {
    let start: number | undefined;
    visit(doc, {
      Node(_key, node) {
        const range = (node as { range?: [number, number, number] }).range;
        if (range && range[0] <= first.pos[0] && first.pos[0] <= range[2] && (start === undefined || range[0] > start)) start = range[0];
      },
    });
    if (start !== undefined) return lineOf(start);
  }
  const line = lineOf(first.pos[0]);
  let last = lineOf(first.pos[1]);
  for (const e of doc.errors) if (lineOf(e.pos[0]) === line) last = Math.max(last, lineOf(e.pos[1]));
  return last;
}

/** The core schema, except that a decimal integer beyond 2^53 keeps its digits as text. */
function keepLongIntegers(tags: Tags): Tags {
  return tags.map((t) => {
    if (typeof t !== 'object' || t.tag !== `${CORE}int` || t.format !== undefined || t.collection) return t;
    const decimal: ScalarTag = {
      ...(t as ScalarTag),
      resolve: (source: string) => {
        const n = Number(source);
        return Number.isSafeInteger(n) ? n : source;
      },
    };
    return decimal;
  });
}

/**
 * Python tags become their text; tags the schema does not know are dropped (the value as untagged).
 * An alias of an anchor inside a Python object that became its text gets a copy of that anchor's value.
 */
function untag(doc: Document.Parsed): void {
  const known = new Set<string>();
  for (const t of doc.schema.tags) if (typeof t === 'object') known.add(t.tag);
  const anchors = new Map<string, Node>();
  const removed = new Set<Node>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        return target && removed.has(target) ? (target.clone() as Node) : undefined;
      }
      const tag = node.tag;
      if (tag && !known.has(tag)) {
        const named = tag.startsWith(PYTHON) ? PYTHON_NAMED.exec(tag.slice(PYTHON.length)) : null;
        if (named) {
          visit(node, {
            Node(_k, inner) {
              if (!isAlias(inner) && inner.anchor) {
                anchors.set(inner.anchor, inner);
                removed.add(inner);
              }
            },
          });
          const replaced = new Scalar(named[1]);
          replaced.anchor = node.anchor;
          replaced.range = node.range;
          return replaced; // visited next, which records its anchor
        }
        node.tag = undefined;
        if (isScalar(node) && node.type === 'PLAIN' && typeof node.source === 'string') node.value = untagged(doc, node.source);
      }
      if (node.anchor) anchors.set(node.anchor, node);
      return undefined;
    },
  });
}

/** A plain scalar's value as the core schema reads it without a tag. */
function untagged(doc: Document.Parsed, source: string): unknown {
  for (const t of doc.schema.tags) {
    if (typeof t !== 'object' || !t.default || !t.test || !('resolve' in t) || !t.test.test(source)) continue;
    const value = (t.resolve as (s: string, onError: (m: string) => void, o: object) => unknown)(source, () => undefined, {});
    return isScalar(value) ? value.value : value;
  }
  return source;
}

/** Refuses unknown aliases, an alias inside the value it names, too many aliases and expansion past
 *  {@link MAX_YAML_VALUES} values. Recursion depth is bounded by the nesting check done first. */
function checkAliases(doc: Document.Parsed, lineOf: (offset: number | undefined) => number): void {
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let aliases = 0;
  const size = (node: unknown): number => {
    if (!node || typeof node !== 'object') return 0;
    if (isAlias(node)) {
      const line = lineOf(node.range?.[0]);
      if (++aliases > MAX_YAML_ALIASES) throw new YamlError(`more than ${MAX_YAML_ALIASES} aliases`, line);
      const target = anchors.get(node.source);
      if (!target) throw new YamlError(`unknown alias "*${node.source}"`, line);
      if (open.has(target)) throw new YamlError(`alias "*${node.source}" is inside the value it names`, line);
      return sizes.get(target) ?? 1;
    }
    const n = node as Node;
    if (n.anchor) anchors.set(n.anchor, n);
    open.add(n);
    let total = 1;
    if (isMap(n)) for (const pair of n.items) total += size(pair.key) + size(pair.value);
    else if (isSeq(n)) for (const item of n.items) total += size(item);
    open.delete(n);
    if (total > MAX_YAML_VALUES) throw new YamlError(`aliases expand to more than ${MAX_YAML_VALUES.toLocaleString('en-US')} values`, lineOf(n.range?.[0]));
    sizes.set(n, total);
    return total;
  };
  size(doc.contents);
}

/**
 * The 1-based line where the nesting of `text` may exceed `max` levels, else undefined. An estimate
 * that never counts too few: each enclosing indentation counts twice (a map and a list at the same
 * indentation), plus the `- `/`? `/`: ` indicators that open the line, plus open flow brackets.
 */
function tooDeepAt(text: string, max: number): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let line = 0;
  for (let pos = 0; pos <= text.length; ) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    line++;
    let i = pos;
    while (i < end && text.charCodeAt(i) === 32) i++;
    const indent = i - pos;
    if (i < end && text[i] !== '#' && text[i] !== '\r' && flow === 0) {
      while (indents.length && indents[indents.length - 1] >= indent) indents.pop();
      indents.push(indent);
    }
    let lead = 0;
    while (i < end && (text[i] === '-' || text[i] === '?' || text[i] === ':') && (i + 1 === end || text[i + 1] === ' ' || text[i + 1] === '\t')) {
      lead++;
      i += 2;
      while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
    }
    let deepest = flow;
    let quote = '';
    for (let j = i; j < end; j++) {
      const c = text[j];
      if (quote) {
        if (c === '\\' && quote === '"') j++;
        else if (c === quote) {
          if (quote === "'" && text[j + 1] === "'") j++;
          else quote = '';
        }
        continue;
      }
      const before = j === i ? ' ' : text[j - 1];
      if (c === '"' || c === "'") {
        if (' \t[{,:'.includes(before)) quote = c;
      } else if (c === '#' && (before === ' ' || before === '\t')) break;
      else if (c === '[' || c === '{') deepest = Math.max(deepest, ++flow);
      else if ((c === ']' || c === '}') && flow > 0) flow--;
    }
    if (2 * indents.length + lead + 1 + deepest > max) return line;
    pos = end + 1;
  }
  return undefined;
}
