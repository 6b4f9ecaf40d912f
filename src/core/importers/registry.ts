/**
 * Every tracker Labbook reads, one descriptor each: its name, label and icon, how long silence means
 * its run ended, where its output is, and how a place of it is read. The index, the tree, the status
 * rules and the `labbook.import.sources` setting all take a tracker from here.
 */
import { filesBelow } from './shared';
import { IMPORTED_SILENCE_SECONDS, type Importer, type ImportSource, type Place, type PlaceReader, type ReadContext, type ReadSlice, type ImportedRun } from './contract';
import { findDvcliveRuns, readDvclive, type DvcliveCache } from './dvclive';
import { findMlflowSqliteFiles, findMlflowStores, readMlflowFileStore, readMlflowSqlite, type MlflowRunCache } from './mlflow';
import { findSwanlabRoots, readSwanlab } from './swanlab';
import { findTensorBoardRuns, TensorBoardRunReader } from './tensorboard';
import { findWandbRuns, WandbRunReader } from './wandb';

const QUIET_MEANS_KILLED = { seconds: IMPORTED_SILENCE_SECONDS, then: 'killed' } as const;

/** The places `find` gives, as folders (or files) of one kind. */
function places(kind: string, find: (start: string) => Promise<string[]>, isFile = false): (start: string) => Promise<Place[]> {
  return async (start) => (await find(start)).map((p) => ({ path: p, isFile, kind }));
}

/**
 * A reader of a run folder that decodes incrementally (TensorBoard, W&B): made on the first read
 * and kept, so a live run only decodes what was appended.
 */
function incremental(place: Place, depth: number, make: (root: string, folder: string, ctx: ReadContext) => { read(now: number, slice?: ReadSlice): Promise<ImportedRun | undefined> }): PlaceReader {
  let reader: ReturnType<typeof make> | undefined;
  return {
    files: () => filesBelow(place.path, depth),
    read: async (ctx) => {
      reader ??= make(ctx.root, place.path, ctx);
      const run = await reader.read(ctx.now, ctx.slice);
      return run ? [run] : [];
    },
  };
}

/** A reader of a place read whole each time, with a cache kept between reads. */
function cached<C>(files: () => Promise<string[]>, cache: C, read: (ctx: ReadContext, cache: C) => Promise<ImportedRun[]>): PlaceReader {
  return { files, read: (ctx) => read(ctx, cache) };
}

export const TENSORBOARD: Importer = {
  source: 'tensorboard',
  label: 'TensorBoard',
  icon: 'media/sources/tensorboard.svg',
  silence: QUIET_MEANS_KILLED,
  find: places('tensorboard', findTensorBoardRuns),
  open: (place) => incremental(place, 1, (root, folder, ctx) => new TensorBoardRunReader(root, folder, ctx.problems)),
};

export const WANDB: Importer = {
  source: 'wandb',
  label: 'W&B',
  icon: 'media/sources/wandb.svg',
  silence: QUIET_MEANS_KILLED,
  find: places('wandb', findWandbRuns),
  open: (place) => incremental(place, 2, (root, folder, ctx) => new WandbRunReader(root, folder, ctx.problems)),
};

const mlflowStores = places('mlflow', findMlflowStores);
const mlflowDatabases = places('mlflow-db', findMlflowSqliteFiles, true);

export const MLFLOW: Importer = {
  source: 'mlflow',
  label: 'MLflow',
  icon: 'media/sources/mlflow.svg',
  silence: QUIET_MEANS_KILLED,
  // File stores first, then databases (an SQLite candidate that is no MLflow store says so itself).
  find: async (start) => [...(await mlflowStores(start)), ...(await mlflowDatabases(start)).map((p) => ({ ...p, saysWhenEmpty: true }))],
  open: (place) =>
    place.isFile
      ? { files: async () => [place.path, `${place.path}-wal`], read: (ctx) => readMlflowSqlite(ctx.SQL, ctx.root, place.path, ctx.problems) }
      : cached(() => filesBelow(place.path, 8), new Map() as MlflowRunCache, (ctx, cache) => readMlflowFileStore(ctx.root, place.path, ctx.problems, cache)),
};

export const DVCLIVE: Importer = {
  source: 'dvclive',
  label: 'DVCLive',
  icon: 'media/sources/dvclive.svg',
  // DVCLive writes no end marker: a run that went quiet simply ended.
  silence: { seconds: IMPORTED_SILENCE_SECONDS, then: 'finished' },
  find: places('dvclive', findDvcliveRuns),
  open: (place) => cached(() => filesBelow(place.path, 4), new Map() as DvcliveCache, async (ctx, cache) => [await readDvclive(ctx.root, place.path, ctx.problems, ctx.now, cache)]),
};

export const SWANLAB: Importer = {
  source: 'swanlab',
  label: 'SwanLab',
  icon: 'media/sources/swanlab.svg',
  silence: QUIET_MEANS_KILLED,
  find: places('swanlab', findSwanlabRoots),
  open: (place) => ({ files: () => filesBelow(place.path, 5), read: (ctx) => readSwanlab(ctx.SQL, ctx.root, place.path, ctx.problems, ctx.now) }),
};

/** Every tracker, in the order their places are read. */
export const IMPORTERS: readonly Importer[] = [TENSORBOARD, WANDB, MLFLOW, DVCLIVE, SWANLAB];

/** The names of the trackers Labbook reads (the keys of `labbook.import.sources`). */
export const IMPORT_SOURCES: readonly ImportSource[] = IMPORTERS.map((i) => i.source);

/** The importer of `source`, or undefined for Labbook's own runs and unknown names. */
export function importerOf(source: string): Importer | undefined {
  return IMPORTERS.find((i) => i.source === source);
}
