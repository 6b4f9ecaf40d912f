/**
 * How big a message from a webview may be. A webview shows text from run logs; if anything in it
 * ever ran, its messages are the way into the host, so they are checked for shape and for size
 * before the host does anything with them (log them, write a note to an edits file, open a path).
 * Both sides import this file; it must not import `vscode`, Node built-ins or anything from the DOM.
 */

/** Largest value of each string field, in UTF-8 bytes. */
export const FIELD_LIMITS = {
  /** A run's note (Markdown), written to its edits file. */
  note: 256 * 1024,
  /** A problem the webview reports, written to the Labbook log. */
  errorMessage: 4 * 1024,
  /** A run-relative artifact path. */
  path: 4 * 1024,
  /** A run id. */
  runId: 1024,
} as const;

/** A field of a message: a string of at most `max` UTF-8 bytes, or a safe integer. */
export type FieldRule = { readonly string: number } | 'integer';

/** Every kind (`type`) of message one webview may send, with all of its fields. */
export type MessageRules = Readonly<Record<string, Readonly<Record<string, FieldRule>>>>;

/** Why a message was refused: short, and never quoting what the message held. */
export type Refusal = (reason: string) => void;

const own = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/**
 * UTF-8 size of `s`, counted without encoding it; stops counting once past `max`.
 * A lone surrogate counts 3 bytes (what TextEncoder writes for it).
 */
export function utf8Bytes(s: string, max = Infinity): number {
  let n = 0;
  for (let i = 0; i < s.length && n <= max; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * Whether `value` is one of the messages `rules` allows: an object whose `type` is a known kind,
 * with no field the kind does not have, every field present and of its type, every string within
 * its size. Each string is at least as many UTF-8 bytes as it has UTF-16 units, so an oversized one
 * is refused from its length alone, before anything reads it.
 */
export function checkMessage(rules: MessageRules, value: unknown, refuse?: Refusal): boolean {
  const no = (reason: string) => {
    refuse?.(reason);
    return false;
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return no(`not a message object (${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value})`);
  const v = value as Record<string, unknown>;
  const type = own(v, 'type') ? v.type : undefined;
  if (typeof type !== 'string' || !own(rules, type)) return no(typeof type === 'string' && type.length <= 40 ? `unknown message type "${type.replace(/[^\w-]/g, '?')}"` : 'no known message type');
  const fields = rules[type];
  const keys = Object.keys(v);
  if (keys.length > Object.keys(fields).length + 1) return no(`${type}: ${keys.length - 1} fields, more than the ${Object.keys(fields).length} it has`);
  for (const key of keys) {
    if (key !== 'type' && !own(fields, key)) return no(`${type}: unexpected field`);
  }
  for (const [key, rule] of Object.entries(fields)) {
    if (!own(v, key)) return no(`${type}: ${key} is missing`);
    const field = v[key];
    if (rule === 'integer') {
      if (!Number.isSafeInteger(field)) return no(`${type}: ${key} is not an integer`);
      continue;
    }
    if (typeof field !== 'string') return no(`${type}: ${key} is not text`);
    if (field.length > rule.string) return no(`${type}: ${key} is ${field.length} characters, more than the ${rule.string} bytes allowed`);
    const bytes = utf8Bytes(field, rule.string);
    if (bytes > rule.string) return no(`${type}: ${key} is more than the ${rule.string} bytes allowed`);
  }
  return true;
}
