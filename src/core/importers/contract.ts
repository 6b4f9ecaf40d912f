/**
 * What every importer of another tracker's output provides, and what the index takes from it.
 *
 * An `Importer` (see `registry.ts`) names a tracker (source, label, icon, how long silence means its
 * run ended), finds the places the tracker wrote to, and opens a `PlaceReader` for each; the index
 * (`ingest/importIndex.ts`) turns each place into an `ImportUnit` and stores the runs it gives.
 * Times are Unix seconds throughout.
 */
import type { SqlJsStatic } from 'sql.js';
import type { RunStatusValue } from '../format/records';
import type { Problems } from '../problems';
import type { EmbeddedImage } from './embedded';

/** The trackers whose local output Labbook reads (besides its own run logs). */
export type ImportSource = 'mlflow' | 'tensorboard' | 'dvclive' | 'wandb' | 'swanlab';

/**
 * Other trackers write less often than Labbook's heartbeat (TensorBoard flushes every two minutes,
 * MLflow only when a metric is logged): their runs get at least ten minutes of silence.
 */
export const IMPORTED_SILENCE_SECONDS = 600;

/** One metric series as read from another tracker's files, in file order (not necessarily sorted). */
export interface ImportedSeries {
  readonly steps: number[];
  readonly values: number[];
  /** Wall time in Unix seconds, or null when the format has none. */
  readonly times: (number | null)[];
}

/**
 * A run read from another tracker's files, in Labbook's terms. Readers build these; the index
 * stores them next to native runs, marked with their source. Nothing is ever written back.
 */
export interface ImportedRun {
  readonly source: ImportSource;
  /** Stable and unique across the workspace, e.g. `mlflow:mlruns/2/7fff4694…` or `tensorboard:lightning_logs/version_0`. */
  readonly uid: string;
  readonly experiment: string;
  readonly name: string;
  readonly description?: string;
  readonly status: RunStatusValue;
  /** Unix seconds. */
  readonly startTime?: number;
  readonly endTime?: number;
  readonly params: Record<string, unknown>;
  readonly tags: string[];
  readonly note?: string;
  /** Deleted in the source tool (MLflow lifecycle, trash): shown marked, never hidden silently. */
  readonly deleted?: boolean;
  /** Workspace-relative (posix) folder of the run, or of the file it came from. */
  readonly folder: string;
  readonly metrics: Map<string, ImportedSeries>;
  /** Workspace-relative (posix) paths of artifact files (images, models, text) that exist on disk. */
  readonly artifacts: string[];
  /** Images stored inside the tool's own files (TensorBoard image summaries), openable as artifacts. */
  readonly images?: readonly EmbeddedImage[];
  /**
   * Which of several values logged at one step is the one shown: `last` for trackers that keep
   * every value and report the latest (MLflow); the first otherwise (Labbook's own rule).
   */
  readonly sameStep?: 'last';
  /** System metrics (CPU, GPU…) go into `metrics` under `system/…`; console output if the tool kept it. */
  readonly console?: string;
}

/** How long a run of a tracker may stay quiet and still be running, and what it is once it went quiet. */
export interface SilenceRule {
  readonly seconds: number;
  /** `finished` for trackers that write no end marker (DVCLive); `killed` for those that do. */
  readonly then: 'killed' | 'finished';
}

/**
 * A bound on one read of a big file: the reader stops after about `bytes` more bytes and sets
 * `more`, so that the run and its points so far can be stored and shown; the next read goes on.
 * Readers that cannot stop midway read everything and leave `more` false. A read given a slice may
 * hand over series arrays it keeps appending to: store them before reading again.
 */
export interface ReadSlice {
  readonly bytes: number;
  more: boolean;
}

/** What a reader is given for one read. */
export interface ReadContext {
  /** The workspace folder (absolute); every path read is inside it. */
  readonly root: string;
  readonly problems: Problems;
  readonly SQL: SqlJsStatic;
  /** Unix seconds: decides whether a quiet run is still running. */
  readonly now: number;
  /** Read only about this much now (see ReadSlice). */
  readonly slice?: ReadSlice;
}

/** One place a tracker wrote to: a run folder, a store folder, or a database file (absolute paths). */
export interface Place {
  readonly path: string;
  readonly isFile: boolean;
  /** The index key prefix of the unit made of it (`tensorboard`, `mlflow`, `mlflow-db`…). */
  readonly kind: string;
  /** The reader reports by itself when it finds none of its tracker's runs here (a file taken by its header alone). */
  readonly saysWhenEmpty?: boolean;
}

/** Reads one place, again whenever its files changed; kept between syncs, so it may keep what it decoded. */
export interface PlaceReader {
  /** Files whose sizes and modification times tell whether the place changed. */
  files(): Promise<string[]>;
  read(ctx: ReadContext): Promise<ImportedRun[]>;
}

/** One tracker Labbook reads: who it is, where its output is, and how to read it. */
export interface Importer {
  readonly source: ImportSource;
  /** The tracker's name as users know it (`W&B`). */
  readonly label: string;
  /** Its icon, relative to the extension folder. */
  readonly icon: string;
  readonly silence: SilenceRule;
  /** The places below `start` (absolute) the tracker wrote to. */
  find(start: string): Promise<Place[]>;
  open(place: Place): PlaceReader;
}

/**
 * A piece of another tracker's output that is read as a whole: a TensorBoard run folder, an
 * MLflow store, a DVCLive folder, a W&B run, a SwanLab log folder.
 */
export interface ImportUnit {
  /** Stable key, e.g. `tensorboard:lightning_logs/version_0`. */
  readonly key: string;
  /** Files whose sizes and modification times tell whether the unit changed. */
  files(): Promise<string[]>;
  /** The unit's runs as far as read; with `slice`, possibly only part of a big file (`slice.more` says so). */
  read(problems: Problems, slice?: ReadSlice): Promise<ImportedRun[]>;
}

/** Finds the import units in a workspace. */
export type ImportFinder = (workspaceRoot: string) => Promise<ImportUnit[]>;
