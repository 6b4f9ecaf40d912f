/**
 * Folders that look like another tracker's output but that no reader took: named `dvclive`,
 * `swanlog`, `mlruns`, `wandb` or `lightning_logs`, or holding `events.out.tfevents.*`,
 * `runs.swanlab` or `meta.yaml`. Each gets one message saying what was found and why it was not
 * read, instead of the silent nothing a user cannot tell from "Labbook does not look there".
 */
import type * as fs from 'fs';
import * as path from 'path';
import { VENDOR_FOLDERS, walkFolders } from '../fsWalk';
import { isInside } from '../safePath';
import type { ImportSource } from './contract';
import { workspacePath } from './shared';

const MAX_DEPTH = 6;
const SHOWN_ENTRIES = 6;

/** What a folder's name or contents suggest, and what the reader of that tracker needs. */
interface Lookalike {
  readonly source: ImportSource;
  readonly tracker: string;
  readonly why: string;
  readonly needs: string;
}

function lookalike(dir: string, entries: readonly fs.Dirent[]): Lookalike | undefined {
  const name = path.basename(dir);
  const files = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
  const needs = {
    dvclive: 'metrics.json, params.yaml, plots/metrics/*.tsv, scalars/*.tsv or *.tsv files',
    swanlab: 'run-* folders with backup.swanlab or logs/, or a readable runs.swanlab',
    mlflow: 'experiment folders (numbered, with meta.yaml) holding run folders',
    wandb: 'run-*/offline-run-* folders with a .wandb file',
    tensorboard: 'version_* or run folders with events.out.tfevents.* files holding scalars',
  };
  if (name === 'dvclive') return { source: 'dvclive', tracker: 'DVCLive', why: 'a folder named dvclive', needs: needs.dvclive };
  if (name === 'swanlog') return { source: 'swanlab', tracker: 'SwanLab', why: 'a folder named swanlog', needs: needs.swanlab };
  if (files.has('runs.swanlab')) return { source: 'swanlab', tracker: 'SwanLab', why: 'it holds runs.swanlab', needs: needs.swanlab };
  if (name === 'mlruns') return { source: 'mlflow', tracker: 'MLflow', why: 'a folder named mlruns', needs: needs.mlflow };
  if (files.has('meta.yaml')) return { source: 'mlflow', tracker: 'MLflow', why: 'it holds meta.yaml', needs: needs.mlflow };
  if (name === 'wandb') return { source: 'wandb', tracker: 'W&B', why: 'a folder named wandb', needs: needs.wandb };
  if (name === 'lightning_logs') return { source: 'tensorboard', tracker: 'TensorBoard', why: 'a folder named lightning_logs', needs: needs.tensorboard };
  if ([...files].some((f) => f.startsWith('events.out.tfevents.'))) {
    return { source: 'tensorboard', tracker: 'TensorBoard', why: 'it holds events.out.tfevents.* files', needs: 'event files that can be read' };
  }
  return undefined;
}

/** A location a reader took: a folder, or a file (an SQLite store). */
export interface Found {
  readonly source: ImportSource;
  readonly path: string;
  readonly isFile: boolean;
}

/**
 * Messages for the look-alike folders below `start` (absolute) of the trackers switched on that
 * are neither one of `found` (the locations the readers took), nor inside one, nor hold one.
 */
export async function lookalikeMessages(root: string, start: string, found: readonly Found[], sources: ReadonlySet<ImportSource>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  // A database file covers its folder for its tracker (mlflow.db beside an mlruns/ of artifacts).
  const covers = (f: Found, dir: string, source: ImportSource) =>
    isInside(dir, f.path) || (isInside(f.isFile ? path.dirname(f.path) : f.path, dir) && (!f.isFile || f.source === source));
  await walkFolders(start, {
    maxDepth: MAX_DEPTH,
    skip: VENDOR_FOLDERS,
    folder: (dir, entries, depth) => {
      if (depth === 0 && dir === root) return;
      // What a reader took is its business (and may be large): not looked inside.
      if (found.some((f) => !f.isFile && isInside(f.path, dir))) return false;
      const l = lookalike(dir, entries);
      if (!l || !sources.has(l.source) || found.some((f) => covers(f, dir, l.source))) return;
      const shown = entries.slice(0, SHOWN_ENTRIES).map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort();
      const holds = entries.length === 0 ? 'it is empty' : `it holds ${shown.join(', ')}${entries.length > SHOWN_ENTRIES ? `, … (${entries.length} entries)` : ''}`;
      const rel = workspacePath(root, dir);
      out.set(dir, `${rel}: looks like ${l.tracker} output (${l.why}) but was not read: ${holds}; the ${l.tracker} reader needs ${l.needs}`);
      return false;
    },
  });
  return out;
}
