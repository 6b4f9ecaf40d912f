/**
 * Limits on what one run log record can put into the index, and the helpers that enforce them.
 * A run log may come from anywhere (a cloned repository): no value in it may make the index
 * huge, no nesting may overflow the stack, and no key may reach an object's prototype.
 */

/** Longest text kept for a value (a param or env value, a note, a description, a status message). */
export const MAX_TEXT_CHARS = 64 * 1024;
/** Longest text kept for a label (run name, project, tag, caption). */
export const MAX_LABEL_CHARS = 1024;
/** Longest metric, param or env key; longer keys are refused (cutting them could merge two). */
export const MAX_KEY_CHARS = 1024;
/** Most keys read from one record's `values`, and most tags from one record. */
export const MAX_KEYS_PER_RECORD = 10_000;
/** Deepest nesting kept in a param or env value; deeper parts are replaced by a marker. */
export const MAX_DEPTH = 32;

const DEEP_MARKER = `…[nested deeper than ${MAX_DEPTH} levels]`;

/** `12.3 MB`, `640 kB`, `900 B`. */
export function formatBytes(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

/** `text` cut to `max` characters (never inside a surrogate pair) with a marker saying how big it was. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max;
  const c = text.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return `${text.slice(0, cut)}…[truncated, ${formatBytes(Buffer.byteLength(text))}]`;
}

/** A user string quoted for a message: escaped (no control characters, no line breaks) and short. */
export function quote(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text).replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Sets an own property, so that a key such as `__proto__` stays data and never changes a prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

interface Measure { size: number; deep: boolean }

/** Approximate JSON size of `v`, counting no deeper than MAX_DEPTH (deeper parts set `deep`). */
function measure(v: unknown, depth: number, m: Measure): void {
  if (typeof v === 'string') {
    m.size += v.length + 2;
  } else if (v === null || typeof v !== 'object') {
    m.size += String(v).length;
  } else if (depth >= MAX_DEPTH) {
    m.deep = true;
    m.size += DEEP_MARKER.length + 2;
  } else if (Array.isArray(v)) {
    m.size += 2;
    for (const item of v) {
      measure(item, depth + 1, m);
      m.size++;
    }
  } else {
    m.size += 2;
    for (const key of Object.keys(v)) {
      m.size += key.length + 4;
      measure((v as Record<string, unknown>)[key], depth + 1, m);
    }
  }
}

/** A copy of `v` whose parts deeper than MAX_DEPTH are replaced by a marker. */
function cutDepth(v: unknown, depth: number): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (depth >= MAX_DEPTH) return DEEP_MARKER;
  if (Array.isArray(v)) return v.map((item) => cutDepth(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) setOwn(out, key, cutDepth((v as Record<string, unknown>)[key], depth + 1));
  return out;
}

/**
 * A param or env value as it may be stored: unchanged when small and shallow; with its deep parts
 * replaced by a marker; or, when still over MAX_TEXT_CHARS as JSON, the start of its JSON text
 * followed by `…[truncated, <size>]`. `problem` says what was changed.
 */
export function boundValue(v: unknown): { value: unknown; problem?: string } {
  if (typeof v === 'string') {
    return v.length <= MAX_TEXT_CHARS ? { value: v } : { value: truncateText(v, MAX_TEXT_CHARS), problem: `is ${formatBytes(Buffer.byteLength(v))}: stored truncated` };
  }
  if (v === null || typeof v !== 'object') return { value: v };
  const m: Measure = { size: 0, deep: false };
  measure(v, 0, m);
  if (!m.deep && m.size <= MAX_TEXT_CHARS) return { value: v };
  const shallow = m.deep ? cutDepth(v, 0) : v;
  if (m.size <= MAX_TEXT_CHARS) return { value: shallow, problem: `is nested deeper than ${MAX_DEPTH} levels: stored cut at that depth` };
  const text = JSON.stringify(shallow);
  return { value: truncateText(text, MAX_TEXT_CHARS), problem: `is ${formatBytes(text.length)} as JSON: stored truncated` };
}

/**
 * Reads the `values` object of a params or env record into a fresh object: keys bounded in length
 * and number, values bounded by `boundValue`. Problems are added to `problems`.
 */
export function boundValues(values: Record<string, unknown>, problems: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = Object.keys(values);
  if (keys.length > MAX_KEYS_PER_RECORD) problems.push(`${keys.length} keys in one record: only the first ${MAX_KEYS_PER_RECORD} are kept`);
  const tooLong: string[] = [];
  for (let i = 0; i < keys.length && i < MAX_KEYS_PER_RECORD; i++) {
    const key = keys[i];
    if (key.length > MAX_KEY_CHARS) {
      tooLong.push(key);
      continue;
    }
    const { value, problem } = boundValue(values[key]);
    if (problem) problems.push(`value of ${quote(key)} ${problem}`);
    setOwn(out, key, value);
  }
  if (tooLong.length) problems.push(`keys longer than ${MAX_KEY_CHARS} characters skipped: ${nameList(tooLong)}`);
  return out;
}

/** `"a", "b", "c" and 5 more`: keys named in a message, each quoted and cut short. */
export function nameList(keys: readonly string[]): string {
  const shown = keys.slice(0, 3).map((k) => quote(k, 40)).join(', ');
  return keys.length > 3 ? `${shown} and ${keys.length - 3} more` : shown;
}

/** A JSON value named in a message without serializing it (it may be huge or deeply nested). */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return quote(v);
  if (v === null || typeof v !== 'object') return String(v);
  return Array.isArray(v) ? 'a list' : 'an object';
}
