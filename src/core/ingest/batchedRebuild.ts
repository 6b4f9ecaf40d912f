import * as path from 'path';
import type { Store } from '../store/store';
import { findEventFiles } from './discover';
import { emptyChanges, mergeChanges, type IngestChanges } from './changes';
import type { Indexer } from './indexer';

/** How far a rebuild has come. */
export interface RebuildProgress {
  /** Run logs (and edits files) read so far, of `totalFiles`. */
  readonly files: number;
  readonly totalFiles: number;
  /** Points in the index now. */
  readonly points: number;
  readonly elapsedMs: number;
}

export interface RebuildOutcome extends RebuildProgress {
  readonly changes: IngestChanges;
  readonly runs: number;
  /** Stopped by `isCancelled` before every log was read (what was read stays in the index). */
  readonly cancelled: boolean;
}

/** Logs read between two progress reports (and two chances to cancel). */
const DEFAULT_BATCH = 50;

/** Points in the index: the sum of its series' counts, one small query. */
export function indexedPoints(store: Store): number {
  return Number(store.selectRows('SELECT COALESCE(SUM(count), 0) FROM series', [])[0][0] ?? 0);
}

/**
 * Empties the index and reads every log under `logRoot` (absolute) again, a batch of files at a
 * time through `indexer`, reporting progress after each batch and stopping early when asked to.
 */
export async function rebuildInBatches(store: Store, indexer: Indexer, logRoot: string, opts: {
  readonly batch?: number;
  readonly onProgress?: (p: RebuildProgress) => void;
  readonly onBatch?: (changes: IngestChanges) => void;
  readonly isCancelled?: () => boolean;
} = {}): Promise<RebuildOutcome> {
  const started = Date.now();
  const batch = Math.max(1, opts.batch ?? DEFAULT_BATCH);
  store.clear();
  const files = await findEventFiles(path.resolve(logRoot)).catch(() => [] as string[]);
  const changes = emptyChanges();
  const progress = (done: number): RebuildProgress => ({ files: done, totalFiles: files.length, points: indexedPoints(store), elapsedMs: Date.now() - started });
  let done = 0;
  opts.onProgress?.(progress(0));
  while (done < files.length && !opts.isCancelled?.()) {
    const part = files.slice(done, done + batch);
    const read = await indexer.sync(part);
    done += part.length;
    mergeChanges(changes, read);
    opts.onBatch?.(read);
    opts.onProgress?.(progress(done));
  }
  return { ...progress(done), changes, runs: store.listRuns().length, cancelled: done < files.length };
}

/** "1,234 runs and 5.6 M points a second" style rate of a rebuild so far. */
export function rebuildRate(p: RebuildProgress): string {
  const seconds = Math.max(p.elapsedMs, 1) / 1000;
  const points = p.points / seconds;
  const pointText = points >= 1e6 ? `${(points / 1e6).toFixed(2)} M` : points >= 1e3 ? `${(points / 1e3).toFixed(1)} k` : points.toFixed(0);
  return `${(p.files / seconds).toFixed(p.files / seconds >= 10 ? 0 : 1)} logs/s, ${pointText} points/s`;
}
