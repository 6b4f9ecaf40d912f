/**
 * The trash: a deleted run's folder is moved, whole, to `<log root>/_trash/<entry>/run/`, with
 * `<entry>/trash.json` saying where it came from. Nothing is erased: restoring moves the folder
 * back. The index forgets a trashed run (its log is no longer below the log root's run folders)
 * and reads it again once restored. Format: docs/run-log-format.md, "Trash".
 */
import * as path from 'path';

export const TRASH_DIR = '_trash';
export const TRASH_MANIFEST = 'trash.json';
/** The folder of the run inside a trash entry. */
export const TRASHED_RUN_DIR = 'run';
export const TRASH_FORMAT = 'labbook-trash';

export interface TrashEntry {
  /** Folder name of the entry in `_trash/`. */
  readonly entry: string;
  readonly uid: string;
  readonly name: string;
  readonly experiment: string;
  /** Workspace-relative posix path of the run folder before it was deleted. */
  readonly from: string;
  /** Unix seconds. */
  readonly time: number;
}

/** A name for a trash entry: the run folder's name and the time, only characters safe in any file system. */
export function trashEntryName(runFolder: string, nowMs: number): string {
  const base = path.posix.basename(runFolder).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '').slice(0, 80) || 'run';
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${stamp}-${base}`;
}

export function manifestText(e: TrashEntry): string {
  return JSON.stringify({ format: TRASH_FORMAT, version: 1, uid: e.uid, name: e.name, experiment: e.experiment, from: e.from, time: e.time }, null, 1) + '\n';
}

/**
 * Reads a trash manifest. `from` must be a plain relative path below the log root (no `..`, not
 * absolute, no backslashes or drive letters, no NUL): a manifest edited by hand or cloned from
 * elsewhere cannot send a restore outside it.
 */
export function parseManifest(text: string, entry: string, logRoot: string): { entry: TrashEntry } | { problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { problem: `not JSON (${(e as Error).message})` };
  }
  if (typeof data !== 'object' || data === null || (data as Record<string, unknown>).format !== TRASH_FORMAT) return { problem: `not a trash manifest (no "format": "${TRASH_FORMAT}")` };
  const d = data as Record<string, unknown>;
  const from = typeof d.from === 'string' ? d.from : '';
  const problem = restorePathProblem(from, logRoot);
  if (problem) return { problem };
  return {
    entry: {
      entry,
      uid: typeof d.uid === 'string' ? d.uid : '',
      name: typeof d.name === 'string' ? d.name : path.posix.basename(from),
      experiment: typeof d.experiment === 'string' ? d.experiment : '',
      from,
      time: typeof d.time === 'number' && Number.isFinite(d.time) ? d.time : 0,
    },
  };
}

/** Why `from` cannot be restored to, or undefined: it must be a folder below the log root (not in `_trash` itself). */
export function restorePathProblem(from: string, logRoot: string): string | undefined {
  const root = logRoot.replace(/\/+$/, '');
  if (!from || from.includes('\0') || from.includes('\\') || /^[A-Za-z]:/.test(from) || from.startsWith('/')) return `"${from}" is not a relative path`;
  const parts = from.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return `"${from}" is not a plain path`;
  const rootParts = root.split('/').filter(Boolean);
  if (parts.length <= rootParts.length || rootParts.some((p, i) => parts[i] !== p)) return `"${from}" is not below the log root ${root}`;
  if (parts[rootParts.length].startsWith('_')) return `"${from}" is in one of Labbook's own folders`;
  return undefined;
}

/** Where a run goes back to: its old path, or `<old>-restored-N` when something new took that place. */
export function restoreTarget(from: string, exists: (p: string) => boolean): string {
  if (!exists(from)) return from;
  for (let n = 1; ; n++) {
    const candidate = `${from}-restored-${n}`;
    if (!exists(candidate)) return candidate;
  }
}
