/** MLflow metric files (`metrics/<key>`: lines `timestamp value step`), also read incrementally to tail a live run. */
import { openIfExists } from '../../fsWalk';
import { clip } from '../shared';

/** Most problems reported for one file; the rest are counted in one message. */
export const MAX_MESSAGES_PER_FILE = 20;

/** Where parsing a metric file stopped: a byte offset just past the last complete line, and lines consumed. */
export interface MetricTail {
  readonly offset: number;
  readonly line: number;
}

export const EMPTY_METRIC_TAIL: MetricTail = { offset: 0, line: 0 };

/** A series being filled (the arrays of an {@link ImportedSeries}). */
export interface SeriesBuffer {
  readonly steps: number[];
  readonly values: number[];
  readonly times: (number | null)[];
}

export function emptySeries(): SeriesBuffer {
  return { steps: [], values: [], times: [] };
}

/**
 * Parses the complete lines of an MLflow metric file, from byte `from.offset` on, appending points to `into`.
 *
 * `text` is the file's content decoded as latin1 (or ASCII; one character per byte, so character
 * positions are byte offsets), starting at byte `base` of the file (0 when it is the whole file).
 * A last line without its `\n` is left for later. Lines are `timestamp value step`; a two-field
 * `timestamp value` line (old MLflow) has step 0. Values may be `nan`, `inf`, `-inf`, `NaN`,
 * `Infinity`. Times become Unix seconds. A line that cannot be read is passed to `onBadLine` (with its
 * 1-based number) and skipped. Returns the state to continue from.
 */
export function parseMetricText(
  text: string,
  from: MetricTail,
  into: SeriesBuffer,
  onBadLine?: (line: number, message: string) => void,
  base = 0,
): MetricTail {
  const { steps, values, times } = into;
  let pos = from.offset - base;
  if (pos < 0) throw new RangeError('parseMetricText: the text starts after the offset to parse from');
  let line = from.line;
  const len = text.length;
  while (pos < len) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) break; // partial last line
    line++;
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    if (end === pos) {
      pos = nl + 1;
      continue;
    }
    // Fast path: `digits value digits` with single spaces; anything else goes the careful way.
    let i = pos;
    let ts = 0;
    let c = text.charCodeAt(i);
    while (c >= 48 && c <= 57) {
      ts = ts * 10 + (c - 48);
      c = text.charCodeAt(++i);
    }
    let point: [number, number, number] | string;
    if (i > pos && c === 32) {
      const vStart = i + 1;
      let vEnd = text.indexOf(' ', vStart);
      if (vEnd < 0 || vEnd > end) vEnd = end;
      const value = parseValue(text, vStart, vEnd);
      if (value === undefined) {
        point = `bad value "${clip(text.slice(vStart, vEnd), 60)}"`;
      } else if (vEnd === end) {
        point = [ts, value, 0];
      } else {
        let j = vEnd + 1;
        let step = 0;
        c = text.charCodeAt(j);
        while (j < end && c >= 48 && c <= 57) {
          step = step * 10 + (c - 48);
          c = text.charCodeAt(++j);
        }
        point = j === end && j > vEnd + 1 ? [ts, value, step] : parseLineSlow(text.slice(pos, end));
      }
    } else {
      point = parseLineSlow(text.slice(pos, end));
    }
    pos = nl + 1;
    if (typeof point === 'string') {
      onBadLine?.(line, point);
      continue;
    }
    steps.push(point[2]);
    values.push(point[1]);
    times.push(point[0] / 1000);
  }
  return { offset: base + pos, line };
}

/** A metric line in any accepted spelling (signs, float timestamps, extra blanks): [timestamp, value, step], or why not. */
function parseLineSlow(lineText: string): [number, number, number] | string {
  const f = lineText.trim().split(/\s+/);
  if (f.length < 2 || f.length > 3) return `expected "timestamp value step", found "${clip(lineText, 60)}"`;
  const ts = Number(f[0]);
  if (!Number.isFinite(ts) || !/^[-+]?[0-9.eE+-]+$/.test(f[0])) return `bad timestamp "${clip(f[0], 60)}"`;
  const value = parseValue(f[1], 0, f[1].length);
  if (value === undefined) return `bad value "${clip(f[1], 60)}"`;
  let step = 0;
  if (f.length === 3) {
    step = Number(f[2]);
    if (!Number.isSafeInteger(step) || !/^[-+]?\d+$/.test(f[2])) return `bad step "${clip(f[2], 60)}"`;
  }
  return [ts, value, step];
}

/** Reads a metric value: a decimal number, or nan / inf / -inf / NaN / Infinity. Undefined when it is none. */
function parseValue(text: string, start: number, end: number): number | undefined {
  if (end <= start) return undefined;
  const s = text.slice(start, end);
  const v = Number(s);
  if (v === v) {
    // Number() also accepts hex, binary and the empty string; only decimals are valid here.
    const c = s.charCodeAt(s.length - 1);
    if ((c >= 48 && c <= 57) || c === 46 || s.endsWith('Infinity')) {
      const c0 = s.charCodeAt(0);
      if ((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 43 || c0 === 46 || c0 === 73) {
        if (s.length > 1 && (s[1] === 'x' || s[1] === 'X' || s[1] === 'b' || s[1] === 'B' || s[1] === 'o' || s[1] === 'O')) return undefined;
        return v;
      }
    }
    return undefined;
  }
  switch (s.toLowerCase()) {
    case 'nan': case '-nan': case '+nan':
      return NaN;
    case 'inf': case '+inf': case 'infinity': case '+infinity':
      return Infinity;
    case '-inf': case '-infinity':
      return -Infinity;
    default:
      return undefined;
  }
}

/** What reading a metric file incrementally gave. */
export interface MetricFileRead {
  readonly next: MetricTail;
  /** The file shrank: it was read again from the start (drop what was read from it before). */
  readonly restarted: boolean;
}

/**
 * Reads what was appended to a metric file since `from` (complete lines only) into `into`.
 * Returns undefined when the file does not exist.
 */
export async function readMetricFile(
  file: string,
  from: MetricTail,
  into: SeriesBuffer,
  onBadLine?: (line: number, message: string) => void,
): Promise<MetricFileRead | undefined> {
  const handle = await openIfExists(file);
  if (!handle) return undefined;
  try {
    const { size } = await handle.stat();
    let start = from;
    let restarted = false;
    if (size < start.offset) {
      start = EMPTY_METRIC_TAIL;
      restarted = true;
    }
    if (size === start.offset) return { next: start, restarted };
    const buf = Buffer.allocUnsafe(size - start.offset);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, start.offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const next = parseMetricText(buf.toString('latin1', 0, got), start, into, onBadLine, start.offset);
    return { next, restarted };
  } finally {
    await handle.close();
  }
}
