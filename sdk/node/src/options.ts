// What a run is told: the format it writes, its options with their defaults, and the types
// of the public API.
import * as path from 'path';

export const FORMAT = 'labbook-run';
export const FORMAT_VERSION = 1;
export const DEFAULT_LOGDIR = 'labbook';
export const ALERT_LEVELS = ['info', 'warning', 'error'] as const;

export type RunStatus = 'running' | 'finished' | 'failed' | 'killed';
export type FinalStatus = 'finished' | 'failed' | 'killed';
export type AlertLevel = (typeof ALERT_LEVELS)[number];
export type Tags = string | readonly string[] | Readonly<Record<string, unknown>>;

export interface RunOptions {
  /** Experiment the run belongs to (default `"default"`). */
  project?: string;
  name?: string;
  description?: string;
  /** Labels; an object `{key: value}` becomes tags `key:value`. */
  tags?: Tags;
  /** Configuration: nested objects are flattened with `.` in the log. */
  config?: Record<string, unknown>;
  /** Log root; default `$LABBOOK_DIR`, else `./labbook`. */
  logdir?: string;
  /** A run id (or run folder) to append to instead of starting a new run. */
  resume?: string;
  /** Each capture can also be switched off with its environment variable (`LABBOOK_CAPTURE_ENV=0` …). */
  captureEnv?: boolean;
  captureGit?: boolean;
  capturePackages?: boolean;
  captureConsole?: boolean;
  captureSystem?: boolean;
  /** Seconds between system metric samples (default 10, `LABBOOK_SYSTEM_SECONDS`). */
  systemInterval?: number;
  /** Seconds between heartbeats (default 10, `LABBOOK_HEARTBEAT_SECONDS`). */
  heartbeatInterval?: number;
  /** Seconds between buffer flushes (default 0.5, `LABBOOK_FLUSH_SECONDS`). */
  flushInterval?: number;
  /**
   * Write `killed by SIGTERM` (SIGINT, SIGHUP) before the process dies of the signal, when the program
   * does not handle it (default false, `LABBOOK_HANDLE_SIGNALS=1`). Only for programs that give the
   * event loop a turn: a JavaScript signal handler cannot run during a synchronous loop, so it would
   * hold the signal until the loop ends. Without it a signal stops the program at once, as without
   * Labbook, and the extension shows the run as killed (its process is gone).
   */
  handleSignals?: boolean;
}

export interface DatasetOptions {
  /** A local file or folder (hashed). A `scheme://` string that is not a local path is taken as a URI. */
  path?: string;
  /** A remote location. */
  uri?: string;
  description?: string;
  context?: string;
}

export interface DatasetRecord {
  t: 'dataset';
  name: string;
  path?: string;
  size?: number;
  sha256?: string;
  uri?: string;
  description?: string;
  context?: string;
  time: number;
}

export const DEFAULT_HEARTBEAT_SECONDS = 10;
export const DEFAULT_FLUSH_SECONDS = 0.5;
export const DEFAULT_SYSTEM_SECONDS = 10;
/** Lines are written once they hold this many characters (or every flushInterval): a small buffer
 *  keeps the lines young, so they cost the garbage collector next to nothing. */
export const MAX_BUFFER_CHARS = 64 * 1024;
/** Records kept in memory while writes fail (a full disk); past it newer ones are lost. */
export const DEFAULT_MAX_PENDING_BYTES = 64 * 1024 * 1024;

/** `logdir`, else `$LABBOOK_DIR`, else `./labbook`, as an absolute path. */
export function resolveLogdir(logdir?: string): string {
  return path.resolve(logdir ?? process.env.LABBOOK_DIR ?? DEFAULT_LOGDIR);
}

/** Bytes of records kept in memory while writes fail: `LABBOOK_MAX_PENDING_BYTES` or 64 MB. */
export function maxPendingBytes(): number {
  const raw = process.env.LABBOOK_MAX_PENDING_BYTES;
  const v = raw ? Number(raw) : NaN;
  return Number.isSafeInteger(v) && v > 0 ? v : DEFAULT_MAX_PENDING_BYTES;
}
