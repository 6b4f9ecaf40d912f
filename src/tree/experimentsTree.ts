import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { IndexService } from '../indexService';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import type { RunRow } from '../core/store/store';
import { diffTreeModels, treeModel, type ExperimentView, type RunView, type TreeModel } from '../core/treeRows';
import type { RunStatus } from '../protocol/runStatus';
import type { TreeChange, TreeSnapshot } from '../api';
import type { RunsModel } from '../runsModel';
import { experimentItem, experimentTooltip, folderItem, runItem, sweepItem, trialItem } from './treeItems';
import type { SweepService } from '../sweeps/sweepService';
import type { SweepView, TrialView } from '../core/sweeps/sweepRows';
import type { ExperimentCatalog } from '../organise/experimentCatalog';
import type { TreeFacts } from '../core/worker/indexReads';
import { DEFAULT_SORT, RUN_PAGE, type TreeSort } from '../core/organise/runOrder';
import { moreItem, runTooltipDetails, startLabel, treeSnapshot } from './treeDetails';
import { importerOf } from '../core/importers/registry';
import type { TreeGrouping } from '../core/organise/runGroups';
import { groupId, groupItem, groupValues, syncGroups, type GroupNode } from './groupNodes';
import type { TrashNodes, TrashTreeNode } from './trashNodes';

// Nodes are kept per id and updated in place: VS Code knows a tree element by identity, so a node
// that is fired alone re-renders only its row, and a context menu opened on it keeps its target.
export interface FolderNode { readonly kind: 'folder'; readonly index: IndexService; experiments: ExperimentNode[]; runCount: number }
export interface ExperimentNode { readonly kind: 'experiment'; readonly index: IndexService; readonly name: string; runs: RunNode[]; sweeps: SweepNode[]; view: ExperimentView; groups?: RunGroupNode[] }
/** Runs of an experiment with one tag or param value ("Group By…"). */
export type RunGroupNode = GroupNode<RunNode>;
export interface SweepNode { readonly kind: 'sweep'; readonly index: IndexService; readonly id: string; experiment: string; trials: TrialNode[]; view: SweepView }
export interface TrialNode { readonly kind: 'trial'; readonly index: IndexService; readonly sweep: string; readonly key: string; view: TrialView }
export interface RunNode {
  readonly kind: 'run';
  readonly index: IndexService;
  experiment: string;
  run: RunRow;
  status: RunStatus;
  view: RunView;
}
/** "Show more" after the first page of an experiment's (or a group's: `group` is its key) runs. */
export interface MoreNode { readonly kind: 'more'; readonly index: IndexService; readonly experiment: string; readonly group?: string; hidden: number }
export type TreeNode = FolderNode | ExperimentNode | RunNode | SweepNode | TrialNode | MoreNode | RunGroupNode | TrashTreeNode;

/** What the tree holds of one workspace folder: the last model and the node of every experiment and run. */
interface FolderState {
  readonly node: FolderNode;
  model: TreeModel | undefined;
  readonly experiments: Map<string, ExperimentNode>;
  readonly runs: Map<string, RunNode>;
  readonly sweeps: Map<string, SweepNode>;
  readonly trials: Map<string, TrialNode>;
  readonly more: Map<string, MoreNode>;
  /** Group nodes and their "Show more" rows, by groupId(experiment, key). */
  readonly groups: Map<string, RunGroupNode>;
  readonly groupMore: Map<string, MoreNode>;
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
  private filterText = '';
  /** Why the filter could not be used (a query error), shown with it. */
  private filterProblem: string | undefined;
  private sortOrder: TreeSort | undefined;
  private groupingBy: TreeGrouping | undefined;
  private trash: TrashNodes | undefined;
  /** Runs shown per experiment beyond the first page ("Show more"), by folder and experiment. */
  private readonly pages = new Map<string, number>();
  private readonly viewStateEmitter = this.register(new vscode.EventEmitter<void>());
  /** Fires when the filter or the sort changes (the view's message and title show them). */
  readonly onDidChangeViewState = this.viewStateEmitter.event;

  constructor(private readonly indexes: WorkspaceIndexes, private readonly runs: RunsModel, private readonly extensionUri: vscode.Uri, private readonly sweeps?: SweepService, private readonly catalog?: ExperimentCatalog) {
    super();
    this.reload();
    this.register(indexes.onDidChange(() => this.reload()));
    if (sweeps) this.register(sweeps.onDidChange(() => this.reload()));
    if (catalog) this.register(catalog.onDidChange(() => this.reload()));
    // Rows change only where a status or the coarse "N min ago" changed (see reload).
    let ticks = 0;
    const timer = setInterval(() => {
      const running = this.states.some((s) => [...s.runs.values()].some((r) => r.run.status === 'running'));
      if (running || ++ticks % AGE_CHECK_TICKS === 0) this.reload();
    }, SILENCE_CHECK_MS);
    this.register({ dispose: () => clearInterval(timer) });
  }

  private reloaded: Promise<void> = Promise.resolve();
  private queuedReload: Promise<void> | undefined;

  /**
   * Re-reads runs from the indexes and re-renders the rows that changed (nothing when none did).
   * Reloads asked for while one runs are done once, after it; resolves when the tree shows them.
   */
  reload(): Promise<void> {
    if (this.queuedReload) return this.queuedReload;
    const next = this.reloaded.then(() => {
      this.queuedReload = undefined;
      return this.reloadNow();
    }).catch((e: unknown) => console.error(`Labbook: the tree could not be read: ${(e as Error).stack ?? e}`));
    this.queuedReload = next;
    this.reloaded = next;
    return next;
  }

  /** Resolves once every reload asked for so far is shown. */
  whenReloaded(): Promise<void> {
    return this.reloaded;
  }

  private async reloadNow(): Promise<void> {
    if (this.isDisposed) return;
    const keyMetric = vscode.workspace.getConfiguration('labbook').get<unknown>('keyMetric');
    const keyName = typeof keyMetric === 'string' && keyMetric.trim() ? keyMetric.trim() : undefined;
    const rules = this.runs.statusRules();
    const sortMetricName = this.sortOrder?.key === 'metric' ? this.sortOrder.metric : undefined;
    const metrics = [...new Set([keyName, sortMetricName].filter((m): m is string => !!m))];
    const filterText = this.filterText;
    const factsOf = new Map<IndexService, TreeFacts>();
    const grouping = this.groupingBy;
    const groupsOf = new Map<IndexService, (uid: string) => string | undefined>();
    await Promise.all(this.indexes.all().map(async (index) => {
      const facts = await index.reads.treeFacts({ filter: filterText || undefined, options: { nowSeconds: rules.now, heartbeatTimeoutSeconds: rules.heartbeatTimeoutSeconds }, metrics });
      factsOf.set(index, facts);
      if (grouping) groupsOf.set(index, await groupValues(index.reads, grouping, facts.tags));
    }));
    if (this.isDisposed) return;
    this.filterProblem = undefined;
    const perIndex = (index: IndexService) => {
      const facts = factsOf.get(index) ?? { tags: new Map<string, string[]>(), metrics: new Map<string, ReadonlyMap<string, number>>() };
      const found = facts.found;
      if (found && 'error' in found) this.filterProblem = found.error;
      const tags = facts.tags;
      const key = keyName ? facts.metrics.get(keyName) : undefined;
      const sortMetric = sortMetricName ? facts.metrics.get(sortMetricName) : undefined;
      return {
        experimentMeta: this.catalog?.of(index),
        filter: found && 'uids' in found ? found.uids : found ? new Set<string>() : undefined,
        sort: this.sortOrder,
        tags: (uid: string) => tags.get(uid) ?? [],
        keyMetric: key && keyName ? { name: keyName, value: (uid: string) => key.get(uid) } : undefined,
        sortMetric: sortMetric && ((uid: string) => sortMetric.get(uid)),
        pageOf: (experiment: string) => this.pages.get(`${index.folder.index}:${experiment}`) ?? RUN_PAGE,
        groupOf: groupsOf.get(index),
        groupPageOf: (experiment: string, group: string) => this.pages.get(`${index.folder.index}:${groupId(experiment, group)}`) ?? RUN_PAGE,
      };
    };
    const options = {
      ...this.runs.statusRules(),
      showArchived: this.archivedShown,
      startLabel,
      dateLabel: (s: number) => new Date(s * 1000).toLocaleDateString(),
    };
    const sweepsOf = (index: IndexService) => this.sweeps?.of(index) ?? [];
    const indexes = this.indexes.all();
    const wasMulti = this.states.length > 1;
    let whole = indexes.length !== this.states.length || indexes.some((index, i) => this.states[i].node.index !== index);
    const previous = new Map(this.states.map((s) => [s.node.index, s]));
    this.states = indexes.map((index) => previous.get(index) ?? { node: { kind: 'folder', index, experiments: [], runCount: 0 }, model: undefined, experiments: new Map(), runs: new Map(), sweeps: new Map(), trials: new Map(), more: new Map(), groups: new Map(), groupMore: new Map() });
    if ((this.states.length > 1) !== wasMulti) whole = true;
    const fired = new Set<TreeNode>();
    for (const state of this.states) {
      const rows = state.node.index.runs;
      const model = treeModel(rows, { ...options, ...perIndex(state.node.index), sweeps: sweepsOf(state.node.index) });
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
      for (const id of diff.sweeps) {
        const node = state.sweeps.get(id)!;
        const parent = state.experiments.get(node.experiment);
        if (!(parent && fired.has(parent)) && !fired.has(state.node)) fired.add(node);
      }
      for (const key of diff.trials) {
        const node = state.trials.get(key)!;
        const sweep = state.sweeps.get(node.sweep);
        const parent = sweep && state.experiments.get(sweep.experiment);
        if (!(sweep && fired.has(sweep)) && !(parent && fired.has(parent)) && !fired.has(state.node)) fired.add(node);
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
        sweeps: nodes.flatMap((n) => (n.kind === 'sweep' ? [n.id] : n.kind === 'trial' ? [n.sweep] : [])),
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
    const trialKeys = new Set([...model.sweeps.values()].flatMap((v) => v.trials.map((t) => t.key)));
    for (const key of [...state.trials.keys()]) if (!trialKeys.has(key)) state.trials.delete(key);
    for (const id of [...state.sweeps.keys()]) if (!model.sweeps.has(id)) state.sweeps.delete(id);
    for (const [id, view] of model.sweeps) {
      const trials = view.trials.map((t) => {
        const node = state.trials.get(t.key);
        if (node) {
          node.view = t;
          return node;
        }
        const created: TrialNode = { kind: 'trial', index, sweep: id, key: t.key, view: t };
        state.trials.set(t.key, created);
        return created;
      });
      const node = state.sweeps.get(id);
      if (node) Object.assign(node, { view, trials, experiment: view.experiment });
      else state.sweeps.set(id, { kind: 'sweep', index, id, experiment: view.experiment, trials, view });
    }
    const seenGroups = new Set<string>();
    const names = new Set(model.experiments.map((e) => e.name));
    for (const name of [...state.experiments.keys()]) if (!names.has(name)) state.experiments.delete(name);
    state.node.experiments = model.experiments.map((view) => {
      const runs = view.runs.flatMap((uid) => state.runs.get(uid) ?? []);
      const sweeps = view.sweeps.flatMap((id) => state.sweeps.get(id) ?? []);
      let more = state.more.get(view.name);
      if (view.more > 0) {
        if (more) more.hidden = view.more;
        else state.more.set(view.name, (more = { kind: 'more', index, experiment: view.name, hidden: view.more }));
      } else state.more.delete(view.name);
      const groups = syncGroups(state.groups, index, view, (uid) => state.runs.get(uid), seenGroups);
      for (const g of groups ?? []) {
        const id = groupId(view.name, g.key);
        const gm = state.groupMore.get(id);
        if (g.view.more <= 0) state.groupMore.delete(id);
        else if (gm) gm.hidden = g.view.more;
        else state.groupMore.set(id, { kind: 'more', index, experiment: view.name, group: g.key, hidden: g.view.more });
      }
      const node = state.experiments.get(view.name);
      if (node) {
        node.view = view;
        node.runs = runs;
        node.sweeps = sweeps;
        node.groups = groups;
        return node;
      }
      const created: ExperimentNode = { kind: 'experiment', index, name: view.name, runs, sweeps, view, groups };
      state.experiments.set(view.name, created);
      return created;
    });
    for (const id of [...state.groups.keys()]) if (!seenGroups.has(id)) state.groups.delete(id);
    for (const id of [...state.groupMore.keys()]) if (!seenGroups.has(id)) state.groupMore.delete(id);
    state.node.runCount = model.shownRuns;
    state.model = model;
  }

  /** Every experiment node shown (for commands given an experiment by name). */
  experimentNodes(): ExperimentNode[] {
    return this.experiments;
  }

  private get experiments(): ExperimentNode[] {
    return this.states.flatMap((s) => s.node.experiments);
  }

  snapshot(): TreeSnapshot {
    return treeSnapshot(this.experiments, this.trash?.entries() ?? []);
  }

  /** A tracker's icon as its importer names it (core/importers/registry.ts). */
  private sourceIcon(source: string): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, importerOf(source)?.icon ?? 'media/labbook.svg');
  }

  /** The run rows of the tree (the app's run list is `RunsModel`); with `includeArchived`, also the archived ones it hides. */
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

  /** Shows each folder's trashed runs in a "Trash" row after its experiments. */
  attachTrash(trash: TrashNodes): void {
    this.trash = trash;
    this.register(trash.onDidChange(() => this.changeEmitter.fire(undefined)));
  }

  getChildren(element?: TreeNode): TreeNode[] {
    // One folder: experiments at the top. Several (multi-root): a node per folder first. The trash last.
    const withTrash = (f: FolderNode): TreeNode[] => [...f.experiments, ...[this.trash?.of(f.index)].flatMap((t) => t ?? [])];
    if (!element) return this.states.length === 1 ? withTrash(this.states[0].node) : this.states.map((s) => s.node);
    if (element.kind === 'folder') return withTrash(element);
    if (element.kind === 'trash' || element.kind === 'trashEntry') return this.trash?.children(element) ?? [];
    if (element.kind === 'experiment') {
      if (element.groups) return [...element.sweeps, ...element.groups];
      const more = this.states.find((s) => s.node.index === element.index)?.more.get(element.name);
      return [...element.sweeps, ...element.runs, ...(more ? [more] : [])];
    }
    if (element.kind === 'group') {
      const more = this.states.find((s) => s.node.index === element.index)?.groupMore.get(groupId(element.experiment, element.key));
      return [...element.runs, ...(more ? [more] : [])];
    }
    return element.kind === 'sweep' ? [...element.trials] : [];
  }

  /** The sweep node of an id (for commands run on a sweep row). */
  sweepNode(id: string): SweepNode | undefined {
    return this.states.find((state) => state.sweeps.has(id))?.sweeps.get(id);
  }

  /** A run row's tooltip with its top params and metrics, built when the row is hovered. */
  async resolveTreeItem(item: vscode.TreeItem, element: TreeNode): Promise<vscode.TreeItem> {
    if (element.kind === 'run' && item.tooltip instanceof vscode.MarkdownString) item.tooltip = await runTooltipDetails(item.tooltip, element.index.reads, element.run.id);
    return item;
  }

  /** The filter line in force ('' for none) and why it could not be used, if so. */
  get filter(): { readonly text: string; readonly problem?: string } {
    return { text: this.filterText, problem: this.filterProblem };
  }

  setFilter(text: string): void {
    this.filterText = text.trim();
    this.reload();
    void vscode.commands.executeCommand('setContext', 'labbook.filtered', this.filterText !== '');
    this.viewStateEmitter.fire();
  }

  get sort(): TreeSort {
    return this.sortOrder ?? DEFAULT_SORT;
  }

  /** A sort, or undefined for the default (experiments by name, runs newest first). */
  setSort(sort: TreeSort | undefined): void {
    this.sortOrder = sort;
    this.reload();
    this.viewStateEmitter.fire();
  }

  get grouping(): TreeGrouping | undefined {
    return this.groupingBy;
  }

  /** Groups each experiment's runs by a tag or param value, or not (undefined). */
  setGrouping(grouping: TreeGrouping | undefined): void {
    this.groupingBy = grouping;
    this.reload();
    this.viewStateEmitter.fire();
  }

  /** Shows the next page of an experiment's (or a group's) runs. */
  showMore(node: MoreNode): void {
    const key = `${node.index.folder.index}:${node.group === undefined ? node.experiment : groupId(node.experiment, node.group)}`;
    this.pages.set(key, (this.pages.get(key) ?? RUN_PAGE) + RUN_PAGE);
    this.reload();
  }

  /** The node of a run shown in the tree (for revealing it). */
  runNode(uid: string): RunNode | undefined {
    for (const state of this.states) {
      const node = state.runs.get(uid);
      if (node && state.experiments.get(node.experiment)?.runs.includes(node)) return node;
    }
    return undefined;
  }

  getParent(element: TreeNode): TreeNode | undefined {
    const state = this.states.find((s) => s.node.index === element.index);
    if (element.kind === 'more' && element.group !== undefined) return state?.groups.get(groupId(element.experiment, element.group));
    if (element.kind === 'run') {
      const group = state?.experiments.get(element.experiment)?.groups?.find((g) => g.runs.includes(element));
      if (group) return group;
    }
    if (element.kind === 'run' || element.kind === 'sweep' || element.kind === 'more' || element.kind === 'group') return state?.experiments.get(element.experiment);
    if (element.kind === 'trial') return state?.sweeps.get(element.sweep);
    if ((element.kind === 'experiment' || element.kind === 'trash') && this.states.length > 1) return state?.node;
    return element.kind === 'trashEntry' ? this.trash?.parent(element) : undefined;
  }

  getTreeItem(element: TreeNode): vscode.TreeItem {
    const folderKey = element.index.folder.index;
    if (element.kind === 'folder') return folderItem(element.index.folder, element.runCount);
    if (element.kind === 'trash' || element.kind === 'trashEntry') return this.trash!.item(element);
    if (element.kind === 'experiment') {
      const item = experimentItem(element.view, `experiment:${folderKey}:${element.name}`, (s) => this.sourceIcon(s));
      const meta = this.catalog?.of(element.index).get(element.name);
      if (meta) item.tooltip = experimentTooltip(element.name, meta);
      return item;
    }
    if (element.kind === 'sweep') return sweepItem(element.view, `sweep:${folderKey}:${element.id}`);
    if (element.kind === 'trial') return trialItem(element.view, `trial:${folderKey}:${element.key}`);
    if (element.kind === 'group') return groupItem(element, `group:${folderKey}:${groupId(element.experiment, element.key)}`, this.groupingBy);
    if (element.kind === 'more') return moreItem(element, `more:${folderKey}:${element.group === undefined ? element.experiment : groupId(element.experiment, element.group)}`);
    return runItem(element.view, `run:${folderKey}:${element.run.uid}`);
  }
}
