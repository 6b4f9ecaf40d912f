import * as vscode from 'vscode';
import type { SqlJsStatic } from 'sql.js';
import type { Problems } from '../core/problems';
import { readLabbookModels } from '../core/models/labbookRegistry';
import { readMlflowModels } from '../core/models/readModels';
import type { ModelVersionInfo, RegisteredModelInfo } from '../core/models/model';
import type { IndexService } from '../indexService';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import { COMMANDS } from '../commands/ids';

/** A node of the Models view: a model (with the folder it lives in) or one of its versions. */
export type ModelNode =
  | { readonly kind: 'model'; readonly index: IndexService; readonly model: RegisteredModelInfo }
  | { readonly kind: 'version'; readonly index: IndexService; readonly model: RegisteredModelInfo; readonly version: ModelVersionInfo };

const SOURCE_LABEL = { labbook: 'Labbook', mlflow: 'MLflow' } as const;
/** MLflow's registries are found by walking the workspace: not more often than this, unless asked. */
const MLFLOW_REREAD_MS = 30_000;

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

/** What the Models view shows: every registry of every workspace folder, read on refresh. */
export class ModelsTree implements vscode.TreeDataProvider<ModelNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ModelNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private models: Array<{ index: IndexService; model: RegisteredModelInfo }> = [];
  private loading: Promise<void> | undefined;
  private again = false;
  private full = false;
  private readonly mlflow = new Map<string, { at: number; models: RegisteredModelInfo[] }>();

  constructor(
    private readonly indexes: WorkspaceIndexes,
    private readonly SQL: SqlJsStatic,
    private readonly problems: Problems,
  ) {}

  /**
   * Reads the registries again (at most one read at a time; a request during one reads once more
   * after it). Labbook's registry is read every time; MLflow's at most every 30 s unless `full`.
   */
  reload(full = false): Promise<void> {
    this.full ||= full;
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.again = false;
        const mlflowNow = this.full;
        this.full = false;
        const next: Array<{ index: IndexService; model: RegisteredModelInfo }> = [];
        for (const index of this.indexes.all()) {
          const root = index.folder.uri.fsPath;
          try {
            for (const model of await readLabbookModels(root, index.logRoot, this.problems)) next.push({ index, model });
            let cached = this.mlflow.get(root);
            if (mlflowNow || !cached || Date.now() - cached.at > MLFLOW_REREAD_MS) this.mlflow.set(root, (cached = { at: Date.now(), models: await readMlflowModels(this.SQL, root, this.problems) }));
            for (const model of cached.models) next.push({ index, model });
          } catch (e) {
            this.problems.report(`reading the models of ${index.folder.name} failed: ${(e as Error).message}`);
          }
        }
        this.models = next;
        this.changed.fire(undefined);
      } while (this.again);
    })().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** What is shown, for tests: model names with their versions and aliases. */
  snapshot(): Array<{ name: string; source: string; versions: Array<{ version: number; aliases: readonly string[]; runUid?: string }> }> {
    return this.models.map(({ model }) => ({
      name: model.name,
      source: model.source,
      versions: model.versions.map((v) => ({ version: v.version, aliases: v.aliases, runUid: v.runUid })),
    }));
  }

  getChildren(node?: ModelNode): ModelNode[] {
    if (!node) return this.models.map(({ index, model }) => ({ kind: 'model', index, model }));
    if (node.kind === 'model') return [...node.model.versions].reverse().map((version) => ({ kind: 'version', index: node.index, model: node.model, version }));
    return [];
  }

  getParent(node: ModelNode): ModelNode | undefined {
    return node.kind === 'version' ? { kind: 'model', index: node.index, model: node.model } : undefined;
  }

  getTreeItem(node: ModelNode): vscode.TreeItem {
    const multi = this.indexes.all().length > 1;
    if (node.kind === 'model') {
      const m = node.model;
      const item = new vscode.TreeItem(m.name, vscode.TreeItemCollapsibleState.Expanded);
      const aliases = Object.entries(m.aliases).map(([a, v]) => `@${a} → v${v}`).join(' · ');
      item.id = `${node.index.folder.uri.toString()}|${m.source}|${m.location}|${m.name}`;
      item.description = [m.source === 'mlflow' ? 'MLflow' : '', `${m.versions.length} version${m.versions.length === 1 ? '' : 's'}`, aliases].filter(Boolean).join(' · ');
      const tip = new vscode.MarkdownString();
      tip.appendText(`${m.name} (${SOURCE_LABEL[m.source]} model${multi ? ` in ${node.index.folder.name}` : ''})\n\n`);
      if (m.description) tip.appendText(`${m.description}\n\n`);
      tip.appendText(`${m.location}${m.writable ? '' : '\nRead-only: Labbook does not change MLflow’s registry.'}`);
      item.tooltip = tip;
      item.iconPath = new vscode.ThemeIcon('package');
      item.contextValue = `model.${m.source}`;
      return item;
    }
    const { model: m, version: v } = node;
    const item = new vscode.TreeItem(`v${v.version}`, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.index.folder.uri.toString()}|${m.source}|${m.location}|${m.name}|${v.version}`;
    const metrics = Object.entries(v.metrics).slice(0, 3).map(([k, x]) => `${k} ${fmt(x)}`);
    const run = v.runUid !== undefined ? node.index.run(v.runUid) : undefined;
    item.description = [
      ...v.aliases.map((a) => `@${a}`),
      v.stage,
      run?.name ?? v.runName ?? v.runId?.slice(0, 12),
      ...metrics,
    ].filter(Boolean).join(' · ');
    const tip = new vscode.MarkdownString();
    tip.appendText(`${m.name} version ${v.version}${v.aliases.length ? `  (${v.aliases.map((a) => `@${a}`).join(', ')})` : ''}\n\n`);
    if (v.description) tip.appendText(`${v.description}\n\n`);
    const lines = [
      v.stage ? `Stage: ${v.stage}` : '',
      v.runId ? `Run: ${run?.name ?? v.runName ? `${run?.name ?? v.runName} (${v.runId})` : v.runId}${run?.experiment ?? v.experiment ? ` in ${run?.experiment ?? v.experiment}` : ''}` : '',
      v.artifact ? `Artifact: ${v.artifact}` : '',
      v.path ? `File: ${v.path}` : 'File: not in this workspace',
      v.sha256 ? `SHA-256: ${v.sha256}` : '',
      v.time ? `Registered: ${new Date(v.time * 1000).toLocaleString()}` : '',
      ...Object.entries(v.metrics).map(([k, x]) => `${k} = ${fmt(x)}`),
    ].filter(Boolean);
    tip.appendText(lines.join('\n'));
    item.tooltip = tip;
    item.iconPath = new vscode.ThemeIcon(v.aliases.length ? 'star-full' : 'versions');
    const known = run !== undefined;
    item.contextValue = `modelVersion.${m.source}${known ? '.run' : ''}${v.path ? '.file' : ''}`;
    if (known) item.command = { command: COMMANDS.openRun, title: 'Open Run', arguments: [v.runUid, { preview: true }] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
