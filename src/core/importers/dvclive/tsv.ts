/**
 * DVCLive's TSV files: a header naming the columns (`step`, optional `timestamp`, and the value
 * column), then one row per point. Read incrementally: a live run's file is read from where the
 * last read stopped, and the reader notes when it saw a file grow (the only sign of a live run
 * when the tracker writes no timestamps).
 */
import { openIfExists } from '../../fsWalk';
import type { ImportedSeries } from '../contract';
import { clip } from '../shared';

/** The columns of a DVCLive TSV file, from its header line. */
export interface TsvHeader {
  readonly width: number;
  readonly names: readonly string[];
  readonly stepCol: number;
  readonly timeCol: number;
  readonly valueCol: number;
}

/** Reads a TSV header; problems go to `onBadLine` (line 1). Undefined when it is unusable. */
export function parseTsvHeader(line: string, onBadLine?: (line: number, message: string) => void): TsvHeader | undefined {
  const names = line.replace(/\r$/, '').split('\t');
  if (names.length === 1 && names[0].trim() === '') return undefined;
  const stepCol = names.indexOf('step');
  const timeCol = names.indexOf('timestamp');
  const others = names.map((_, i) => i).filter((i) => i !== stepCol && i !== timeCol);
  if (others.length === 0) {
    onBadLine?.(1, `no value column in header "${names.join('\\t')}"`);
    return undefined;
  }
  if (stepCol < 0) onBadLine?.(1, `no "step" column in header "${names.join('\\t')}"; rows are numbered from 0`);
  return { width: names.length, names, stepCol, timeCol, valueCol: others[others.length - 1] };
}

/** Appends the points of TSV rows (`lines`, the first being line `firstLine` of the file) to `into`. */
export function parseTsvRows(header: TsvHeader, lines: readonly string[], firstLine: number, into: ImportedSeries, onBadLine?: (line: number, message: string) => void): void {
  const { steps, values, times } = into;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (line === '') continue;
    const lineNo = firstLine + i;
    const fields = line.split('\t');
    if (fields.length < header.width) {
      onBadLine?.(lineNo, `expected ${header.width} columns (${header.names.join(', ')}), found ${fields.length}`);
      continue;
    }
    const value = parseNumber(fields[header.valueCol]);
    if (value === undefined) {
      onBadLine?.(lineNo, `bad number "${clip(fields[header.valueCol], 40)}" in column "${header.names[header.valueCol]}"`);
      continue;
    }
    // Without a step column, rows are numbered from 0.
    let step = steps.length;
    if (header.stepCol >= 0) {
      const st = parseNumber(fields[header.stepCol]);
      if (st === undefined || !Number.isInteger(st)) {
        onBadLine?.(lineNo, `bad step "${clip(fields[header.stepCol], 40)}"`);
        continue;
      }
      step = st;
    }
    let time: number | null = null;
    if (header.timeCol >= 0) {
      const t = parseNumber(fields[header.timeCol]);
      // DVCLive wrote milliseconds; accept seconds too.
      if (t !== undefined && Number.isFinite(t)) time = t > 1e11 ? t / 1000 : t;
    }
    steps.push(step);
    values.push(value);
    times.push(time);
  }
}

/**
 * Parses one DVCLive TSV file: a header naming the columns (`step`, optional `timestamp`, and the
 * value column: the remaining one, normally the metric's leaf name), then one row per point.
 * Bad rows are passed to `onBadLine` and skipped. Returns undefined when the header is unusable.
 */
export function parseDvcliveTsv(text: string, onBadLine?: (line: number, message: string) => void): ImportedSeries | undefined {
  const lines = text.split('\n');
  const header = parseTsvHeader(lines[0], onBadLine);
  if (!header) {
    if (lines[0].trim() === '' && lines.length > 1 && lines.slice(1).some((l) => l.trim() !== '')) onBadLine?.(1, 'empty header');
    return undefined;
  }
  const into: ImportedSeries = { steps: [], values: [], times: [] };
  parseTsvRows(header, lines.slice(1), 2, into, onBadLine);
  return into;
}

/** Where reading a TSV file stopped: byte offset, lines consumed, its header and the points so far. */
interface TsvTail { offset: number; line: number; header: TsvHeader | undefined; series: ImportedSeries; size?: number; grewAt?: number }

/** TSV files read before (absolute path → state): a live run's files are read from where they stopped. */
export type DvcliveCache = Map<string, TsvTail>;

/**
 * Reads what was appended to a TSV file since the last read. `complete`: a last line without `\n`
 * counts. Returns the series so far and when (`now`, Unix seconds) the file was last seen growing after its first read.
 */
export async function readTsvIncrementally(file: string, cache: DvcliveCache, complete: boolean, now: number, onBadLine: (line: number, message: string) => void): Promise<{ series: ImportedSeries; grewAt?: number } | undefined> {
  const handle = await openIfExists(file);
  if (!handle) {
    cache.delete(file);
    return undefined;
  }
  try {
    const { size } = await handle.stat();
    let tail = cache.get(file);
    // Written to since the last read (appended, or rewritten shorter): the run is alive.
    const grewAt = tail && size !== tail.size ? now : tail?.grewAt;
    if (!tail || size < tail.offset) {
      tail = { offset: 0, line: 0, header: undefined, series: { steps: [], values: [], times: [] } };
      cache.set(file, tail);
    }
    tail.grewAt = grewAt;
    tail.size = size;
    if (size > tail.offset) {
      const buf = Buffer.allocUnsafe(size - tail.offset);
      const { bytesRead } = await handle.read(buf, 0, buf.length, tail.offset);
      let end = buf.lastIndexOf(0x0a, bytesRead - 1) + 1;
      if (complete && end < bytesRead) end = bytesRead;
      if (end > 0) {
        const lines = buf.toString('utf8', 0, end).split('\n');
        if (lines[lines.length - 1] === '') lines.pop();
        let first = 0;
        if (tail.line === 0 && lines.length > 0) {
          tail.header = parseTsvHeader(lines[0], onBadLine);
          first = 1;
        }
        if (tail.header) parseTsvRows(tail.header, lines.slice(first), tail.line + first + 1, tail.series, onBadLine);
        tail.line += lines.length;
        tail.offset += end;
      }
    }
    return tail.header ? { series: tail.series, grewAt: tail.grewAt } : undefined;
  } finally {
    await handle.close();
  }
}

function parseNumber(s: string): number | undefined {
  const t = s.trim();
  if (t === '') return undefined;
  const v = Number(t);
  if (!Number.isNaN(v)) return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^[-+]?Infinity$/.test(t) ? v : undefined;
  switch (t.toLowerCase()) {
    case 'nan': case '-nan': case '+nan': return NaN;
    case 'inf': case '+inf': case 'infinity': case '+infinity': return Infinity;
    case '-inf': case '-infinity': return -Infinity;
    default: return undefined;
  }
}
