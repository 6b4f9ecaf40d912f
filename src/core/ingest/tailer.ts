import * as fs from 'fs';
import { openIfExists } from '../fsWalk';
import { openInsideIfExists } from '../safePath';

/** Where reading a file stopped last time. `head` is the file's first bytes, to notice a replaced file. */
export interface TailState {
  readonly offset: number;
  /** Lines consumed so far (for messages that name a line number). */
  readonly line: number;
  readonly head: string;
}

export const EMPTY_TAIL: TailState = { offset: 0, line: 0, head: '' };

/** Bytes of the file's start remembered to notice that it was replaced. */
const HEAD_BYTES = 256;
/** How much is read at once; a longer line makes the chunk grow. */
const DEFAULT_CHUNK = 4 * 1024 * 1024;

export interface TailChunk {
  /** Complete lines, without their `\n`. */
  readonly lines: string[];
  /** Number of the first line in `lines` (1-based). */
  readonly firstLine: number;
  /** State to store once `lines` are applied. */
  readonly next: TailState;
  /** The file was truncated or replaced: everything read from it before must be forgotten. */
  readonly restarted: boolean;
  /** More complete data is in the file beyond this chunk. */
  readonly more: boolean;
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * Reads the complete lines appended to `file` since `state`.
 * Never consumes a partial last line. Returns `undefined` when the file does not exist.
 * With `root` (the workspace folder), a file that really is outside it (through a link) is refused
 * with an OutsideError before anything is read.
 */
export async function readNewLines(file: string, state: TailState, chunkSize = DEFAULT_CHUNK, root?: string): Promise<TailChunk | undefined> {
  const handle = root === undefined ? await openIfExists(file) : await openInsideIfExists(root, file);
  if (!handle) return undefined;
  try {
    const stat = await handle.stat();
    const size = stat.size;
    let { offset, line, head } = state;
    let restarted = false;
    const headLength = Math.min(HEAD_BYTES, size);
    const currentHead = headLength === 0 ? '' : await readString(handle, 0, headLength);
    if (size < offset || !currentHead.startsWith(head)) {
      offset = 0;
      line = 0;
      restarted = true;
    }
    if (offset === 0) head = '';
    const lines: string[] = [];
    const firstLine = line + 1;
    let more = false;
    if (size > offset) {
      const start = offset;
      let length = Math.min(chunkSize, size - offset);
      for (;;) {
        const buf = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(buf, 0, length, offset);
        const lastNewline = buf.lastIndexOf(0x0a, bytesRead - 1);
        if (lastNewline >= 0) {
          const text = buf.toString('utf8', 0, lastNewline);
          for (const l of text.split('\n')) lines.push(l);
          offset += lastNewline + 1;
          line += lines.length;
          more = start + bytesRead < size;
          break;
        }
        if (offset + bytesRead >= size) break; // only a partial line so far
        length = Math.min(length * 2, size - offset);
      }
    }
    if (head.length < HEAD_BYTES && offset > 0) head = currentHead.slice(0, Math.min(HEAD_BYTES, offset));
    return { lines, firstLine, next: { offset, line, head }, restarted, more, size, mtimeMs: stat.mtimeMs };
  } finally {
    await handle.close();
  }
}

async function readString(handle: fs.promises.FileHandle, position: number, length: number): Promise<string> {
  const buf = Buffer.allocUnsafe(length);
  const { bytesRead } = await handle.read(buf, 0, length, position);
  return buf.toString('latin1', 0, bytesRead);
}
