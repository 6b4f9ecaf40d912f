import * as vscode from 'vscode';
import type { ImportSource } from './core/importers/model';
import { IMPORT_SOURCES } from './core/importers/sources';
import { DEFAULT_HEARTBEAT_TIMEOUT_SECONDS } from './core/status';
import { DEFAULT_MAX_LINE_BYTES, DEFAULT_QUIET_MS } from './core/ingest/tailer';
import type { IngestOptions } from './core/ingest/indexer';

/** Bounds of `labbook.maxLineBytes`: at least 64 KiB, and well below V8's longest string (about 512 MiB). */
const MIN_LINE_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 256 * 1024 * 1024;

/** Typed access to the `labbook.*` settings (declared in package.json). */
export function settings() {
  const c = vscode.workspace.getConfiguration('labbook');
  return {
    logRoot: normalizeRoot(c.get<string>('logRoot', 'labbook')),
    heartbeatTimeoutSeconds: Math.max(5, c.get<number>('heartbeatTimeoutSeconds', DEFAULT_HEARTBEAT_TIMEOUT_SECONDS)),
    pollIntervalSeconds: Math.max(0.5, c.get<number>('pollIntervalSeconds', 2)),
    maxChartPoints: Math.max(100, c.get<number>('maxChartPoints', 4000)),
    maxLineBytes: clamp(c.get<number>('maxLineBytes', DEFAULT_MAX_LINE_BYTES), MIN_LINE_BYTES, MAX_LINE_BYTES, DEFAULT_MAX_LINE_BYTES),
  };
}

function clamp(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}

/** How run logs are read: the line limit, and how long a writer must be quiet before a last line without newline is read (never longer than the heartbeat timeout). */
export function ingestOptions(): IngestOptions {
  const s = settings();
  return { maxLineBytes: s.maxLineBytes, quietMs: Math.min(DEFAULT_QUIET_MS, s.heartbeatTimeoutSeconds * 1000) };
}

/** The log root must stay inside the workspace folder: no absolute paths, no `..`. */
function normalizeRoot(value: string): string {
  const parts = value.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..') || /^[a-zA-Z]:/.test(value) || value.startsWith('/')) return 'labbook';
  return parts.join('/');
}

/** Where and which other trackers' output is read (`labbook.import.*`). */
export interface ImportSettings {
  /** Trackers switched on. */
  readonly sources: ReadonlySet<ImportSource>;
  readonly searchWorkspace: boolean;
  /** Workspace-relative (posix) folders to look in as well. */
  readonly folders: readonly string[];
  /** Entries of `labbook.import.folders` that were refused (absolute, leaving the workspace, not text). */
  readonly refused: readonly string[];
}

export function importSettings(): ImportSettings {
  const c = vscode.workspace.getConfiguration('labbook.import');
  const switches = c.get<Record<string, unknown>>('sources', {}) ?? {};
  const sources = new Set(IMPORT_SOURCES.filter((s) => switches[s] !== false));
  const folders: string[] = [];
  const refused: string[] = [];
  for (const entry of c.get<unknown[]>('folders', []) ?? []) {
    const rel = typeof entry === 'string' ? insideWorkspace(entry) : undefined;
    if (rel === undefined) refused.push(String(entry));
    else if (!folders.includes(rel)) folders.push(rel);
  }
  return { sources, searchWorkspace: c.get<boolean>('searchWorkspace', true) !== false, folders, refused };
}

/** A workspace-relative posix path that stays inside the workspace (`.` for the root), or undefined. */
function insideWorkspace(value: string): string | undefined {
  if (value.startsWith('/') || value.startsWith('\\') || /^[a-zA-Z]:/.test(value) || value.includes('\0')) return undefined;
  const parts = value.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return undefined;
  return parts.length ? parts.join('/') : '.';
}
