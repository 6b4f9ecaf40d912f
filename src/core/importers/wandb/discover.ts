import * as path from 'path';
import { NODE_MODULES, walkFolders } from '../../fsWalk';

const MAX_DEPTH = 6;

const RUN_FOLDER = /^(offline-)?run-/;

/** Run folders (absolute, sorted): `run-*` / `offline-run-*` directly under a `wandb/` folder, at most 6 levels below the workspace. */
export async function findWandbRuns(workspaceRoot: string): Promise<string[]> {
  const found: string[] = [];
  const isRun = (name: string, dir: string): boolean => RUN_FOLDER.test(name) && path.basename(dir) === 'wandb';
  await walkFolders(workspaceRoot, {
    // Folders at depth MAX_DEPTH - 1 are the deepest read: their run folders sit at MAX_DEPTH.
    maxDepth: MAX_DEPTH - 1,
    skip: NODE_MODULES,
    enter: (name, dir) => !isRun(name, dir),
    folder: (dir, entries) => {
      // Symlinks (`wandb/latest-run`) are not followed: they point at a run listed anyway.
      if (path.basename(dir) !== 'wandb') return;
      for (const e of entries) if (e.isDirectory() && RUN_FOLDER.test(e.name)) found.push(path.join(dir, e.name));
    },
  });
  return found.sort();
}
