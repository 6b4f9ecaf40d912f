import * as path from 'path';
import { isReallyInside, NODE_MODULES, walkFolders } from '../fsWalk';
import type { ImportFinder, ImportUnit } from '../ingest/importIndex';
import type { Problems } from '../problems';
import type { SqlJsStatic } from 'sql.js';
import type { ImportedRun, ImportSource } from './model';
import { findDvcliveRuns, readDvclive, type DvcliveCache } from './dvclive';
import { findMlflowStores, readMlflowFileStore, type MlflowRunCache } from './mlflowFiles';
import { findMlflowSqliteFiles, readMlflowSqlite } from './mlflowSqlite';
import { findSwanlabRoots, readSwanlab } from './swanlab';
import { findTensorBoardRuns, TensorBoardRunReader } from './tensorboard';
import { findWandbRuns, WandbRunReader } from './wandb';

/** Files below `dir` (at most `depth` folders down) that tell whether a unit changed. */
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

function relative(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

interface IncrementalReader {
  read(now?: number): Promise<ImportedRun | undefined>;
}

/**
 * A finder for trackers whose run is a folder read by an incremental reader: the reader of each
 * folder is kept between syncs, so a live run only decodes what was appended.
 */
function folderFinder(
  source: string,
  find: (root: string) => Promise<string[]>,
  makeReader: (root: string, folder: string, problems: Problems) => IncrementalReader,
  depth: number,
): ImportFinder {
  const readers = new Map<string, IncrementalReader>();
  return async (root) => {
    const folders = await find(root);
    const live = new Set(folders);
    for (const f of readers.keys()) if (!live.has(f)) readers.delete(f);
    return folders.map((folder): ImportUnit => ({
      key: `${source}:${relative(root, folder) || '.'}`,
      files: () => filesBelow(folder, depth),
      read: async (problems) => {
        let reader = readers.get(folder);
        if (!reader) readers.set(folder, (reader = makeReader(root, folder, problems)));
        const run = await reader.read();
        return run ? [run] : [];
      },
    }));
  };
}

/** A finder for trackers whose unit is read whole each time one of its files changes. */
function wholeFinder(
  source: string,
  find: (root: string) => Promise<string[]>,
  files: (location: string) => Promise<string[]>,
  read: (root: string, location: string, problems: Problems) => Promise<ImportedRun[]>,
): ImportFinder {
  return async (root) =>
    (await find(root)).map((location): ImportUnit => ({
      key: `${source}:${relative(root, location) || '.'}`,
      files: () => files(location),
      read: (problems) => read(root, location, problems),
    }));
}

/** MLflow file stores: read as a whole, but runs whose files did not change come from a cache. */
function mlflowFinder(find: (root: string) => Promise<string[]>): ImportFinder {
  const caches = new Map<string, MlflowRunCache>();
  return wholeFinder('mlflow', find, (dir) => filesBelow(dir, 8), (root, dir, problems) => {
    let cache = caches.get(dir);
    if (!cache) caches.set(dir, (cache = new Map()));
    return readMlflowFileStore(root, dir, problems, undefined, cache);
  });
}

/** DVCLive folders: read whole when they change, but each TSV file only from where it stopped. */
function dvcliveFinder(find: (root: string) => Promise<string[]>): ImportFinder {
  const caches = new Map<string, DvcliveCache>();
  return wholeFinder('dvclive', find, (dir) => filesBelow(dir, 4), async (root, dir, problems) => {
    let cache = caches.get(dir);
    if (!cache) caches.set(dir, (cache = new Map()));
    return [await readDvclive(root, dir, problems, Date.now(), cache)];
  });
}

/** Which trackers are read, and where they are looked for. */
export interface ImportOptions {
  /** The trackers to read; all of them when absent. */
  readonly sources?: ReadonlySet<ImportSource>;
  /** Look for their output anywhere in the workspace (the default), or only in `folders`. */
  readonly searchWorkspace?: boolean;
  /** More folders (absolute, inside the workspace) to look in: deeper than the workspace search goes, or dot-folders it skips. */
  readonly folders?: readonly string[];
  /** Told (once per folder) of a configured folder that is not searched. */
  readonly report?: (message: string) => void;
}

export const IMPORT_SOURCES: readonly ImportSource[] = ['mlflow', 'tensorboard', 'dvclive', 'wandb', 'swanlab'];

/** A discovery function run on the workspace and/or the configured folders, without duplicates. */
function searched(find: (root: string) => Promise<string[]>, options: ImportOptions, refused: Set<string>): (root: string) => Promise<string[]> {
  return async (root) => {
    const starts = [...(options.searchWorkspace === false ? [] : [root]), ...(options.folders ?? [])];
    const found = new Set<string>();
    for (const start of starts) {
      // A configured folder that is a link leading out of the workspace is not searched.
      if (start !== root && !(await isReallyInside(root, start))) {
        if (!refused.has(start)) options.report?.(`labbook.import.folders: ${path.relative(root, start) || start} leads outside the workspace (through a link); it is not searched`);
        refused.add(start);
        continue;
      }
      for (const f of await find(start)) found.add(f);
    }
    return [...found].sort();
  };
}

/** Every other tracker Labbook reads. Each call makes fresh finders (with their own reader caches). */
export function importFinders(SQL: SqlJsStatic, options: ImportOptions = {}): ImportFinder[] {
  const on = (source: ImportSource): boolean => !options.sources || options.sources.has(source);
  const refused = new Set<string>();
  const where = (find: (root: string) => Promise<string[]>) => searched(find, options, refused);
  return [
    ...(on('tensorboard') ? [folderFinder('tensorboard', where(findTensorBoardRuns), (root, folder, problems) => new TensorBoardRunReader(root, folder, problems), 1)] : []),
    ...(on('wandb') ? [folderFinder('wandb', where(findWandbRuns), (root, folder, problems) => new WandbRunReader(root, folder, problems), 2)] : []),
    ...(on('mlflow') ? [mlflowFinder(where(findMlflowStores))] : []),
    ...(on('mlflow') ? [wholeFinder('mlflow-db', where(findMlflowSqliteFiles), async (file) => [file, `${file}-wal`], (root, file, problems) => readMlflowSqlite(SQL, root, file, problems))] : []),
    ...(on('dvclive') ? [dvcliveFinder(where(findDvcliveRuns))] : []),
    ...(on('swanlab') ? [wholeFinder('swanlab', where(findSwanlabRoots), (dir) => filesBelow(dir, 5), (root, dir, problems) => readSwanlab(SQL, root, dir, problems))] : []),
  ];
}
