/**
 * Where TensorBoard runs are: a run is a folder that directly holds event files; several files in it
 * are merged in name order (their names start with the creation time). Keras (TF2) writes
 * `<log_dir>/train/` and `<log_dir>/validation/` for one fit: that is ONE run of `<log_dir>`, its keys
 * prefixed with `train/` and `validation/`, so both curves of a metric sit in the same run as in Keras'
 * own history. This applies when the parent folder holds no event files itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import { NODE_MODULES, walkFolders } from '../../fsWalk';

export const TFEVENTS_MARKER = 'events.out.tfevents.';
/** Sub-folders Keras' TensorBoard callback writes for one fit, merged into the parent's run. */
export const KERAS_SUBFOLDERS: readonly string[] = ['train', 'validation'];
const MAX_DEPTH = 8;


function isEventFile(name: string): boolean {
  return name.startsWith(TFEVENTS_MARKER);
}

/**
 * Run folders (absolute, sorted) below `workspaceRoot`: folders that directly contain event files,
 * at most 8 levels deep, skipping dot-folders and node_modules. Keras `train/` + `validation/`
 * sub-folders give their parent folder instead (see the file comment).
 */
export async function findTensorBoardRuns(workspaceRoot: string): Promise<string[]> {
  const withEvents = new Set<string>();
  await walkFolders(workspaceRoot, {
    maxDepth: MAX_DEPTH,
    skip: NODE_MODULES,
    folder: (dir, entries) => {
      if (entries.some((e) => e.isFile() && isEventFile(e.name))) withEvents.add(dir);
    },
  });
  const runs = new Set<string>();
  for (const dir of withEvents) {
    const parent = path.dirname(dir);
    if (KERAS_SUBFOLDERS.includes(path.basename(dir)) && parent !== dir && !withEvents.has(parent)) runs.add(parent);
    else runs.add(dir);
  }
  return [...runs].sort();
}

export interface EventFileRef {
  readonly file: string;
  /** Key prefix: '' or `train/` / `validation/` in the Keras layout. */
  readonly prefix: string;
}

async function eventFilesIn(dir: string): Promise<string[]> {
  try {
    const entries = await fs.promises.readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() && isEventFile(e.name)).map((e) => e.name);
  } catch {
    return [];
  }
}

/** `events.out.tfevents.<seconds>.<host>.<pid>.<n>`: order by the creation time, then by name. */
function compareEventFileNames(a: string, b: string): number {
  const ta = Number(a.slice(TFEVENTS_MARKER.length).split('.')[0]);
  const tb = Number(b.slice(TFEVENTS_MARKER.length).split('.')[0]);
  if (Number.isFinite(ta) && Number.isFinite(tb) && ta !== tb) return ta - tb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The event files of a run folder, grouped by prefix, each group in merge order. */
export async function listRunFiles(runFolder: string): Promise<EventFileRef[]> {
  const direct = await eventFilesIn(runFolder);
  if (direct.length > 0) return direct.sort(compareEventFileNames).map((n) => ({ file: path.join(runFolder, n), prefix: '' }));
  const out: EventFileRef[] = [];
  for (const sub of KERAS_SUBFOLDERS) {
    const names = await eventFilesIn(path.join(runFolder, sub));
    for (const n of names.sort(compareEventFileNames)) out.push({ file: path.join(runFolder, sub, n), prefix: `${sub}/` });
  }
  return out;
}
