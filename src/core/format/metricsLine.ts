/**
 * The fast path for the commonest line of a run log: a metrics record as the SDKs write it,
 * `{"t":"metrics","step":<n>,"time":<x>,"values":{"<key>":<number>,…}}` ("time" optional, JSON
 * whitespace allowed between tokens). It is read straight from the line's bytes, without decoding
 * them, without JSON.parse and without building objects, and only when the outcome is certain to be
 * the record `parseLine` gives the decoded line, with no warning. Anything else is left to
 * `parseLine`: other fields or another field order, a key with escapes, control characters or bytes
 * outside ASCII, an empty key or one that starts with a digit (JavaScript objects list such keys
 * first), a repeated key, a value that is not a plain JSON number (a string, `NaN`, `null`), a step
 * that is not written as a whole number, too many or too long keys, no values.
 */
import { MAX_KEY_CHARS, MAX_KEYS_PER_RECORD } from './bounds';

/** A metrics line read by `MetricsLineScanner` (valid until its next `scan`). */
export interface MetricsLine {
  readonly step: number;
  /** The record's time when it is a finite number (as `parseLine` keeps it). */
  readonly time: number | undefined;
  /** The keys in order. The same array as the previous line's when the keys are the same, so callers can cache by it. */
  readonly keys: readonly string[];
  /** `values[i]` belongs to `keys[i]`; entries past `keys.length` mean nothing. */
  readonly values: Float64Array;
}

/** 10^0 … 10^22: every one of them exact as a double (the range where one multiplication rounds correctly). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * The value of the last JSON number read by `numberEnd`: module state, in a Float64Array so that
 * storing it allocates nothing (a `let` holding a fraction is a new heap number each time).
 */
const parsed = new Float64Array(1);

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/**
 * Reads the JSON number at `i` (before `end`): returns the index after it, setting `parsed[0]`,
 * or -1 if no valid JSON number starts there. The value is the one JSON.parse gives: with at most
 * 15 digits and a power of ten up to 22 the mantissa and the power are both exact, so one
 * multiplication or division rounds correctly (Clinger's fast path); other numbers go through
 * `Number`, whose conversion JSON.parse shares.
 */
function numberEnd(b: Buffer, i: number, end: number): number {
  const start = i;
  let c = i < end ? b[i] : -1;
  const negative = c === 0x2d;
  if (negative) c = ++i < end ? b[i] : -1;
  let mantissa = 0;
  let digits = 0;
  if (c === 0x30) {
    c = ++i < end ? b[i] : -1;
    if (isDigit(c)) return -1; // a leading zero
  } else if (c >= 0x31 && c <= 0x39) {
    do {
      mantissa = mantissa * 10 + (c - 0x30);
      digits++;
      c = ++i < end ? b[i] : -1;
    } while (isDigit(c));
  } else {
    return -1;
  }
  let scale = 0;
  if (c === 0x2e) {
    c = ++i < end ? b[i] : -1;
    if (!isDigit(c)) return -1;
    do {
      mantissa = mantissa * 10 + (c - 0x30);
      digits++;
      scale++;
      c = ++i < end ? b[i] : -1;
    } while (isDigit(c));
  }
  let exponent = 0;
  if (c === 0x65 || c === 0x45) {
    c = ++i < end ? b[i] : -1;
    const down = c === 0x2d;
    if (down || c === 0x2b) c = ++i < end ? b[i] : -1;
    if (!isDigit(c)) return -1;
    do {
      if (exponent < 100_000) exponent = exponent * 10 + (c - 0x30);
      c = ++i < end ? b[i] : -1;
    } while (isDigit(c));
    if (down) exponent = -exponent;
  }
  const power = exponent - scale;
  if (digits <= 15 && power >= -22 && power <= 22) {
    const v = power < 0 ? mantissa / POW10[-power] : mantissa * POW10[power];
    parsed[0] = negative ? -v : v;
  } else {
    parsed[0] = Number(b.toString('latin1', start, i));
  }
  return i;
}

/** Index of the first byte at or after `i` that is not JSON whitespace (or `end`). */
function skipSpace(b: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return i;
    i++;
  }
  return end;
}

/** Index after the ASCII token `word` at `i` and the whitespace after it, or -1. */
function expect(b: Buffer, i: number, end: number, word: string): number {
  if (i < 0 || i + word.length > end) return -1;
  for (let j = 0; j < word.length; j++) if (b[i + j] !== word.charCodeAt(j)) return -1;
  return skipSpace(b, i + word.length, end);
}

/** Whether bytes `[at, at + key.length)` spell the ASCII string `key`. */
function sameKey(b: Buffer, at: number, key: string): boolean {
  for (let j = 0; j < key.length; j++) if (b[at + j] !== key.charCodeAt(j)) return false;
  return true;
}

/** Reads metrics lines without JSON.parse; one scanner per stream of lines (it remembers the last keys). */
export class MetricsLineScanner {
  private keys: string[] = [];
  private values = new Float64Array(16);
  private readonly line: { step: number; time: number | undefined; keys: readonly string[]; values: Float64Array } = { step: 0, time: undefined, keys: [], values: this.values };

  /** The line in `b[start, end)` (without its newline) as a metrics record, or undefined when `parseLine` must read it. */
  scan(b: Buffer, start: number, end: number): MetricsLine | undefined {
    let i = skipSpace(b, start, end);
    if (i >= end || b[i] !== 0x7b) return undefined;
    i = expect(b, skipSpace(b, i + 1, end), end, '"t"');
    i = expect(b, i, end, ':');
    i = expect(b, i, end, '"metrics"');
    i = expect(b, i, end, ',');
    i = expect(b, i, end, '"step"');
    i = expect(b, i, end, ':');
    if (i < 0) return undefined;
    // The step: digits only, at most 15 (a safe whole number); anything else gets parseLine's message.
    let step = 0;
    const stepStart = i;
    for (let c = b[i]; i < end && isDigit(c); c = b[++i]) step = step * 10 + (c - 0x30);
    const stepDigits = i - stepStart;
    if (stepDigits === 0 || stepDigits > 15 || (stepDigits > 1 && b[stepStart] === 0x30)) return undefined;
    if (i < end && (b[i] === 0x2e || b[i] === 0x65 || b[i] === 0x45)) return undefined;
    i = expect(b, skipSpace(b, i, end), end, ',');
    if (i < 0) return undefined;
    let time: number | undefined;
    if (b[i] === 0x22 && b[i + 1] === 0x74 && b[i + 2] === 0x69) {
      i = expect(b, expect(b, i, end, '"time"'), end, ':');
      if (i < 0 || (i = numberEnd(b, i, end)) < 0) return undefined;
      time = Number.isFinite(parsed[0]) ? parsed[0] : undefined;
      i = expect(b, skipSpace(b, i, end), end, ',');
    }
    i = expect(b, i, end, '"values"');
    i = expect(b, i, end, ':');
    i = expect(b, i, end, '{');
    if (i < 0 || i >= end || b[i] === 0x7d) return undefined; // no values: rare, parseLine's
    const known = this.keys;
    let fresh: string[] | undefined;
    let n = 0;
    for (;;) {
      if (b[i] !== 0x22) return undefined;
      const keyStart = ++i;
      for (; i < end; i++) {
        const c = b[i];
        if (c === 0x22) break;
        if (c === 0x5c || c < 0x20 || c > 0x7e) return undefined;
      }
      if (i >= end) return undefined;
      const keyLength = i - keyStart;
      if (keyLength === 0 || keyLength > MAX_KEY_CHARS || isDigit(b[keyStart]) || n === MAX_KEYS_PER_RECORD) return undefined;
      if (fresh === undefined) {
        const k = known[n];
        if (k === undefined || k.length !== keyLength || !sameKey(b, keyStart, k)) fresh = known.slice(0, n);
      }
      if (fresh !== undefined) fresh.push(b.toString('latin1', keyStart, i));
      i = expect(b, skipSpace(b, i + 1, end), end, ':');
      if (i < 0 || (i = numberEnd(b, i, end)) < 0) return undefined;
      if (n === this.values.length) {
        const grown = new Float64Array(n * 2);
        grown.set(this.values);
        this.values = grown;
      }
      this.values[n++] = parsed[0];
      i = skipSpace(b, i, end);
      if (i >= end) return undefined;
      if (b[i] === 0x2c) {
        i = skipSpace(b, i + 1, end);
        continue;
      }
      if (b[i] !== 0x7d) return undefined;
      break;
    }
    if (expect(b, skipSpace(b, i + 1, end), end, '}') !== end) return undefined;
    if (fresh === undefined && n !== known.length) fresh = known.slice(0, n);
    if (fresh !== undefined) {
      // JSON.parse keeps the last of repeated keys, at the place of the first: parseLine's business.
      if (new Set(fresh).size !== fresh.length) return undefined;
      this.keys = fresh;
    }
    const out = this.line;
    out.step = step;
    out.time = time;
    out.keys = this.keys;
    out.values = this.values;
    return out;
  }
}
