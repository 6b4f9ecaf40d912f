import * as vscode from 'vscode';
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
