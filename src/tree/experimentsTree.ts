import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { IndexService } from '../indexService';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import type { RunRow } from '../core/store/store';
import { diffTreeModels, treeModel, type ExperimentView, type RunView, type TreeModel } from '../core/treeRows';
import type { RunStatus } from '../protocol/runPanel';
import type { TreeChange, TreeSnapshot } from '../api';
import { settings } from '../settings';
import { localProcesses } from '../localProcesses';
import { experimentItem, runItem } from './treeItems';

// Nodes are kept per id and updated in place: VS Code knows a tree element by identity, so a node
// that is fired alone re-renders only its row, and a context menu opened on it keeps its target.
export interface FolderNode { readonly kind: 'folder'; readonly index: IndexService; experiments: ExperimentNode[]; runCount: number }
export interface ExperimentNode { readonly kind: 'experiment'; readonly index: IndexService; readonly name: string; runs: RunNode[]; view: ExperimentView }
export interface RunNode {
  readonly kind: 'run';
  readonly index: IndexService;
  experiment: string;
  run: RunRow;
  status: RunStatus;
  view: RunView;
}
export type TreeNode = FolderNode | ExperimentNode | RunNode;

/** What the tree holds of one workspace folder: the last model and the node of every experiment and run. */
interface FolderState {
  readonly node: FolderNode;
  model: TreeModel | undefined;
  readonly experiments: Map<string, ExperimentNode>;
  readonly runs: Map<string, RunNode>;
}

/** When a run started, short: the time of day today, else the day and time. */
function startLabel(seconds: number): string {
  const date = new Date(seconds * 1000);
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return date.toDateString() === new Date().toDateString() ? time : `${date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
}

/** How often a running run is looked at again: it turns into a killed one by silence alone. */
const SILENCE_CHECK_MS = 10_000;
/** Without a running run, "N min ago" is looked at every minute. */
const AGE_CHECK_TICKS = 6;

/** Experiment → run tree in the Labbook sidebar. */
export class ExperimentsTree extends Disposable implements vscode.TreeDataProvider<TreeNode> {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly refreshEmitter = this.register(new vscode.EventEmitter<TreeChange>());
  /** The rows that were re-rendered, after each change of the tree. */
  readonly onDidRefreshRows = this.refreshEmitter.event;
  private states: FolderState[] = [];
  private archivedShown = false;
  private hasRuns: boolean | undefined;

  constructor(private readonly indexes: WorkspaceIndexes, private readonly extensionUri: vscode.Uri) {
    super();
    this.reload();
    this.register(indexes.onDidChange(() => this.reload()));
    // Rows change only where a status or the coarse "N min ago" changed (see reload).
    let ticks = 0;
    const timer = setInterval(() => {
      const running = this.states.some((s) => [...s.runs.values()].some((r) => r.run.status === 'running'));
      if (running || ++ticks % AGE_CHECK_TICKS === 0) this.reload();
    }, SILENCE_CHECK_MS);
    this.register({ dispose: () => clearInterval(timer) });
  }

  /** Re-reads runs from the indexes and re-renders the rows that changed (nothing when none did). */
  reload(): void {
    const options = {
      now: Date.now() / 1000,
      heartbeatTimeoutSeconds: settings().heartbeatTimeoutSeconds,
      local: localProcesses,
      showArchived: this.archivedShown,
      startLabel,
      dateLabel: (s: number) => new Date(s * 1000).toLocaleDateString(),
    };
    const indexes = this.indexes.all();
    const wasMulti = this.states.length > 1;
    let whole = indexes.length !== this.states.length || indexes.some((index, i) => this.states[i].node.index !== index);
    const previous = new Map(this.states.map((s) => [s.node.index, s]));
    this.states = indexes.map((index) => previous.get(index) ?? { node: { kind: 'folder', index, experiments: [], runCount: 0 }, model: undefined, experiments: new Map(), runs: new Map() });
    if ((this.states.length > 1) !== wasMulti) whole = true;
    const fired = new Set<TreeNode>();
    for (const state of this.states) {
      const rows = state.node.index.store.listRuns();
      const model = treeModel(rows, options);
      const diff = diffTreeModels(state.model, model);
      const runCount = state.node.runCount;
      this.update(state, model, rows);
      if (diff.experimentList || runCount !== state.node.runCount) {
        if (this.states.length === 1) whole = true;
        else fired.add(state.node);
      }
      for (const name of diff.experiments) fired.add(state.experiments.get(name)!);
      for (const uid of diff.runs) {
        const node = state.runs.get(uid)!;
        const parent = state.experiments.get(node.experiment);
        if (!(parent && fired.has(parent)) && !fired.has(state.node)) fired.add(node);
      }
    }
    const hasRuns = this.states.some((s) => s.runs.size > 0);
    if (hasRuns !== this.hasRuns) void vscode.commands.executeCommand('setContext', 'labbook.hasRuns', hasRuns);
    this.hasRuns = hasRuns;
    if (whole) this.changeEmitter.fire(undefined);
    else if (fired.size) this.changeEmitter.fire([...fired]);
    if (whole || fired.size) {
      const nodes = [...fired];
      this.refreshEmitter.fire({
        whole,
        experiments: nodes.flatMap((n) => (n.kind === 'experiment' ? [n.name] : [])),
        runs: nodes.flatMap((n) => (n.kind === 'run' ? [n.run.uid] : [])),
      });
    }
  }

  /** Brings the nodes of one folder in line with its new model (same objects for the same ids). */
  private update(state: FolderState, model: TreeModel, list: readonly RunRow[]): void {
    const index = state.node.index;
    const rows = new Map(list.map((r) => [r.uid, r]));
    for (const uid of [...state.runs.keys()]) if (!model.runs.has(uid)) state.runs.delete(uid);
    for (const [uid, view] of model.runs) {
      const run = rows.get(uid);
      if (!run) continue;
      const node = state.runs.get(uid);
      if (node) Object.assign(node, { run, view, status: view.status, experiment: run.experiment });
      else state.runs.set(uid, { kind: 'run', index, experiment: run.experiment, run, status: view.status, view });
    }
    const names = new Set(model.experiments.map((e) => e.name));
    for (const name of [...state.experiments.keys()]) if (!names.has(name)) state.experiments.delete(name);
    state.node.experiments = model.experiments.map((view) => {
      const runs = view.runs.flatMap((uid) => state.runs.get(uid) ?? []);
      const node = state.experiments.get(view.name);
      if (node) {
        node.view = view;
        node.runs = runs;
        return node;
      }
      const created: ExperimentNode = { kind: 'experiment', index, name: view.name, runs, view };
      state.experiments.set(view.name, created);
      return created;
    });
    state.node.runCount = model.shownRuns;
    state.model = model;
  }

  private get experiments(): ExperimentNode[] {
    return this.states.flatMap((s) => s.node.experiments);
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
    return includeArchived ? this.states.flatMap((s) => [...s.runs.values()]) : this.experiments.flatMap((e) => e.runs);
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
    if (!element) return this.states.length === 1 ? [...this.states[0].node.experiments] : this.states.map((s) => s.node);
    if (element.kind === 'folder') return [...element.experiments];
    return element.kind === 'experiment' ? [...element.runs] : [];
  }

  getParent(element: TreeNode): TreeNode | undefined {
    const state = this.states.find((s) => s.node.index === element.index);
    if (element.kind === 'run') return state?.experiments.get(element.experiment);
    if (element.kind === 'experiment' && this.states.length > 1) return state?.node;
    return undefined;
  }

  getTreeItem(element: TreeNode): vscode.TreeItem {
    const folderKey = element.index.folder.index;
    if (element.kind === 'folder') {
      const item = new vscode.TreeItem(element.index.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `folder:${element.index.folder.uri.toString()}`;
      item.description = `${element.runCount} run${element.runCount === 1 ? '' : 's'}`;
      item.iconPath = vscode.ThemeIcon.Folder;
      item.contextValue = 'folder';
      return item;
    }
    if (element.kind === 'experiment') return experimentItem(element.view, `experiment:${folderKey}:${element.name}`, (s) => this.sourceIcon(s));
    return runItem(element.view, `run:${folderKey}:${element.run.uid}`);
  }
}
