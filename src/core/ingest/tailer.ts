import { isUtf8 } from 'buffer';
import * as crypto from 'crypto';
import type * as fs from 'fs';
import { openIfExists } from '../fsWalk';
import { formatBytes } from '../format/bounds';
import { openInsideIfExists } from '../safePath';

/**
 * Where reading a file stopped last time. `mark` is the tailer's own record of the file as read
 * (identity, a checksum of the bytes before `offset`, whether `offset` is inside a line), stored
 * with the offset and handed back unchanged; see `FileMark`.
 */
export interface TailState {
  readonly offset: number;
  /** Lines consumed so far (for messages that name a line number); the line `offset` is inside of, if it is. */
  readonly line: number;
  readonly mark: string;
}

export const EMPTY_TAIL: TailState = { offset: 0, line: 0, mark: '' };

/** Longest line read by default (setting `labbook.maxLineBytes`); longer lines are skipped. */
export const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;
/** A last line without its newline is read once the file has not changed for this long. */
export const DEFAULT_QUIET_MS = 5000;
/** How much is read at once; a longer line makes the chunk grow, up to the line limit. */
const DEFAULT_CHUNK = 4 * 1024 * 1024;
/** Bytes of the file's start and of what comes right before the offset that the checksum covers. */
const HEAD_BYTES = 256;
const BEFORE_BYTES = 4096;

export interface TailOptions {
  /** The workspace folder: the file must really be inside it (not reached through a link to elsewhere). */
  readonly root?: string;
  readonly chunkBytes?: number;
  readonly maxLineBytes?: number;
  /** Milliseconds since the epoch, now: with the file's modification time, says whether its writer went quiet. */
  readonly now?: number;
  readonly quietMs?: number;
}

/** Something wrong with one line, for a `file:line` message. */
export interface LineIssue { readonly line: number; readonly message: string }

/**
 * Lines still as bytes, all valid UTF-8: line `k` is `buf[bounds[k], bounds[k + 1] - 1)` (without its
 * newline), for `k` below `bounds.length - 1`. Decoding them gives the same text as the file's.
 */
export interface RawLines { readonly buf: Buffer; readonly bounds: readonly number[] }

/** The text of line `k` of `raw`. */
export function rawLineText(raw: RawLines, k: number): string {
  return raw.buf.toString('utf8', raw.bounds[k], raw.bounds[k + 1] - 1);
}

export interface TailChunk {
  /** Lines without their `\n`; a line that was skipped (too long) is an empty string here. Decoded when first asked for. */
  readonly lines: string[];
  /**
   * The same lines for a reader that can use bytes: `decoded`, with the lines of `raw.lines` (not
   * decoded) in place at index `raw.at`.
   */
  readonly decoded: readonly string[];
  readonly raw?: { readonly at: number; readonly lines: RawLines };
  /** Number of the first line in `lines` (1-based). */
  readonly firstLine: number;
  readonly issues: LineIssue[];
  /** State to store once `lines` are applied. */
  readonly next: TailState;
  /** The file was truncated or replaced: everything read from it before must be forgotten. */
  readonly restarted: boolean;
  /** More data is in the file beyond this chunk. */
  readonly more: boolean;
  /** A last line without its newline waits for its writer to go quiet: read the file again soon, even unchanged. */
  readonly waiting: boolean;
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * What the tailer remembers of a file besides offset and line: its device and inode, a checksum
 * of its first bytes and of the bytes just before the offset, and whether the offset is inside a
 * line (`long`: skipping a line over the limit; `tail`: after a last line read without its
 * newline). Written as `lb2 <dev> <ino> <sum> <within>`. Any other text is the first bytes of the
 * file as older versions stored them.
 */
interface FileMark { readonly dev: number; readonly ino: number; readonly sum: string; readonly within: Within }
type Within = '-' | 'long' | 'tail';

const MARK_PREFIX = 'lb2 ';

function encodeMark(m: FileMark): string {
  return `${MARK_PREFIX}${m.dev} ${m.ino} ${m.sum} ${m.within}`;
}

function decodeMark(text: string): FileMark | undefined {
  if (!text.startsWith(MARK_PREFIX)) return undefined;
  const [dev, ino, sum, within] = text.slice(MARK_PREFIX.length).split(' ');
  return { dev: Number(dev), ino: Number(ino), sum, within: within === 'long' || within === 'tail' ? within : '-' };
}

/** Whether `stat` can be the file the mark was taken of (same device and inode, where the file system has them). */
export function sameFile(mark: string, stat: { dev: number; ino: number }): boolean {
  const m = decodeMark(mark);
  if (!m) return true;
  return !(m.ino && stat.ino && m.ino !== stat.ino) && !(m.dev && stat.dev && m.dev !== stat.dev);
}

/**
 * Reads the lines appended to `file` since `state`. A line longer than `maxLineBytes` is skipped up
 * to its newline without ever being decoded, and reported. A last line without its newline is read
 * only once the file has been quiet for `quietMs` and it is complete JSON (`isComplete`).
 * Returns `undefined` when the file does not exist. With `root` (the workspace folder), a file that
 * really is outside it (through a link) is refused with an OutsideError before anything is read.
 */
export async function readNewLines(file: string, state: TailState, options: TailOptions = {}, isComplete: (text: string) => boolean = () => false): Promise<TailChunk | undefined> {
  const handle = options.root === undefined ? await openIfExists(file) : await openInsideIfExists(options.root, file);
  if (!handle) return undefined;
  try {
    return await readFrom(handle, state, options, isComplete);
  } finally {
    await handle.close();
  }
}

async function readFrom(handle: fs.promises.FileHandle, state: TailState, options: TailOptions, isComplete: (text: string) => boolean): Promise<TailChunk> {
  const maxLine = Math.max(1, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  // Never more than the line limit at once: a window then never holds a whole line over the limit.
  const chunkBytes = Math.max(1, Math.min(options.chunkBytes ?? DEFAULT_CHUNK, maxLine));
  const stat = await handle.stat();
  const size = stat.size;
  const mark = decodeMark(state.mark);
  let within: Within = mark?.within ?? '-';
  let pos = state.offset;
  const restarted = pos > 0 && await replaced(handle, stat, state, mark);
  if (restarted) {
    pos = 0;
    within = '-';
  }
  let lineNo = restarted ? 1 : within === '-' ? state.line + 1 : state.line; // number of the line that starts (or goes on) at `pos`
  const firstLine = lineNo;
  const lines: string[] = [];
  let raw: { at: number; lines: RawLines } | undefined;
  const issues: LineIssue[] = [];
  let more = false;
  let waiting = false;
  const tooLong = (line: number) => issues.push({ line, message: `skipped: the line is longer than ${formatBytes(maxLine)} (setting labbook.maxLineBytes)` });

  /** Skips to just after the next newline (or to the end of the file); true if one was found. */
  const skipLine = async (): Promise<boolean> => {
    const buf = Buffer.allocUnsafe(Math.min(chunkBytes, Math.max(1, size - pos)));
    while (pos < size) {
      const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, size - pos), pos);
      if (bytesRead === 0) break;
      const nl = buf.indexOf(0x0a);
      if (nl >= 0 && nl < bytesRead) {
        pos += nl + 1;
        return true;
      }
      pos += bytesRead;
    }
    return false;
  };

  if (within === 'long') {
    if (await skipLine()) {
      within = '-';
      lines.push('');
      lineNo++;
    }
  }
  if (within !== 'long' && pos < size) {
    let length = Math.min(chunkBytes, size - pos);
    for (;;) {
      const buf = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buf, 0, length, pos);
      if (bytesRead === 0) break; // truncated while being read: the next sync starts over
      const lastNewline = buf.lastIndexOf(0x0a, bytesRead - 1);
      if (lastNewline >= 0) {
        const whole = rawLines(buf, lastNewline, maxLine);
        if (whole) {
          raw = { at: lines.length, lines: whole };
          lineNo += whole.bounds.length - 1;
        } else {
          lineNo = splitLines(buf, lastNewline, maxLine, lineNo, lines, issues);
        }
        pos += lastNewline + 1;
        within = '-';
        if (pos + (bytesRead - lastNewline - 1) < size) {
          more = true;
          break;
        }
        // The rest of the file is in `buf`: a last line without its newline.
        if (pos < size) ({ within, lineNo, waiting } = readLastLine(buf.subarray(lastNewline + 1, bytesRead)));
        break;
      }
      if (bytesRead > maxLine) {
        tooLong(lineNo);
        pos += bytesRead;
        within = 'long';
        if (await skipLine()) {
          within = '-';
          lines.push('');
          lineNo++;
          more = pos < size;
        }
        break;
      }
      if (pos + bytesRead >= size) {
        ({ within, lineNo, waiting } = readLastLine(buf.subarray(0, bytesRead)));
        break;
      }
      length = Math.min(length * 2, size - pos, maxLine + 1);
    }
  }

  /** A last line without its newline: read when complete and quiet, reported when quiet and incomplete. */
  function readLastLine(bytes: Buffer): { within: Within; lineNo: number; waiting: boolean } {
    const now = options.now ?? Date.now();
    const quiet = Math.abs(now - stat.mtimeMs) >= (options.quietMs ?? DEFAULT_QUIET_MS);
    if (!quiet) return { within, lineNo, waiting: true };
    if (bytes.length > maxLine) {
      tooLong(lineNo);
      pos += bytes.length;
      return { within: 'long', lineNo, waiting: false };
    }
    const text = bytes.toString('utf8');
    const rest = within === 'tail';
    if ((rest && text.trim() === '') || isComplete(text)) {
      if (!isUtf8(bytes)) issues.push({ line: lineNo, message: NOT_UTF8 });
      lines.push(text);
      pos += bytes.length;
      return { within: 'tail', lineNo, waiting: false };
    }
    issues.push({ line: lineNo, message: 'has no newline at the end of the file and is not complete JSON: it is read once its writer finishes it' });
    return { within, lineNo, waiting: false };
  }

  const line = within === '-' ? lineNo - 1 : lineNo;
  const sum = pos === state.offset && !restarted && mark ? mark.sum : await checksum(handle, pos);
  const next: TailState = { offset: pos, line, mark: encodeMark({ dev: stat.dev, ino: stat.ino, sum, within }) };
  let all: string[] | undefined;
  const decoded = lines;
  const rawPart = raw;
  return {
    get lines(): string[] {
      if (all) return all;
      if (!rawPart) return (all = decoded);
      const middle = Array.from({ length: rawPart.lines.bounds.length - 1 }, (_, k) => rawLineText(rawPart.lines, k));
      return (all = [...decoded.slice(0, rawPart.at), ...middle, ...decoded.slice(rawPart.at)]);
    },
    decoded, raw, firstLine, issues, next, restarted, more, waiting, size, mtimeMs: stat.mtimeMs,
  };
}

/**
 * The lines of `buf[0, end)` (`end` is a newline) as bytes, when none can be over the limit and all
 * are valid UTF-8 (the common case); else undefined, for `splitLines` to decode them one by one.
 */
function rawLines(buf: Buffer, end: number, maxLine: number): RawLines | undefined {
  if (end > maxLine || !isUtf8(buf.subarray(0, end))) return undefined;
  const bounds = [0];
  for (let nl = buf.indexOf(0x0a, 0); nl >= 0 && nl <= end; nl = buf.indexOf(0x0a, nl + 1)) bounds.push(nl + 1);
  return { buf, bounds };
}

const NOT_UTF8 = 'has bytes that are not UTF-8: they are read as \ufffd';

/**
 * Adds the lines of `buf[0, end)` (`end` is a newline) to `lines`, numbering from `lineNo`.
 * Returns the number of the line after them.
 */
function splitLines(buf: Buffer, end: number, maxLine: number, lineNo: number, lines: string[], issues: LineIssue[]): number {
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    const stop = nl < 0 || nl > end ? end : nl;
    if (stop - start > maxLine) {
      issues.push({ line: lineNo, message: `skipped: the line is longer than ${formatBytes(maxLine)} (setting labbook.maxLineBytes)` });
      lines.push('');
    } else {
      const text = buf.toString('utf8', start, stop);
      if (text.includes('\ufffd') && !isUtf8(buf.subarray(start, stop))) issues.push({ line: lineNo, message: NOT_UTF8 });
      lines.push(text);
    }
    lineNo++;
    if (stop >= end) return lineNo;
    start = stop + 1;
  }
}

/** Whether the file is no longer the one `state` was read from: shorter, another inode, or other bytes before the offset. */
async function replaced(handle: fs.promises.FileHandle, stat: fs.Stats, state: TailState, mark: FileMark | undefined): Promise<boolean> {
  if (stat.size < state.offset) return true;
  if (!mark) {
    // Stored by an older version: the file's first bytes as latin1 text.
    const length = Math.min(HEAD_BYTES, stat.size);
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, 0);
    return !buf.toString('latin1', 0, bytesRead).startsWith(state.mark);
  }
  if (!sameFile(state.mark, stat)) return true;
  return (await checksum(handle, state.offset)) !== mark.sum;
}

/** Checksum of the file's first bytes and of the bytes right before `offset` (all of them when few). */
async function checksum(handle: fs.promises.FileHandle, offset: number): Promise<string> {
  const hash = crypto.createHash('sha256');
  const headLength = Math.min(HEAD_BYTES, offset);
  const beforeStart = Math.max(headLength, offset - BEFORE_BYTES);
  const buf = Buffer.alloc(headLength + (offset - beforeStart));
  if (headLength > 0) await handle.read(buf, 0, headLength, 0);
  if (offset > beforeStart) await handle.read(buf, headLength, offset - beforeStart, beforeStart);
  hash.update(buf);
  hash.update(String(offset));
  return hash.digest('base64url').slice(0, 22);
}
