import type { RunStatusValue } from '../format/records';
import type { EmbeddedImage } from './embedded';

/** The trackers whose local output Labbook reads (besides its own run logs). */
export type ImportSource = 'mlflow' | 'tensorboard' | 'dvclive' | 'wandb' | 'swanlab';

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
