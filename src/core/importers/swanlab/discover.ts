import * as path from 'path';
import { findFolders, VENDOR_FOLDERS } from '../../fsWalk';
import { exists } from '../shared';

const MAX_DEPTH = 6;


/**
 * Finds SwanLab log roots below `workspaceRoot` (absolute, sorted): folders named `swanlog`, and
 * folders holding `runs.swanlab` or `run-*` folders with a `backup.swanlab`. Skips dot-folders and node_modules.
 */
export async function findSwanlabRoots(workspaceRoot: string): Promise<string[]> {
  return findFolders(
    path.resolve(workspaceRoot),
    { maxDepth: MAX_DEPTH, skip: VENDOR_FOLDERS },
    async (dir, entries, depth) =>
      (depth > 0 && path.basename(dir) === 'swanlog') ||
      entries.some((e) => e.isFile() && e.name === 'runs.swanlab') ||
      someAsync(entries.filter((e) => e.isDirectory() && e.name.startsWith('run-')), (e) => exists(path.join(dir, e.name, 'backup.swanlab'))),
  );
}

async function someAsync<T>(items: T[], f: (x: T) => Promise<boolean>): Promise<boolean> {
  for (const x of items) if (await f(x)) return true;
  return false;
}
