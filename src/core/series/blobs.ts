import * as fs from 'fs';
import * as path from 'path';

/**
 * Named byte files that the series store reads and writes with positioned, synchronous calls:
 * on disk (a folder beside the index) or in memory (an index without a file). Synchronous because
 * the store's writes run inside sql.js transactions, which never span an `await`.
 */
export interface Blobs {
  /** Bytes in `name` (0 when it does not exist). */
  size(name: string): number;
  /** Reads up to `into.length` bytes at `pos`; returns how many were read. */
  read(name: string, pos: number, into: Uint8Array): number;
  /** Writes `data` at `pos` (creating the file). */
  write(name: string, pos: number, data: Uint8Array): void;
  /** Cuts `name` to `length` bytes (no-op when it is shorter or absent). */
  truncate(name: string, length: number): void;
  remove(name: string): void;
  /** Names present. */
  list(): string[];
  /** Makes what was written to `names` durable (fsync). */
  sync(names: Iterable<string>): void;
  /** Removes every file. */
  clear(): void;
  close(): void;
}

const NO_FOLLOW = fs.constants.O_NOFOLLOW ?? 0;
/** Open file descriptors kept at once; the least recently used one is closed beyond that. */
const OPEN_MAX = 96;

/** Files in one folder. Names are plain (no separators); files are opened without following links. */
export class FileBlobs implements Blobs {
  private readonly fds = new Map<string, number>();

  constructor(readonly dir: string) {}

  private fd(name: string, create: boolean): number | undefined {
    const open = this.fds.get(name);
    if (open !== undefined) {
      this.fds.delete(name);
      this.fds.set(name, open);
      return open;
    }
    let fd: number;
    try {
      fd = fs.openSync(this.file(name), fs.constants.O_RDWR | NO_FOLLOW | (create ? fs.constants.O_CREAT : 0), 0o644);
    } catch (e) {
      if (!create && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      if (create && (e as NodeJS.ErrnoException).code === 'ENOENT') {
        fs.mkdirSync(this.dir, { recursive: true });
        return this.fd(name, create);
      }
      throw e;
    }
    this.fds.set(name, fd);
    if (this.fds.size > OPEN_MAX) {
      const [oldest, oldFd] = this.fds.entries().next().value as [string, number];
      this.fds.delete(oldest);
      fs.closeSync(oldFd);
    }
    return fd;
  }

  private file(name: string): string {
    if (name.includes('/') || name.includes('\\') || name.startsWith('.')) throw new Error(`bad series file name ${name}`);
    return path.join(this.dir, name);
  }

  size(name: string): number {
    const fd = this.fd(name, false);
    return fd === undefined ? 0 : fs.fstatSync(fd).size;
  }

  read(name: string, pos: number, into: Uint8Array): number {
    const fd = this.fd(name, false);
    if (fd === undefined) return 0;
    let done = 0;
    while (done < into.length) {
      const n = fs.readSync(fd, into, done, into.length - done, pos + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  write(name: string, pos: number, data: Uint8Array): void {
    const fd = this.fd(name, true)!;
    let done = 0;
    while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done, pos + done);
  }

  truncate(name: string, length: number): void {
    const fd = this.fd(name, false);
    if (fd !== undefined && fs.fstatSync(fd).size > length) fs.ftruncateSync(fd, length);
  }

  remove(name: string): void {
    const fd = this.fds.get(name);
    if (fd !== undefined) {
      this.fds.delete(name);
      fs.closeSync(fd);
    }
    fs.rmSync(this.file(name), { force: true });
  }

  list(): string[] {
    try {
      return fs.readdirSync(this.dir).filter((n) => !n.startsWith('.'));
    } catch {
      return [];
    }
  }

  sync(names: Iterable<string>): void {
    for (const name of names) {
      const fd = this.fd(name, false);
      if (fd !== undefined) fs.fdatasyncSync(fd);
    }
  }

  clear(): void {
    this.close();
    for (const n of this.list()) fs.rmSync(path.join(this.dir, n), { force: true });
  }

  close(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }
}

/** The same in memory: growable buffers. */
export class MemoryBlobs implements Blobs {
  private readonly files = new Map<string, { bytes: Uint8Array; length: number }>();

  size(name: string): number {
    return this.files.get(name)?.length ?? 0;
  }

  read(name: string, pos: number, into: Uint8Array): number {
    const f = this.files.get(name);
    if (!f || pos >= f.length) return 0;
    const n = Math.min(into.length, f.length - pos);
    into.set(f.bytes.subarray(pos, pos + n));
    return n;
  }

  write(name: string, pos: number, data: Uint8Array): void {
    let f = this.files.get(name);
    if (!f) this.files.set(name, (f = { bytes: new Uint8Array(Math.max(1024, data.length)), length: 0 }));
    const end = pos + data.length;
    if (end > f.bytes.length) {
      const grown = new Uint8Array(Math.max(end, f.bytes.length * 2));
      grown.set(f.bytes.subarray(0, f.length));
      f.bytes = grown;
    }
    if (pos > f.length) f.bytes.fill(0, f.length, pos);
    f.bytes.set(data, pos);
    f.length = Math.max(f.length, end);
  }

  truncate(name: string, length: number): void {
    const f = this.files.get(name);
    if (f && f.length > length) f.length = length;
  }

  remove(name: string): void {
    this.files.delete(name);
  }

  list(): string[] {
    return [...this.files.keys()];
  }

  sync(): void {
    // Nothing to make durable.
  }

  clear(): void {
    this.files.clear();
  }

  close(): void {
    // Nothing held.
  }
}
