import * as fs from 'fs';
import * as path from 'path';
import type { SqlJsStatic } from 'sql.js';
import type { Problems } from '../problems';
import { assertSafeIndexFolder, createFileIfMissing } from './persistence';
import { Store } from './store';

/** Folder (in the workspace) and file of the index. */
export const INDEX_DIR = '.labbook';
export const INDEX_FILE = 'index.sqlite';

const GITIGNORE = '# Labbook index: rebuilt from the run logs, never commit it\n*\n';

export interface WorkspaceIndex {
  readonly store: Store;
  /** False when the index lives in memory only (read-only folder, `.labbook` a link or not a folder): nothing is saved. */
  readonly persistent: boolean;
  /** The last session did not close the index: run a deferred integrity check. */
  readonly uncleanShutdown: boolean;
}

/**
 * Opens the index of workspace folder `root` at `.labbook/index.sqlite`. Never fails: when the folder
 * cannot hold it (read-only, `.labbook` is a file, a link or resolves outside the workspace) the index
 * lives in memory for this session, with one message, and the runs are still shown.
 */
export async function openWorkspaceIndex(SQL: SqlJsStatic, root: string, problems: Problems): Promise<WorkspaceIndex> {
  const dir = path.join(root, INDEX_DIR);
  const unusable = await prepareIndexFolder(root, dir);
  if (unusable === undefined) {
    try {
      const { store, problem, uncleanShutdown } = await Store.open(SQL, path.join(dir, INDEX_FILE), { workspaceRoot: root });
      if (problem) problems.report(problem);
      store.onSeriesDamage(problems);
      return { store, persistent: store.file !== undefined, uncleanShutdown: uncleanShutdown ?? false };
    } catch (e) {
      return inMemory(SQL, dir, (e as Error).message, problems);
    }
  }
  return inMemory(SQL, dir, unusable, problems);
}

async function inMemory(SQL: SqlJsStatic, dir: string, reason: string, problems: Problems): Promise<WorkspaceIndex> {
  problems.report(`Labbook cannot keep its index in ${dir} (${reason}). Runs are indexed in memory for this session and read again from the logs next time.`);
  const { store } = await Store.open(SQL);
  return { store, persistent: false, uncleanShutdown: false };
}

/** Creates the index folder and its .gitignore; returns why the folder cannot hold the index, or undefined. */
async function prepareIndexFolder(root: string, dir: string): Promise<string | undefined> {
  try {
    await fs.promises.mkdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') return code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'the folder is read-only' : (e as Error).message;
  }
  try {
    await assertSafeIndexFolder(root, dir);
    await fs.promises.access(dir, fs.constants.W_OK);
    // Keep the index out of version control by default (a link there is left alone, never followed).
    await createFileIfMissing(path.join(dir, '.gitignore'), GITIGNORE);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'the folder is read-only' : (e as Error).message;
  }
  return undefined;
}
