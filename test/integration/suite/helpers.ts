import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LabbookApi, TreeSnapshot } from '../../../src/api';

export const EXTENSION_ID = 'labbook.labbook';

export async function labbookApi(): Promise<LabbookApi> {
  const ext = vscode.extensions.getExtension<LabbookApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed`);
  const api = ext.isActive ? ext.exports : await ext.activate();
  assert.ok(api && typeof api.whenIdle === 'function' && typeof api.snapshot === 'function', 'activate() did not return the LabbookApi');
  return api;
}

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder.uri.fsPath;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls `probe` (after `api.whenIdle()`) until it returns a value other than undefined/false.
 * File watchers are asynchronous, so one whenIdle() right after a write may come too early.
 */
export async function eventually<T>(
  api: LabbookApi,
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    await api.whenIdle();
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
      last = undefined;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const snap = JSON.stringify(api.snapshot());
      throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}${last ? `\nlast error: ${String(last)}` : ''}\nsnapshot: ${snap.slice(0, 2000)}`);
    }
    await sleep(200);
  }
}

export type SnapshotRun = TreeSnapshot['experiments'][number]['runs'][number];

export function findRun(snap: TreeSnapshot, project: string, runId: string): SnapshotRun | undefined {
  return snap.experiments.find((e) => e.name === project)?.runs.find((r) => r.id === runId);
}

/** Order-independent form of a snapshot, for equality checks. */
export function normalize(snap: TreeSnapshot): TreeSnapshot {
  return {
    experiments: [...snap.experiments]
      .map((e) => ({ name: e.name, runs: [...e.runs].map((r) => ({ id: r.id, name: r.name, status: r.status, pointCount: r.pointCount })).sort((a, b) => a.id.localeCompare(b.id)) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export function webviewTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview);
}
