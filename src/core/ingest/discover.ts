import * as path from 'path';
import { EVENTS_FILE } from '../format/records';
import { EDITS_FILE, IMPORTED_EDITS_DIR } from '../edits';
import { walkFolders } from '../fsWalk';
import { TRASH_DIR } from '../organise/trash';

/** How deep below the log root a run folder may sit. */
export const MAX_RUN_DEPTH = 4;
const SKIP_FOLDERS: ReadonlySet<string> = new Set(['node_modules', 'artifacts']);

/**
 * Finds every `events.jsonl` below `logRoot` (absolute), at most MAX_RUN_DEPTH folders deep, and
 * the edits files (`labbook.edits.jsonl` beside them, `_imported/*.jsonl`). Skips dot-folders, node_modules
 * and the trash (`_trash/`).
 */
export async function findEventFiles(logRoot: string): Promise<string[]> {
  const found: string[] = [];
  await walkFolders(logRoot, {
    maxDepth: MAX_RUN_DEPTH,
    skip: SKIP_FOLDERS,
    // Deleted runs wait in the trash (core/organise/trash.ts): not runs until restored.
    enter: (name, _dir, depth) => !(depth === 0 && name === TRASH_DIR),
    folder: (dir, entries, depth) => {
      const imported = depth === 1 && path.basename(dir) === IMPORTED_EDITS_DIR;
      for (const e of entries) {
        if (e.isFile() && (e.name === EVENTS_FILE || e.name === EDITS_FILE) && depth > 0) found.push(path.join(dir, e.name));
        else if (e.isFile() && imported && e.name.endsWith('.jsonl')) found.push(path.join(dir, e.name));
      }
    },
  });
  return found.sort();
}
