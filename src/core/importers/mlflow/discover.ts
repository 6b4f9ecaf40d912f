import * as fs from 'fs';
import * as path from 'path';
import { findFolders, VENDOR_FOLDERS } from '../../fsWalk';

/** How deep below the workspace root a store is looked for. */
export const MLFLOW_STORE_MAX_DEPTH = 6;

/**
 * Finds MLflow file stores below `workspaceRoot` (absolute paths, sorted): folders named `mlruns`,
 * and folders holding numbered experiment folders whose `meta.yaml` has an `experiment_id`.
 * At most {@link MLFLOW_STORE_MAX_DEPTH} folders deep; skips dot-folders and node_modules; does not
 * look inside a store it found.
 */
export async function findMlflowStores(workspaceRoot: string): Promise<string[]> {
  return findFolders(
    path.resolve(workspaceRoot),
    { maxDepth: MLFLOW_STORE_MAX_DEPTH, skip: VENDOR_FOLDERS },
    async (dir, entries, depth) =>
      (depth > 0 && path.basename(dir) === 'mlruns') || looksLikeStore(dir, entries.filter((e) => e.isDirectory()).map((e) => e.name)),
  );
}

async function looksLikeStore(dir: string, subdirs: string[]): Promise<boolean> {
  for (const name of subdirs) {
    if (!/^\d+$/.test(name)) continue;
    let text: string;
    try {
      text = await fs.promises.readFile(path.join(dir, name, 'meta.yaml'), 'utf8');
    } catch {
      continue;
    }
    if (/^experiment_id\s*:/m.test(text) && !/^run_(uuid|id)\s*:/m.test(text)) return true;
  }
  return false;
}
