import * as vscode from 'vscode';
import type { ImportSource } from './core/importers/contract';
import { IMPORT_SOURCES } from './core/importers/registry';
import { DEFAULT_HEARTBEAT_TIMEOUT_SECONDS } from './core/status';
import { valueInRestrictedMode } from './core/restrictedSettings';
import { DEFAULT_MAX_LINE_BYTES, DEFAULT_QUIET_MS } from './core/ingest/tailer';
import type { IngestOptions } from './core/ingest/indexer';

/**
 * A setting that an untrusted workspace must not choose (RESTRICTED_SETTINGS): in Restricted Mode
 * the user's value or the default, whatever the workspace's settings say.
 */
function restricted<T>(section: string, key: string, fallback: T): T {
  const c = vscode.workspace.getConfiguration(section);
  if (vscode.workspace.isTrusted) return c.get<T>(key, fallback);
  return valueInRestrictedMode(c.inspect<T>(key), fallback);
}

/** Bounds of `labbook.maxLineBytes`: at least 64 KiB, and well below V8's longest string (about 512 MiB). */
const MIN_LINE_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 256 * 1024 * 1024;

/** Typed access to the `labbook.*` settings (declared in package.json). */
export function settings() {
  const c = vscode.workspace.getConfiguration('labbook');
  return {
    logRoot: normalizeRoot(restricted<unknown>('labbook', 'logRoot', 'labbook')),
    heartbeatTimeoutSeconds: bounded(c.get<unknown>('heartbeatTimeoutSeconds'), DEFAULT_HEARTBEAT_TIMEOUT_SECONDS, 5, 30 * 86400),
    pollIntervalSeconds: bounded(c.get<unknown>('pollIntervalSeconds'), 2, 0.5, 3600),
    maxChartPoints: Math.round(bounded(c.get<unknown>('maxChartPoints'), 4000, 100, 1_000_000)),
    maxLineBytes: Math.floor(bounded(c.get<unknown>('maxLineBytes'), DEFAULT_MAX_LINE_BYTES, MIN_LINE_BYTES, MAX_LINE_BYTES)),
    /** Largest PDF artifact drawn on the run page, in MB (bigger ones offer the system viewer); an untrusted workspace cannot raise it. */
    pdfPreviewMaxMB: bounded(restricted<unknown>('labbook', 'pdfPreviewMaxMB', 50), 50, 1, 512),
  };
}

/** A number setting within [min, max]; the default when it is not a number (a workspace can write anything). */
function bounded(value: unknown, fallback: number, min: number, max: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

/** How run logs are read: the line limit, and how long a writer must be quiet before a last line without newline is read (never longer than the heartbeat timeout). */
export function ingestOptions(): IngestOptions {
  const s = settings();
  return { maxLineBytes: s.maxLineBytes, quietMs: Math.min(DEFAULT_QUIET_MS, s.heartbeatTimeoutSeconds * 1000) };
}

/** The log root must stay inside the workspace folder: no absolute paths, no `..`. */
function normalizeRoot(value: unknown): string {
  if (typeof value !== 'string' || value.includes('\0')) return 'labbook';
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
  const listed = restricted<unknown>('labbook.import', 'folders', []);
  for (const entry of Array.isArray(listed) ? listed : []) {
    const rel = typeof entry === 'string' ? insideWorkspace(entry) : undefined;
    if (rel === undefined) refused.push(String(entry));
    else if (!folders.includes(rel)) folders.push(rel);
  }
  return { sources, searchWorkspace: restricted<unknown>('labbook.import', 'searchWorkspace', true) !== false, folders, refused };
}

/** Whether VS Code terminals get the SDK on PYTHONPATH and LABBOOK_DIR (never in Restricted Mode). */
export function terminalEnvironmentEnabled(): boolean {
  return vscode.workspace.isTrusted && restricted<unknown>('labbook', 'terminalEnvironment', true) !== false;
}

/** The Python command of the Quickstart: a user or machine setting (the workspace's is ignored), else the platform's. */
export function pythonCommand(): string {
  const configured = restricted<unknown>('labbook', 'pythonCommand', '');
  const text = typeof configured === 'string' ? configured.trim() : '';
  return text || (process.platform === 'win32' ? 'python' : 'python3');
}

/** A workspace-relative posix path that stays inside the workspace (`.` for the root), or undefined. */
function insideWorkspace(value: string): string | undefined {
  if (value.startsWith('/') || value.startsWith('\\') || /^[a-zA-Z]:/.test(value) || value.includes('\0')) return undefined;
  const parts = value.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return undefined;
  return parts.length ? parts.join('/') : '.';
}
