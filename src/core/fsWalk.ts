/**
 * Folder walks shared by run discovery and the importers (one readdir per folder, a depth limit,
 * folders skipped by name, visitors that collect what they look for), and the small reads they use.
 */
import * as fs from 'fs';
import * as path from 'path';
import { containedRealPath, openInsideIfExists, readTextInside } from './safePath';

/** Folders of installed packages and caches: never searched for another tracker's output. */
export const VENDOR_FOLDERS: ReadonlySet<string> = new Set(['node_modules', '__pycache__', 'site-packages', 'dist-packages']);

/** Just `node_modules`. */
export const NODE_MODULES: ReadonlySet<string> = new Set(['node_modules']);

const NONE: ReadonlySet<string> = new Set();

export interface WalkOptions {
  /**
   * The workspace folder: when given, a start folder that is not really inside it (a link to
   * somewhere else, on the way or at the end) is not walked. Below the start folder links are never
   * followed (entries that are links are neither files nor folders here), so a walk cannot leave
   * the folder it starts in, nor loop.
   */
  readonly inside?: string;
  /** Depth of the deepest folders read (the start folder is depth 0): their sub-folders are not entered. */
  readonly maxDepth: number;
  /** Names of sub-folders never entered. Default: none. */
  readonly skip?: ReadonlySet<string>;
  /** Enter sub-folders whose name starts with `.` too. Default: false. */
  readonly dotFolders?: boolean;
  /** A further test for the sub-folder `name` of `dir` (which is at `depth`), after the rules above. */
  readonly enter?: (name: string, dir: string, depth: number) => boolean;
  /**
   * Walk one entry after another in listing order, entering a sub-folder where it is listed (a
   * depth-first walk). Default: all the sub-folders of a folder are read at the same time.
   */
  readonly sequential?: boolean;
  /**
   * Called with each folder read and its entries, before any of them is visited or entered.
   * Returning false (or a promise of false) leaves the folder there: none of its files is visited
   * and none of its sub-folders entered.
   */
  readonly folder?: (dir: string, entries: fs.Dirent[], depth: number) => boolean | void | Promise<boolean | void>;
  /** Called with the path of each file (`isFile()`; not links). Returning false ends the whole walk. */
  readonly file?: (file: string) => boolean | void;
}

/** The entries of `dir`, or undefined when it cannot be read. */
export async function listDir(dir: string): Promise<fs.Dirent[] | undefined> {
  try {
    return await fs.promises.readdir(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
}

/**
 * `file` opened for reading, or undefined when it does not exist (other errors are thrown). With
 * `inside` (the workspace folder), a file that really is elsewhere (a link) is refused (OutsideError).
 */
export async function openIfExists(file: string, inside?: string): Promise<fs.promises.FileHandle | undefined> {
  if (inside !== undefined) return openInsideIfExists(inside, file);
  try {
    return await fs.promises.open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * The text of `file` (UTF-8), or undefined when it cannot be read; with `inside` (the workspace
 * folder), also when it really is elsewhere (a link).
 */
export async function readText(file: string, inside?: string): Promise<string | undefined> {
  if (inside !== undefined) return readTextInside(inside, file);
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Walks the folders below `root` (itself included, at depth 0); folders that cannot be read are passed over. */
export async function walkFolders(root: string, options: WalkOptions): Promise<void> {
  if (options.inside !== undefined && !(await isReallyInside(options.inside, root))) return;
  const { maxDepth, skip = NONE, dotFolders = false, enter, sequential = false, folder, file } = options;
  let stopped = false;
  const entered = (e: fs.Dirent, dir: string, depth: number): boolean =>
    e.isDirectory() && depth < maxDepth && (dotFolders || !e.name.startsWith('.')) && !skip.has(e.name) && (!enter || enter(e.name, dir, depth));

  async function walk(dir: string, depth: number): Promise<void> {
    const entries = await listDir(dir);
    if (!entries || stopped) return;
    if (folder && (await folder(dir, entries, depth)) === false) return;
    if (sequential) {
      for (const e of entries) {
        if (stopped) return;
        if (e.isFile()) {
          if (file?.(path.join(dir, e.name)) === false) stopped = true;
        } else if (entered(e, dir, depth)) {
          await walk(path.join(dir, e.name), depth + 1);
        }
      }
      return;
    }
    const subdirs: string[] = [];
    for (const e of entries) {
      if (e.isFile()) {
        if (file?.(path.join(dir, e.name)) === false) {
          stopped = true;
          return;
        }
      } else if (entered(e, dir, depth)) {
        subdirs.push(path.join(dir, e.name));
      }
    }
    await Promise.all(subdirs.map((d) => walk(d, depth + 1)));
  }
  await walk(root, 0);
}

/** Whether `dir` exists and really is inside the workspace folder `root` (no link leads out of it). */
export async function isReallyInside(root: string, dir: string): Promise<boolean> {
  try {
    await containedRealPath(root, dir);
    return true;
  } catch {
    return false;
  }
}

/**
 * The folders below `root` (itself included) for which `isMatch` holds, sorted; a folder that
 * matches is not looked inside.
 */
export async function findFolders(
  root: string,
  options: Omit<WalkOptions, 'folder' | 'file'>,
  isMatch: (dir: string, entries: fs.Dirent[], depth: number) => boolean | Promise<boolean>,
): Promise<string[]> {
  const found: string[] = [];
  await walkFolders(root, {
    ...options,
    folder: async (dir, entries, depth) => {
      if (!(await isMatch(dir, entries, depth))) return;
      found.push(dir);
      return false;
    },
  });
  return found.sort();
}

/**
 * Files below `dir` (dot-folders included), as posix paths relative to it, in walk order; at most
 * `maxDepth` folders down and `limit` (> 0) files. With `inside` (the workspace folder), nothing
 * when `dir` really is elsewhere (a link).
 */
export async function walkFiles(dir: string, maxDepth: number, limit: number, inside?: string): Promise<string[]> {
  const out: string[] = [];
  const cut = path.join(dir, 'x').length - 1; // where the part below `dir` starts in a joined path
  await walkFolders(dir, {
    inside,
    maxDepth,
    dotFolders: true,
    sequential: true,
    file: (f) => {
      out.push(path.sep === '/' ? f.slice(cut) : f.slice(cut).split(path.sep).join('/'));
      return out.length < limit;
    },
  });
  return out;
}
