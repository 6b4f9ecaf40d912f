import * as vscode from 'vscode';
import type { ImportSource } from './core/importers/model';
import { IMPORT_SOURCES } from './core/importers/sources';
import { DEFAULT_HEARTBEAT_TIMEOUT_SECONDS } from './core/status';

/** Typed access to the `labbook.*` settings (declared in package.json). */
export function settings() {
  const c = vscode.workspace.getConfiguration('labbook');
  return {
    logRoot: normalizeRoot(c.get<string>('logRoot', 'labbook')),
    heartbeatTimeoutSeconds: Math.max(5, c.get<number>('heartbeatTimeoutSeconds', DEFAULT_HEARTBEAT_TIMEOUT_SECONDS)),
    pollIntervalSeconds: Math.max(0.5, c.get<number>('pollIntervalSeconds', 2)),
    maxChartPoints: Math.max(100, c.get<number>('maxChartPoints', 4000)),
  };
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
