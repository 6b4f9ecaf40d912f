import * as vscode from 'vscode';
import type { SqlJsStatic } from 'sql.js';
import { Disposable } from './disposable';
import type { IngestChanges } from './core/ingest/indexer';
import type { TriggeredAlert } from './core/alerts';
import type { Problems } from './core/problems';
import { IndexService, type WorkerPlace } from './indexService';

/** One index per workspace folder (multi-root workspaces), kept in step with the folders. */
export class WorkspaceIndexes extends Disposable {
  private readonly services = new Map<string, IndexService>();
  private readonly changeEmitter = this.register(new vscode.EventEmitter<{ index: IndexService; changes: IngestChanges }>());
  readonly onDidChange = this.changeEmitter.event;
  private readonly alertEmitter = this.register(new vscode.EventEmitter<TriggeredAlert[]>());
  readonly onDidTriggerAlerts = this.alertEmitter.event;
  private readonly listeners = new Map<string, vscode.Disposable[]>();

  /** `worker`: where the index worker is; without it every index runs in this thread. */
  constructor(private readonly SQL: SqlJsStatic, private readonly problems: Problems, private readonly worker?: WorkerPlace) {
    super();
    this.register(vscode.workspace.onDidChangeWorkspaceFolders((e) => {
      for (const f of e.removed) void this.remove(f);
      for (const f of e.added) void this.add(f).then((s) => s?.refresh());
    }));
    // Restricted Mode keeps every index in memory; once the workspace is trusted they are written again.
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => {
      for (const s of this.all()) void s.enableWrites();
    }));
  }

  /** Opens the index of every folder and reads what changed since last time. Never fails: a folder that cannot be opened is reported and left out. */
  async start(): Promise<void> {
    await this.open();
    await Promise.all(this.all().map((s) => s.refresh()));
  }

  /** Opens the index of every folder (what it held last time is there at once), without reading the logs. */
  async open(): Promise<void> {
    for (const folder of vscode.workspace.workspaceFolders ?? []) await this.add(folder);
  }

  private async add(folder: vscode.WorkspaceFolder): Promise<IndexService | undefined> {
    const key = folder.uri.toString();
    const existing = this.services.get(key);
    if (existing) return existing;
    const prefix = (vscode.workspace.workspaceFolders?.length ?? 1) > 1 ? `${folder.name}: ` : '';
    let service: IndexService;
    try {
      service = await IndexService.create(folder, this.SQL, { report: (m) => this.problems.report(prefix + m) }, { readOnly: !vscode.workspace.isTrusted, worker: this.worker });
    } catch (e) {
      this.problems.report(`${prefix}could not open the index: ${(e as Error).stack ?? e}`);
      return undefined;
    }
    this.services.set(key, service);
    this.listeners.set(key, [
      service.onDidChange((changes) => this.changeEmitter.fire({ index: service, changes })),
      service.onDidTriggerAlerts((alerts) => this.alertEmitter.fire(alerts)),
    ]);
    return service;
  }

  private async remove(folder: vscode.WorkspaceFolder): Promise<void> {
    const key = folder.uri.toString();
    const service = this.services.get(key);
    if (!service) return;
    this.services.delete(key);
    for (const l of this.listeners.get(key) ?? []) l.dispose();
    this.listeners.delete(key);
    await service.close();
    this.changeEmitter.fire({ index: service, changes: { runs: new Set(), points: new Map(), reset: new Set(), removed: new Set() } });
  }

  /** In the order of the workspace folders. */
  all(): IndexService[] {
    return [...this.services.values()].sort((a, b) => a.folder.index - b.folder.index);
  }

  /** The index that holds run `uid` (the first, if two folders have the same id). */
  find(uid: string): IndexService | undefined {
    return this.all().find((s) => s.run(uid) !== undefined);
  }

  async whenIdle(): Promise<void> {
    await Promise.all(this.all().map((s) => s.whenIdle()));
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((s) => s.close()));
    this.services.clear();
    this.dispose();
  }
}
