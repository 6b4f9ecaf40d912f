import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { IndexService } from '../indexService';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import type { RunRow } from '../core/store/store';
import { effectiveStatus, silenceTimeout, sourceLabel } from '../core/status';
import type { RunStatus } from '../protocol/runPanel';
import type { TreeSnapshot } from '../api';
import { settings } from '../settings';

export interface FolderNode { readonly kind: 'folder'; readonly index: IndexService; readonly experiments: readonly ExperimentNode[] }
export interface ExperimentNode { readonly kind: 'experiment'; readonly index: IndexService; readonly name: string; readonly runs: readonly RunNode[] }
export interface RunNode {
  readonly kind: 'run';
  readonly index: IndexService;
  readonly experiment: string;
  readonly run: RunRow;
  readonly status: RunStatus;
  /** The experiment holds runs of several sources: the run's own description names its source. */
  mixedSources?: boolean;
}
export type TreeNode = FolderNode | ExperimentNode | RunNode;

const STATUS_ICON: Record<RunStatus, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  finished: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  killed: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('charts.orange')),
};

/** Experiment → run tree in the Labbook sidebar. */
export class ExperimentsTree extends Disposable implements vscode.TreeDataProvider<TreeNode> {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<TreeNode | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private folders: FolderNode[] = [];
  private all: RunNode[] = [];
  private archivedShown = false;

  constructor(private readonly indexes: WorkspaceIndexes, private readonly extensionUri: vscode.Uri) {
    super();
    this.reload();
    this.register(indexes.onDidChange(() => this.reload()));
    // A running run can turn into a killed one by silence alone: look again now and then.
    const timer = setInterval(() => {
      if (this.all.some((r) => r.run.status === 'running')) this.reload();
    }, 10_000);
    this.register({ dispose: () => clearInterval(timer) });
  }

  /** Re-reads runs from the indexes. */
  reload(): void {
    this.all = [];
    this.folders = this.indexes.all().map((index) => ({ kind: 'folder', index, experiments: this.experimentsOf(index) }));
    void vscode.commands.executeCommand('setContext', 'labbook.hasRuns', this.all.length > 0);
    this.changeEmitter.fire(undefined);
  }

  private experimentsOf(index: IndexService): ExperimentNode[] {
    const now = Date.now() / 1000;
    const timeout = settings().heartbeatTimeoutSeconds;
    const byExperiment = new Map<string, RunNode[]>();
    for (const run of index.store.listRuns()) {
      const node: RunNode = { kind: 'run', index, experiment: run.experiment, run, status: effectiveStatus(run.status, run.lastActivity, now, silenceTimeout(run.source, timeout), run.source) };
      this.all.push(node);
      if (run.archived && !this.archivedShown) continue;
      const list = byExperiment.get(run.experiment);
      if (list) list.push(node);
      else byExperiment.set(run.experiment, [node]);
    }
    return [...byExperiment].map(([name, runs]) => {
      const mixed = new Set(runs.map((r) => r.run.source)).size > 1;
      for (const r of runs) r.mixedSources = mixed;
      return { kind: 'experiment', index, name, runs };
    });
  }

  private get experiments(): ExperimentNode[] {
    return this.folders.flatMap((f) => f.experiments);
  }

  snapshot(): TreeSnapshot {
    return {
      experiments: this.experiments.map((e) => ({
        name: e.name,
        runs: e.runs.map((r) => ({ id: r.run.uid, name: r.run.name, status: r.status, pointCount: r.run.pointCount })),
      })),
    };
  }

  private sourceIcon(source: string): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'media', 'sources', `${source}.svg`);
  }

  /** Runs in the tree; with `includeArchived`, also the archived ones it hides. */
  allRuns(includeArchived = false): RunNode[] {
    return includeArchived ? [...this.all] : this.experiments.flatMap((e) => e.runs);
  }

  get showArchived(): boolean {
    return this.archivedShown;
  }

  setShowArchived(show: boolean): void {
    this.archivedShown = show;
    void vscode.commands.executeCommand('setContext', 'labbook.showArchived', show);
    this.reload();
  }

  getChildren(element?: TreeNode): TreeNode[] {
    // One folder: experiments at the top. Several (multi-root): a node per folder first.
    if (!element) return this.folders.length === 1 ? [...this.folders[0].experiments] : this.folders;
    if (element.kind === 'folder') return [...element.experiments];
    return element.kind === 'experiment' ? [...element.runs] : [];
  }

  getParent(element: TreeNode): TreeNode | undefined {
    if (element.kind === 'run') return this.experiments.find((e) => e.index === element.index && e.name === element.experiment);
    if (element.kind === 'experiment' && this.folders.length > 1) return this.folders.find((f) => f.index === element.index);
    return undefined;
  }

  getTreeItem(element: TreeNode): vscode.TreeItem {
    if (element.kind === 'folder') {
      const item = new vscode.TreeItem(element.index.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `folder:${element.index.folder.uri.toString()}`;
      const runs = element.experiments.reduce((n, e) => n + e.runs.length, 0);
      item.description = `${runs} run${runs === 1 ? '' : 's'}`;
      item.iconPath = vscode.ThemeIcon.Folder;
      item.contextValue = 'folder';
      return item;
    }
    if (element.kind === 'experiment') {
      const item = new vscode.TreeItem(element.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `experiment:${element.index.folder.index}:${element.name}`;
      const running = element.runs.filter((r) => r.status === 'running').length;
      item.description = `${element.runs.length} run${element.runs.length === 1 ? '' : 's'}${running ? ` · ${running} running` : ''}`;
      const sources = new Set(element.runs.map((r) => r.run.source));
      const only = sources.size === 1 ? [...sources][0] : undefined;
      item.iconPath = only && only !== 'labbook' ? this.sourceIcon(only) : new vscode.ThemeIcon('beaker');
      if (only && only !== 'labbook') item.description = `${sourceLabel(only)} · ${item.description}`;
      item.contextValue = 'experiment';
      return item;
    }
    const { run, status } = element;
    const item = new vscode.TreeItem(run.name, vscode.TreeItemCollapsibleState.None);
    item.id = `run:${element.index.folder.index}:${run.uid}`;
    const parts = [run.deleted ? 'deleted' : status, ago(run.lastActivity ?? run.startTime)];
    if (run.source !== 'labbook' && element.mixedSources) parts.unshift(sourceLabel(run.source));
    if (run.archived) parts.unshift('archived');
    item.description = parts.filter(Boolean).join(' · ');
    item.iconPath = run.deleted
      ? new vscode.ThemeIcon('trash', new vscode.ThemeColor('disabledForeground'))
      : run.archived
        ? new vscode.ThemeIcon('archive', new vscode.ThemeColor('disabledForeground'))
        : STATUS_ICON[status];
    item.contextValue = `run${run.source === 'labbook' ? '' : '.imported'}${run.archived ? '.archived' : ''}`;
    item.tooltip = tooltip(run, status);
    item.command = { command: 'labbook.openRun', title: 'Open Run', arguments: [run.uid] };
    item.accessibilityInformation = { label: `${run.name}, ${status}` };
    return item;
  }
}

function ago(seconds: number | null): string {
  if (seconds === null) return '';
  const d = Math.max(0, Date.now() / 1000 - seconds);
  if (d < 60) return 'just now';
  if (d < 3600) return `${Math.floor(d / 60)} min ago`;
  if (d < 86400) return `${Math.floor(d / 3600)} h ago`;
  return new Date(seconds * 1000).toLocaleDateString();
}

function tooltip(run: RunRow, status: RunStatus): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.supportHtml = false;
  md.isTrusted = false;
  md.appendMarkdown(`**`).appendText(run.name).appendMarkdown(`** — ${status}\n\n`);
  if (run.description) md.appendText(run.description).appendMarkdown('\n\n');
  if (run.source !== 'labbook') md.appendMarkdown(`Read from ${sourceLabel(run.source)} files (read-only)${run.deleted ? ', deleted there' : ''}  \n`);
  md.appendMarkdown('Run id: ').appendText(run.uid).appendMarkdown('  \nFolder: ').appendText(run.folder);
  if (run.startTime) md.appendMarkdown('  \nStarted: ').appendText(new Date(run.startTime * 1000).toLocaleString());
  md.appendMarkdown(`  \nPoints: ${run.pointCount}`);
  if (status === 'killed' && run.status === 'running') md.appendMarkdown('  \n_No heartbeat: the process stopped without a final status._');
  return md;
}
