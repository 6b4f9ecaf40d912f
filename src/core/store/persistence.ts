import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/** Open flags that never follow a link at the last path component. */
const NO_FOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const CREATE_NEW = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | NO_FOLLOW;

/** A temp file older than this was left by a crash: no save takes this long. Younger ones may be another window's save in flight. */
export const STALE_TEMP_MS = 10 * 60_000;
/** Copies of damaged indexes kept aside for a bug report; older ones are deleted. */
const ASIDE_KEPT = 2;

/** Thrown when the folder of the index is a link or resolves outside the workspace folder: Labbook then writes nothing there. */
export class UnsafeIndexFolderError extends Error {}

/**
 * The one check before anything is written into the index folder `dir` of workspace folder `root`:
 * `dir` must be a real folder (not a link, not a file) whose real path is inside the workspace
 * folder's real path. Throws `UnsafeIndexFolderError` (or the `lstat` error, e.g. ENOENT) otherwise.
 * With `create`, a missing `dir` is created first (the user may delete `.labbook` while Labbook runs).
 */
export async function assertSafeIndexFolder(root: string, dir: string, opts: { create?: boolean } = {}): Promise<void> {
  // mkdir never follows a link at `dir`: a link there (even a dangling one) fails with EEXIST and is refused below.
  if (opts.create) await fs.promises.mkdir(dir).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e; });
  const st = await fs.promises.lstat(dir);
  if (st.isSymbolicLink()) throw new UnsafeIndexFolderError(`${dir} is a link; Labbook does not write through links`);
  if (!st.isDirectory()) throw new UnsafeIndexFolderError(`${dir} is not a folder`);
  const [realRoot, realDir] = await Promise.all([fs.promises.realpath(root), fs.promises.realpath(dir)]);
  const rel = path.relative(realRoot, realDir);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new UnsafeIndexFolderError(`${dir} resolves to ${realDir}, outside the workspace folder`);
}

/**
 * Writes `data` to `file` so that a crash at any moment leaves either the old or the new content:
 * write a temp file beside it, fsync it, rename it over the target, fsync the folder.
 * The temp file has a name no other writer uses (pid and random) and is created new without following
 * links; the rename replaces a link at `file` rather than writing where it points.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const dir = path.dirname(file);
  await fs.promises.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.promises.open(tmp, CREATE_NEW, 0o644);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  await syncDirectory(dir);
}

/** Creates `file` with `text` unless something (a file or a link) is already there; never follows a link. */
export async function createFileIfMissing(file: string, text: string): Promise<void> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, CREATE_NEW, 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw e;
  }
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) and file systems cannot fsync a folder; the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}

/** Removes temp files that a crash during `writeFileAtomic` left behind: only those older than `maxAgeMs`, never another writer's. */
export async function removeStaleTempFiles(file: string, maxAgeMs = STALE_TEMP_MS): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `.${path.basename(file)}.`;
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return;
  }
  const now = Date.now();
  await Promise.all(names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp')).map(async (n) => {
    const p = path.join(dir, n);
    const st = await fs.promises.lstat(p).catch(() => undefined);
    if (st && now - st.mtimeMs > maxAgeMs) await fs.promises.rm(p, { force: true });
  }));
}

// ---- checksums ----

/** What a save wrote: the size and CRC-32 of the index file. */
export interface IndexChecksum { readonly size: number; readonly crc32: number }

const SUM_HEADER = 'labbook-index-checksum 1';
export const checksumFile = (file: string) => `${file}.sum`;

/** CRC-32 (zlib's polynomial) of `data`, continuing from `crc`. Catches every single-bit and short burst error. */
export function crc32(data: Uint8Array, crc = 0): number {
  const native = (zlib as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;
  if (native) return native(data, crc);
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
/** `crc32` over a large buffer in 16 MB slices, letting other work run between them. */
export async function crc32Yielding(data: Uint8Array): Promise<number> {
  const SLICE = 16 << 20;
  let crc = 0;
  for (let pos = 0; pos < data.length; pos += SLICE) {
    crc = crc32(data.subarray(pos, pos + SLICE), crc);
    if (pos + SLICE < data.length) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return crc;
}
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/**
 * Writes the checksum file of index `file`, listing every version of the index that may be on disk
 * (during a save: the old one and the new one), so that a crash between the two renames leaves an
 * index that matches.
 */
export async function writeChecksums(file: string, sums: readonly IndexChecksum[]): Promise<void> {
  const lines = sums.map((s) => `crc32 ${s.crc32.toString(16).padStart(8, '0')} size ${s.size}`);
  await writeFileAtomic(checksumFile(file), `${SUM_HEADER}\n${lines.join('\n')}\n`);
}

/** The checksums listed for index `file`; undefined when there is no checksum file, [] when it is unreadable. */
export async function readChecksums(file: string): Promise<IndexChecksum[] | undefined> {
  let text: string;
  try {
    const handle = await fs.promises.open(checksumFile(file), fs.constants.O_RDONLY | NO_FOLLOW);
    try {
      text = (await handle.readFile({ encoding: 'utf8' })).slice(0, 4096);
    } finally {
      await handle.close();
    }
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : [];
  }
  const [head, ...rest] = text.split('\n');
  if (head !== SUM_HEADER) return [];
  const sums: IndexChecksum[] = [];
  for (const line of rest) {
    const m = /^crc32 ([0-9a-f]{8}) size (\d{1,15})$/.exec(line);
    if (m) sums.push({ crc32: parseInt(m[1], 16), size: Number(m[2]) });
  }
  return sums;
}

/** Reads a regular file without following a link, in chunks (no 2 GiB limit), with its CRC-32. */
export async function readFileChecked(file: string): Promise<{ bytes: Buffer; crc32: number }> {
  const handle = await fs.promises.open(file, fs.constants.O_RDONLY | NO_FOLLOW);
  try {
    const size = (await handle.stat()).size;
    const bytes = Buffer.allocUnsafe(size);
    const CHUNK = 16 << 20;
    let crc = 0;
    let pos = 0;
    while (pos < size) {
      const { bytesRead } = await handle.read(bytes, pos, Math.min(CHUNK, size - pos), pos);
      if (bytesRead === 0) throw new Error(`${path.basename(file)} shrank while it was read`);
      crc = crc32(bytes.subarray(pos, pos + bytesRead), crc);
      pos += bytesRead;
    }
    return { bytes, crc32: crc };
  } finally {
    await handle.close();
  }
}

/**
 * Moves a damaged index aside as `<file>.corrupt-<time>` (renaming a link itself, never its target)
 * and deletes older copies beyond the newest two. Returns the new name, or undefined if it could not be moved.
 */
export async function moveAside(file: string): Promise<string | undefined> {
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    await fs.promises.rename(file, aside);
  } catch {
    return undefined;
  }
  await fs.promises.rm(checksumFile(file), { force: true }).catch(() => undefined);
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.corrupt-`;
  const copies = (await fs.promises.readdir(dir).catch(() => [] as string[])).filter((n) => n.startsWith(prefix)).sort();
  await Promise.all(copies.slice(0, Math.max(0, copies.length - ASIDE_KEPT)).map((n) => fs.promises.rm(path.join(dir, n), { force: true }).catch(() => undefined)));
  return aside;
}
