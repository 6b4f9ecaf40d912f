import * as fs from 'fs';
import * as path from 'path';
import { EVENTS_FILE } from '../format/records';
import { EDITS_FILE, IMPORTED_EDITS_DIR } from '../edits';

/** How deep below the log root a run folder may sit. */
export const MAX_RUN_DEPTH = 4;

/**
 * Finds every `events.jsonl` below `logRoot` (absolute), at most MAX_RUN_DEPTH folders deep, and
 * the edits files (`labbook.edits.jsonl` beside them, `_imported/*.jsonl`). Skips dot-folders and node_modules.
 */
export async function findEventFiles(logRoot: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string, depth: number): Promise<void> {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const subdirs: string[] = [];
    for (const e of entries) {
      if (e.isFile() && (e.name === EVENTS_FILE || e.name === EDITS_FILE) && depth > 0) found.push(path.join(dir, e.name));
      else if (e.isFile() && depth === 1 && path.basename(dir) === IMPORTED_EDITS_DIR && e.name.endsWith('.jsonl')) found.push(path.join(dir, e.name));
      else if (e.isDirectory() && depth < MAX_RUN_DEPTH && !e.name.startsWith('.') && e.name !== 'node_modules' && e.name !== 'artifacts') subdirs.push(path.join(dir, e.name));
    }
    await Promise.all(subdirs.map((d) => walk(d, depth + 1)));
  }
  await walk(logRoot, 0);
  return found.sort();
}
