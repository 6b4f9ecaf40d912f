import * as path from 'path';
import { NODE_MODULES, walkFolders } from '../fsWalk';
import type { ImportFinder, ImportUnit } from '../ingest/importIndex';
import type { Problems } from '../problems';
import type { SqlJsStatic } from 'sql.js';
import type { ImportedRun } from './model';
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
function mlflowFinder(): ImportFinder {
  const caches = new Map<string, MlflowRunCache>();
  return wholeFinder('mlflow', findMlflowStores, (dir) => filesBelow(dir, 8), (root, dir, problems) => {
    let cache = caches.get(dir);
    if (!cache) caches.set(dir, (cache = new Map()));
    return readMlflowFileStore(root, dir, problems, undefined, cache);
  });
}

/** DVCLive folders: read whole when they change, but each TSV file only from where it stopped. */
function dvcliveFinder(): ImportFinder {
  const caches = new Map<string, DvcliveCache>();
  return wholeFinder('dvclive', findDvcliveRuns, (dir) => filesBelow(dir, 4), async (root, dir, problems) => {
    let cache = caches.get(dir);
    if (!cache) caches.set(dir, (cache = new Map()));
    return [await readDvclive(root, dir, problems, Date.now(), cache)];
  });
}

/** Every other tracker Labbook reads. Each call makes fresh finders (with their own reader caches). */
export function importFinders(SQL: SqlJsStatic): ImportFinder[] {
  return [
    folderFinder('tensorboard', findTensorBoardRuns, (root, folder, problems) => new TensorBoardRunReader(root, folder, problems), 1),
    folderFinder('wandb', findWandbRuns, (root, folder, problems) => new WandbRunReader(root, folder, problems), 2),
    mlflowFinder(),
    wholeFinder('mlflow-db', findMlflowSqliteFiles, async (file) => [file, `${file}-wal`], (root, file, problems) => readMlflowSqlite(SQL, root, file, problems)),
    dvcliveFinder(),
    wholeFinder('swanlab', findSwanlabRoots, (dir) => filesBelow(dir, 5), (root, dir, problems) => readSwanlab(SQL, root, dir, problems)),
  ];
}
