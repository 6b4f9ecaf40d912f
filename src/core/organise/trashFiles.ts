/**
 * Moving runs to the trash and back (see trash.ts for the layout). Every move checks that what
 * moves is a real folder where it says it is (no link on the way), and that where it goes is below
 * the log root; nothing is ever erased.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { RunRow } from '../store/store';
import { containedRealPath, ensureDirInside, OutsideError, readFileInside, writeFileInside } from '../safePath';
import {
  manifestText, parseManifest, restorePathProblem, restoreTarget, TRASH_DIR, TRASH_MANIFEST, TRASHED_RUN_DIR, trashEntryName, type TrashEntry,
} from './trash';

/** Why a run cannot go to the trash, or undefined when it can. */
export function trashProblem(run: RunRow): string | undefined {
  if (run.source !== 'labbook') return `it was written by another tracker, and Labbook never changes another tracker's folders (archive it instead, or delete it with that tracker)`;
  return undefined;
}

/** A workspace folder and its log root (workspace-relative, posix). */
export interface TrashPlace {
  readonly root: string;
  readonly logRoot: string;
}

function trashDir(index: TrashPlace): string {
  return path.join(index.root, ...index.logRoot.split('/'), TRASH_DIR);
}

/**
 * Moves a Labbook run's folder, whole, into the trash (`<log root>/_trash/<entry>/run/`) with a
 * manifest saying where it came from. The folder must be a real folder below the log root (not a
 * link, not the log root itself); nothing is erased.
 */
export async function moveToTrash(index: TrashPlace, run: RunRow): Promise<TrashEntry> {
  const problem = trashProblem(run);
  if (problem) throw new Error(`${run.name} is not deleted: ${problem}.`);
  const root = index.root;
  const logRoot = path.join(root, ...index.logRoot.split('/'));
  const folder = path.join(root, ...run.folder.split('/'));
  const pathProblem = restorePathProblem(run.folder, index.logRoot);
  if (pathProblem) throw new Error(`${run.name} is not deleted: its folder ${pathProblem}.`);
  const stat = await fs.promises.lstat(folder);
  if (stat.isSymbolicLink() || !stat.isDirectory()) throw new OutsideError(`${run.folder} is not a plain folder (a link?); it is not moved`);
  // The real folder must be where it says, below the real log root.
  const real = await containedRealPath(root, folder, logRoot);
  if (real !== path.join(await fs.promises.realpath(logRoot), path.relative(logRoot, folder))) throw new OutsideError(`${run.folder} leads elsewhere through a link; it is not moved`);
  const entry: TrashEntry = { entry: trashEntryName(run.folder, Date.now()), uid: run.uid, name: run.name, experiment: run.experiment, from: run.folder, time: Date.now() / 1000 };
  let entryDir = path.join(trashDir(index), entry.entry);
  for (let n = 2; fs.existsSync(entryDir); n++) entryDir = path.join(trashDir(index), `${entry.entry}-${n}`);
  const final = { ...entry, entry: path.basename(entryDir) };
  await ensureDirInside(root, entryDir);
  await writeFileInside(root, path.join(entryDir, TRASH_MANIFEST), manifestText(final));
  await fs.promises.rename(folder, path.join(entryDir, TRASHED_RUN_DIR));
  return final;
}

/** What is in the trash of a folder (entries whose manifest cannot be used are reported and left alone). */
export async function listTrash(index: TrashPlace, report: (m: string) => void): Promise<TrashEntry[]> {
  const root = index.root;
  let names: fs.Dirent[];
  try {
    names = await fs.promises.readdir(trashDir(index), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: TrashEntry[] = [];
  for (const d of names) {
    if (!d.isDirectory()) continue;
    const rel = `${index.logRoot}/${TRASH_DIR}/${d.name}/${TRASH_MANIFEST}`;
    try {
      const parsed = parseManifest((await readFileInside(root, path.join(trashDir(index), d.name, TRASH_MANIFEST))).toString('utf8'), d.name, index.logRoot);
      if ('problem' in parsed) report(`${rel}: not restorable: ${parsed.problem}`);
      else out.push(parsed.entry);
    } catch (e) {
      report(`${rel}: not restorable: ${(e as Error).message}`);
    }
  }
  return out.sort((a, b) => b.time - a.time);
}

/** Moves a trashed run back where it was (or beside it, when that place was taken). Returns the folder it went to. */
export async function restoreFromTrash(index: TrashPlace, entry: TrashEntry): Promise<string> {
  const root = index.root;
  const problem = restorePathProblem(entry.from, index.logRoot);
  if (problem) throw new Error(`${entry.name} cannot be restored: ${problem}.`);
  if (entry.entry.includes('/') || entry.entry.includes('\\') || entry.entry.startsWith('.')) throw new Error(`${entry.entry} is not a trash entry`);
  const entryDir = path.join(trashDir(index), entry.entry);
  const source = path.join(entryDir, TRASHED_RUN_DIR);
  const st = await fs.promises.lstat(source);
  if (st.isSymbolicLink() || !st.isDirectory()) throw new OutsideError(`${entry.entry}/${TRASHED_RUN_DIR} is not a plain folder (a link?); it is not moved`);
  await containedRealPath(root, source, trashDir(index));
  const target = restoreTarget(entry.from, (p) => fs.existsSync(path.join(root, ...p.split('/'))));
  const abs = path.join(root, ...target.split('/'));
  await ensureDirInside(root, path.dirname(abs));
  await fs.promises.rename(source, abs);
  // The manifest and the now empty entry folder go (the run is back; nothing of it is erased).
  await fs.promises.unlink(path.join(entryDir, TRASH_MANIFEST)).catch(() => undefined);
  await fs.promises.rmdir(entryDir).catch(() => undefined);
  return target;
}

/**
 * Erases a trash entry for good (the one place Labbook erases a run, after the user confirmed).
 * The entry must be a real folder directly in the real trash folder, which must be inside the
 * workspace: a link on the way (the trash, the entry) refuses, and links inside the entry are
 * removed as links, never followed.
 */
export async function deleteFromTrash(index: TrashPlace, entry: Pick<TrashEntry, 'entry' | 'name'>): Promise<void> {
  const root = index.root;
  const name = entry.entry;
  if (!name || name.includes('/') || name.includes('\\') || name.includes('\0') || name.startsWith('.')) throw new Error(`${name} is not a trash entry`);
  const dir = trashDir(index);
  const tst = await fs.promises.lstat(dir);
  if (tst.isSymbolicLink() || !tst.isDirectory()) throw new OutsideError(`${index.logRoot}/${TRASH_DIR} is not a plain folder (a link?); nothing is erased`);
  const entryDir = path.join(dir, name);
  const st = await fs.promises.lstat(entryDir);
  if (st.isSymbolicLink() || !st.isDirectory()) throw new OutsideError(`${TRASH_DIR}/${name} is not a plain folder (a link?); nothing is erased`);
  const real = await containedRealPath(root, entryDir, dir);
  if (path.dirname(real) !== await fs.promises.realpath(dir)) throw new OutsideError(`${TRASH_DIR}/${name} leads elsewhere; nothing is erased`);
  // Removes links as links: nothing they point at is touched.
  await fs.promises.rm(real, { recursive: true, force: false });
}
