// Appending whole lines to a run's events.jsonl when the disk may be full.
//
// A write that fails part-way (ENOSPC on a full disk, EFBIG past `ulimit -f`) leaves the file ending
// inside a line. The next write then starts with a newline, so the torn piece stays a line of its own
// and no record is glued onto it; the lines that were not written whole are written again later. The
// caller keeps those lines and decides how many it can hold.
import * as fs from 'fs';

export class LineWriter {
  /** The file ends inside a line: the next write starts a new one. */
  private torn = false;
  /** The last write error while lines still wait, else undefined. */
  error: unknown;
  private warned = false;

  constructor(
    private readonly file: string,
    private readonly warn: (message: string) => void,
  ) {}

  get failing(): boolean {
    return this.error !== undefined;
  }

  /** Appends `lines` (each ending in a newline) in order; returns how many were written whole. Never
   *  throws for a write error: it is kept in `error` (and warned about once). */
  write(fd: number, lines: readonly string[]): number {
    if (this.error !== undefined && lines.length > 1) {
      // retrying: a first line that still does not fit costs no copy of all that waits
      if (this.write(fd, lines.slice(0, 1)) === 0) return 0;
      return 1 + this.write(fd, lines.slice(1));
    }
    const lead = this.torn ? 1 : 0;
    const data = Buffer.from((lead ? '\n' : '') + lines.join(''), 'utf8');
    let done = 0;
    try {
      while (done < data.length) {
        const n = fs.writeSync(fd, data, done, data.length - done);
        if (n <= 0) throw new Error('the file took no bytes');
        done += n;
      }
    } catch (e) {
      return this.stopped(e, lines, done - lead);
    }
    this.torn = false;
    this.error = undefined;
    return lines.length;
  }

  private stopped(e: unknown, lines: readonly string[], written: number): number {
    this.error = e;
    if (!this.warned) {
      this.warned = true;
      this.warn(`labbook: could not write to ${this.file}: ${(e as Error)?.message ?? String(e)} (records are kept in memory and written again when there is room)`);
    }
    if (written < 0) return 0;
    let whole = 0;
    let end = 0;
    for (const line of lines) {
      const size = Buffer.byteLength(line, 'utf8');
      if (end + size > written) break;
      end += size;
      whole++;
    }
    this.torn = written > end;
    return whole;
  }
}
