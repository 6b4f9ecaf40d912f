/** Small helpers every importer uses: paths as users see them, file times, message snippets. */
import * as fs from 'fs';
import * as path from 'path';
import { NODE_MODULES, walkFolders } from '../fsWalk';

/** `abs` relative to `root`, with `/` separators (`''` for `root` itself): how paths are stored and shown. */
export function workspacePath(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

/** `s` cut to `max` characters (with `…`), to quote a bad value in a message. */
export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** A JSON object (not an array, not null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Modification time of `file` in Unix seconds; -Infinity when it cannot be read. */
export async function mtimeSeconds(file: string): Promise<number> {
  try {
    return (await fs.promises.stat(file)).mtimeMs / 1000;
  } catch {
    return -Infinity;
  }
}

/** Whether `file` exists (and can be seen). */
export async function exists(file: string): Promise<boolean> {
  try {
    await fs.promises.access(file);
    return true;
  } catch {
    return false;
  }
}

/** Files below `dir` (at most `depth` folders down) that tell whether a place changed. */
export async function filesBelow(dir: string, depth: number): Promise<string[]> {
  const out: string[] = [];
  await walkFolders(dir, {
    maxDepth: depth,
    skip: NODE_MODULES,
    sequential: true,
    file: (p) => void out.push(p),
  });
  return out;
}
