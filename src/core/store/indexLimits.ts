/**
 * How large the sql.js index may grow. sql.js holds the whole database in one WebAssembly heap and
 * hangs near 3.6 GB; every save also copies it whole. Labbook warns early, stops indexing new data
 * well before the hang, and does not load a file larger than it could ever have saved.
 */
export interface IndexLimits {
  /** Above this a warning says where growth is heading. */
  readonly warnBytes: number;
  /** Above this no new runs or points are indexed (what is indexed stays visible). */
  readonly stopBytes: number;
  /** An index file larger than this is not loaded at all: it is set aside and rebuilt. */
  readonly openMaxBytes: number;
}

export const INDEX_LIMITS: IndexLimits = { warnBytes: 1.5e9, stopBytes: 2.5e9, openMaxBytes: 2.8e9 };

export type IndexSizeLevel = 'ok' | 'warn' | 'stop';

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(0)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

const WHAT_TO_DO = 'To make room, narrow `labbook.logRoot` or `labbook.import.sources` (or move old runs out of the workspace), then run "Labbook: Rebuild Index from Run Logs".';

/** Where an index of `bytes` bytes stands, with the message to show when it is not ok. */
export function indexSizeStatus(bytes: number, limits: IndexLimits = INDEX_LIMITS): { level: IndexSizeLevel; message?: string } {
  if (bytes >= limits.stopBytes) {
    return {
      level: 'stop',
      message: `The Labbook index has reached ${formatBytes(bytes)}, the most it can safely hold (${formatBytes(limits.stopBytes)}): new runs and points are no longer indexed; what is indexed stays visible. ${WHAT_TO_DO}`,
    };
  }
  if (bytes >= limits.warnBytes) {
    return {
      level: 'warn',
      message: `The Labbook index is ${formatBytes(bytes)}; at ${formatBytes(limits.stopBytes)} Labbook stops indexing new points. ${WHAT_TO_DO}`,
    };
  }
  return { level: 'ok' };
}
