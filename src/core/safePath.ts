/**
 * Reads and writes on behalf of a workspace that never leave it. A folder cloned from the internet
 * can hold symbolic links to anywhere (`events.jsonl -> ~/.ssh/id_rsa`, `artifacts -> ~`,
 * `labbook.edits.jsonl -> ~/.bashrc`), so:
 *
 * - a read opens the file, then checks that the file it opened (device and inode of the open
 *   handle) is the one at the real path, and that the real path is inside the real workspace
 *   folder (and, when given, inside a narrower real folder such as the run's);
 * - a write never goes through a link: every path component below the workspace folder is checked
 *   with `lstat` and a link is refused, the file is opened with `O_NOFOLLOW` where the platform has
 *   it, and a file with several hard links is not written.
 *
 * The workspace folder itself may be a link (a user opening `~/work` that points elsewhere): only
 * what is below it is judged.
 */
import * as fs from 'fs';
import * as path from 'path';

/** A path that leaves the workspace (or the folder it must stay in), or a write through a link. */
export class OutsideError extends Error {
  readonly code = 'EOUTSIDE';
}

export function isOutsideError(e: unknown): e is OutsideError {
  return e instanceof OutsideError;
}

/** Whether `child` is `parent` or below it (both absolute; compared as written, no file system access). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/** No-follow and non-blocking opens where the platform has them (a FIFO must not hang an open). */
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

const realRoots = new Map<string, string>();

/** The real path of a workspace folder, cached: it is asked for on every poll. */
export async function realRoot(root: string): Promise<string> {
  const key = path.resolve(root);
  let real = realRoots.get(key);
  if (real === undefined) {
    real = await fs.promises.realpath(key);
    realRoots.set(key, real);
  }
  return real;
}

/** How a path is named in messages: relative to the workspace when it is below it. */
function shown(root: string, p: string): string {
  const abs = path.resolve(root, p);
  return isInside(path.resolve(root), abs) ? path.relative(path.resolve(root), abs).split(path.sep).join('/') || '.' : p;
}

/**
 * The real path of `p` (absolute, or relative to `root`) when it is inside the real workspace folder
 * `root` and, if `within` is given (a folder at or below `root`), inside the real `within`.
 * Throws OutsideError when it is not, and the file system's error (ENOENT, …) when `p` cannot be resolved.
 */
export async function containedRealPath(root: string, p: string, within?: string): Promise<string> {
  const abs = path.resolve(root, p);
  const top = await realRoot(root);
  const real = await fs.promises.realpath(abs);
  if (!isInside(top, real)) throw new OutsideError(`${shown(root, p)} leads outside the workspace (a link); not used`);
  if (within !== undefined) {
    const fence = await fs.promises.realpath(path.resolve(root, within));
    if (!isInside(top, fence)) throw new OutsideError(`${shown(root, within)} leads outside the workspace (a link); not used`);
    if (!isInside(fence, real)) throw new OutsideError(`${shown(root, p)} leads outside ${shown(root, within)} (a link); not used`);
  }
  return real;
}

/**
 * Opens `p` for reading when it is (really) inside the workspace, and inside `within` when given.
 * Throws OutsideError otherwise, ENOENT when it does not exist.
 */
export async function openForReadInside(root: string, p: string, within?: string): Promise<fs.promises.FileHandle> {
  const abs = path.resolve(root, p);
  const handle = await fs.promises.open(abs, fs.constants.O_RDONLY | NONBLOCK);
  try {
    const real = await containedRealPath(root, abs, within);
    const [opened, named] = await Promise.all([handle.stat(), fs.promises.stat(real)]);
    // The path could have been swapped for a link between the open and the realpath.
    if (opened.dev !== named.dev || opened.ino !== named.ino) throw new OutsideError(`${shown(root, p)} changed while it was opened; not read`);
    return handle;
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/** `p` opened with openForReadInside, or undefined when it does not exist (other errors are thrown). */
export async function openInsideIfExists(root: string, p: string, within?: string): Promise<fs.promises.FileHandle | undefined> {
  try {
    return await openForReadInside(root, p, within);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The whole of a file inside the workspace (see openForReadInside). */
export async function readFileInside(root: string, p: string, within?: string): Promise<Buffer> {
  const handle = await openForReadInside(root, p, within);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** The UTF-8 text of a file inside the workspace, or undefined when it cannot be read or leaves the workspace. */
export async function readTextInside(root: string, p: string, within?: string): Promise<string | undefined> {
  try {
    return (await readFileInside(root, p, within)).toString('utf8');
  } catch {
    return undefined;
  }
}

/** The path components of `p` below `root`; throws OutsideError when `p` is not below it as written. */
function partsBelow(root: string, p: string): string[] {
  const abs = path.resolve(root, p);
  const rel = path.relative(path.resolve(root), abs);
  if (rel === '' || !isInside(path.resolve(root), abs)) throw new OutsideError(`${p} is not inside the workspace; nothing is written there`);
  return rel.split(path.sep);
}

/**
 * Makes the folder `dir` (and its parents) below `root`, refusing any existing component that is a
 * link or not a folder. Returns its absolute path.
 */
export async function ensureDirInside(root: string, dir: string): Promise<string> {
  let cur = path.resolve(root);
  for (const part of partsBelow(root, dir)) {
    cur = path.join(cur, part);
    let st: fs.Stats;
    try {
      st = await fs.promises.lstat(cur);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      try {
        await fs.promises.mkdir(cur);
      } catch (m) {
        if ((m as NodeJS.ErrnoException).code !== 'EEXIST') throw m;
      }
      st = await fs.promises.lstat(cur);
    }
    if (st.isSymbolicLink()) throw new OutsideError(`${shown(root, cur)} is a link; Labbook writes nothing through it`);
    if (!st.isDirectory()) throw new OutsideError(`${shown(root, cur)} is not a folder; nothing is written there`);
  }
  return cur;
}


async function writeInside(root: string, file: string, data: string | Uint8Array, flags: number, truncate: boolean): Promise<void> {
  const parts = partsBelow(root, file);
  const abs = path.resolve(root, file);
  if (parts.length > 1) await ensureDirInside(root, path.dirname(abs));
  // Without O_NOFOLLOW (Windows) the final component is checked by lstat first.
  if (!NOFOLLOW) {
    const st = await fs.promises.lstat(abs).catch(() => undefined);
    if (st?.isSymbolicLink()) throw new OutsideError(`${shown(root, abs)} is a link; Labbook writes nothing through it`);
  }
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(abs, flags | NOFOLLOW | NONBLOCK, 0o666);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new OutsideError(`${shown(root, abs)} is a link; Labbook writes nothing through it`);
    throw e;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new OutsideError(`${shown(root, abs)} is not a file; nothing is written there`);
    if (st.nlink > 1) throw new OutsideError(`${shown(root, abs)} has other names (hard links); Labbook does not write it`);
    // The folder it was opened in must still be the real one inside the workspace.
    const parent = await fs.promises.realpath(path.dirname(abs));
    if (!isInside(await realRoot(root), parent)) throw new OutsideError(`${shown(root, abs)} leads outside the workspace (a link); nothing is written there`);
    if (truncate) await handle.truncate(0);
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}

/** Appends `data` to `file` (absolute, or relative to `root`), creating it and its folders; never through a link. */
export function appendInside(root: string, file: string, data: string | Uint8Array): Promise<void> {
  return writeInside(root, file, data, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, false);
}

/**
 * Writes `file` whole (absolute, or relative to `root`), creating it and its folders; never through
 * a link. The file is emptied only once it is known to be safe to write.
 */
export function writeFileInside(root: string, file: string, data: string | Uint8Array): Promise<void> {
  return writeInside(root, file, data, fs.constants.O_WRONLY | fs.constants.O_CREAT, true);
}
