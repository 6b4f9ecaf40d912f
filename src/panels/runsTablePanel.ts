import * as vscode from 'vscode';
import type { IndexService } from '../indexService';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import type { RunsModel } from '../runsModel';
import { TableSession, type TableSource } from '../core/runsTable/session';
import { tableCsv, tableMarkdown } from '../core/runsTable/export';
import type { TableFilter } from '../core/runsTable/filter';
import { parseViews, pushRecent, serializeViews, upsertView, VIEWS_FILE, type SavedView } from '../core/runsTable/views';
import {
  isRunsTableToHost, parseFilterMessage, parseUidList, type FilterMessage, type HostToRunsTable, type RunsTableToHost, type TableLayout,
} from '../protocol/runsTable';
import { COMMANDS } from '../commands/ids';
import { settings } from '../settings';
import { notify } from '../notifications';
import { editRun } from '../runEdits';
import { PanelHost, PanelKind, type PanelEnv } from './panelHost';
import { webviewOptions } from './webviewHtml';
import { tableActionCommand } from './tableActions';

export const RUNS_TABLE_VIEW_TYPE = 'labbook.runsTable';
const RECENT_KEY = 'labbook.runsTable.recentQueries';

const DEFAULT_LAYOUT: TableLayout = { columns: [], pinned: ['attr:name'], widths: {}, metricStats: [], onlyDiffering: false };

/** What a runs table keeps over a window reload: the experiment it shows (null: every run). */
interface TableState { readonly experiment: string | null }

function isTableState(value: unknown): value is TableState {
  const e = (value as { experiment?: unknown } | null)?.experiment;
  return e === null || (typeof e === 'string' && e.length < 4096);
}

export interface RunsTableEnv extends PanelEnv {
  readonly context: vscode.ExtensionContext;
  readonly indexes: WorkspaceIndexes;
  /** The app's runs, with the one run selection the table shares with the tree and Compare. */
  readonly runs: RunsModel;
}

/** The open runs tables (one for all runs, one per experiment) and their return after a window reload. */
export class RunsTablePanels extends PanelKind<RunsTablePanel, TableState> {
  constructor(private readonly env: RunsTableEnv, whenReady: () => Promise<unknown>) {
    super(RUNS_TABLE_VIEW_TYPE, isTableState, env.problems, whenReady);
  }

  /** Opens (or reveals) the table of all runs, or of `experiment`'s runs. */
  show(experiment?: string): RunsTablePanel {
    const key = experiment ?? '';
    const existing = this.registry.get(key);
    if (existing) {
      existing.webviewPanel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(RUNS_TABLE_VIEW_TYPE, titleOf(experiment), vscode.ViewColumn.Active, webviewOptions(this.env.extensionUri));
    return this.registry.add(key, new RunsTablePanel(panel, this.env, experiment, (p) => this.registry.remove(key, p)));
  }

  /** The open tables (tests look at what they show). */
  all(): RunsTablePanel[] {
    return this.registry.all();
  }

  protected restore(panel: vscode.WebviewPanel, state: TableState): void {
    const key = state.experiment ?? '';
    if (this.registry.get(key)) {
      panel.dispose();
      return;
    }
    panel.title = titleOf(state.experiment ?? undefined);
    this.registry.add(key, new RunsTablePanel(panel, this.env, state.experiment ?? undefined, (p) => this.registry.remove(key, p)));
  }
}

function titleOf(experiment: string | undefined): string {
  return experiment === undefined ? 'Runs' : `Runs: ${experiment}`;
}

/**
 * The runs table: every run of the workspace (or of one experiment) in a virtualised grid with the
 * query language, chips, column chooser, saved views and bulk actions. Rows are read from the index
 * only for the window the view shows; while runs write, changed rows are sent in place.
 */
export class RunsTablePanel extends PanelHost<HostToRunsTable, RunsTableToHost> {
  private readonly session: TableSession;
  private readonly changed = new Set<string>();
  private layout: TableLayout = DEFAULT_LAYOUT;
  private selection: string[] = [];
  private readonly context: vscode.ExtensionContext;
  private readonly indexes: WorkspaceIndexes;
  private readonly runs: RunsModel;
  /** The view (re)loaded: its first result is followed by the app's selection. */
  private selectionShown = false;

  constructor(panel: vscode.WebviewPanel, env: RunsTableEnv, private readonly experiment: string | undefined, private readonly onClose: (p: RunsTablePanel) => void) {
    super(panel, { ...env, app: 'table', label: 'runs table', validate: isRunsTableToHost, state: { experiment: experiment ?? null } satisfies TableState });
    this.context = env.context;
    this.indexes = env.indexes;
    this.runs = env.runs;
    // Runs selected in the tree (or another table) are highlighted here.
    this.register(env.runs.selection.onDidChange((c) => {
      if (c.from !== this) this.showSelection();
    }));
    this.session = new TableSession(
      () => env.indexes.all().map((i): TableSource => ({ reads: i.reads, folder: i.folder.name })),
      () => ({ nowSeconds: Date.now() / 1000, heartbeatTimeoutSeconds: settings().heartbeatTimeoutSeconds, checkProcesses: true }),
    );
    this.register(env.indexes.onDidChange(({ changes }) => {
      for (const uid of [...changes.runs, ...changes.removed, ...changes.reset]) this.changed.add(uid);
      if (this.isReady) this.throttle('refresh', () => void this.serial(() => this.refresh()));
    }));
  }

  private work: Promise<unknown> = Promise.resolve();

  /** The session's reads one after another (a filter, a window of rows, a refresh), as the view asked. */
  private serial<T>(job: () => Promise<T>): Promise<T> {
    const next = this.work.then(job);
    this.work = next.catch(() => undefined);
    return next;
  }

  /** What the table shows now: the runs in order (tests read it). */
  get shownUids(): readonly string[] {
    return this.session.uids;
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.onClose(this);
    super.dispose();
  }

  /** The experiment the table shows, or undefined for every run. */
  get experimentShown(): string | undefined {
    return this.experiment;
  }

  /** The runs selected in the table (run uids): chosen there, or the app's selection shown there. */
  get selectedUids(): readonly string[] {
    return this.selection;
  }

  /** The user selected these rows (the view's `selection` message): they become the app's selection. */
  selectRows(uids: readonly string[]): void {
    this.selection = [...uids];
    this.runs.selection.set(uids.flatMap((uid) => this.runs.find(uid) ?? []), 'table', this);
  }

  /** Highlights the app's selection among the rows the table has (a `select` message), once it changed. */
  private showSelection(): void {
    const shown = new Set(this.session.uids);
    const uids = this.runs.selection.uids.filter((uid) => shown.has(uid));
    if (this.selectionShown && uids.length === this.selection.length && uids.every((u, i) => u === this.selection[i])) return;
    this.selection = uids;
    if (!this.isReady) return;
    this.selectionShown = true;
    this.post({ type: 'select', uids });
  }

  protected onReady(): void {
    this.selectionShown = false;
    void this.init();
  }

  protected onMessage(m: Exclude<RunsTableToHost, { readonly type: 'ready' | 'error' }>): void {
    void this.handle(m);
  }

  private async handle(m: Exclude<RunsTableToHost, { readonly type: 'ready' | 'error' }>): Promise<void> {
    try {
      switch (m.type) {
        case 'filter': {
          const parsed = parseFilterMessage(m.json);
          if (parsed) await this.serial(() => this.apply(m.seq, parsed));
          else this.problems.report('runs table: a malformed filter was refused');
          return;
        }
        case 'rows': return this.post({ type: 'rows', rows: await this.serial(() => this.session.rows(m.from, m.to)) });
        case 'openRun': return void vscode.commands.executeCommand(COMMANDS.openRun, m.id);
        case 'selection': return this.selectRows(parseUidList(m.json) ?? []);
        case 'action': return await this.action(m.action, parseUidList(m.json) ?? []);
        case 'export': return await this.export(m.format, parseUidList(m.json) ?? []);
        case 'saveView': {
          const parsed = parseFilterMessage(m.json);
          if (parsed) await this.saveView(parsed);
          return;
        }
        case 'deleteView': return await this.deleteView(m.name);
      }
    } catch (e) {
      this.problems.report(`runs table: ${(e as Error).stack ?? e}`);
      void notify('error', `Labbook: ${(e as Error).message}`);
    }
  }

  private async init(): Promise<void> {
    const filter: TableFilter = { experiment: this.experiment, sort: [] };
    this.post({ type: 'init', scope: this.experiment ?? 'all runs', filter, layout: this.layout, views: await this.readViews(), recent: this.recent(), viewsFile: this.viewsUri()?.fsPath ?? '' });
  }

  private async apply(seq: number, { filter, layout }: FilterMessage): Promise<void> {
    const started = performance.now();
    // An experiment's table stays on that experiment.
    const scoped: TableFilter = { ...filter, experiment: this.experiment ?? filter.experiment };
    this.layout = layout;
    const outcome = await this.session.tryApply(scoped, layout);
    if ('error' in outcome) {
      this.post({ type: 'queryError', seq, error: { message: outcome.error.message, start: outcome.error.start, end: outcome.error.end } });
      return;
    }
    const r = outcome.result;
    if (filter.query?.trim()) void this.context.workspaceState.update(RECENT_KEY, pushRecent(this.recent(), filter.query));
    this.post({ type: 'result', seq, order: r.order, columns: r.columns, statuses: r.statuses, tags: r.tags, rows: r.rows, ms: Math.round(performance.now() - started), total: r.order.length });
    if (!this.selectionShown) this.showSelection();
  }

  /** After the indexes changed: changed rows in view in place, or the whole result when runs came or went. */
  private async refresh(): Promise<void> {
    const changed = new Set(this.changed);
    this.changed.clear();
    const next = await this.session.refresh(changed);
    if (!next) return;
    if ('rows' in next) this.post({ type: 'rows', rows: next.rows });
    else {
      const r = next.result;
      this.post({ type: 'result', seq: -1, order: r.order, columns: r.columns, statuses: r.statuses, tags: r.tags, rows: r.rows, ms: 0, total: r.order.length });
    }
  }

  private indexOf(uid: string): IndexService | undefined {
    return this.indexes.find(uid);
  }

  private async action(action: string, uids: string[]): Promise<void> {
    const asked = tableActionCommand(action, uids);
    if (asked === undefined) {
      if (uids.length) this.problems.report(`runs table: unknown action ${action.replace(/[^\w-]/g, '?')}`);
      return;
    }
    if (asked === 'tag') return await this.tag(uids);
    await vscode.commands.executeCommand(asked.command, asked.uids);
    if (asked.command === COMMANDS.compareRuns) return;
    // Archived runs leave the default table and deleted ones leave it for good: show it at once,
    // without waiting for the index's change to come round.
    for (const uid of asked.uids) this.changed.add(uid);
    await this.serial(() => this.refresh());
  }

  private async tag(uids: string[]): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void notify('info', 'Labbook: tagging runs writes their edits files, which Restricted Mode does not allow.');
      return;
    }
    const value = await vscode.window.showInputBox({ title: `Add tags to ${uids.length} run${uids.length === 1 ? '' : 's'}`, prompt: 'Comma-separated tags (key:value or a plain word)' });
    const add = [...new Set((value ?? '').split(',').map((t) => t.trim()).filter(Boolean))];
    if (add.length === 0) return;
    for (const uid of uids) {
      const index = this.indexOf(uid);
      const run = index?.run(uid);
      if (!index || !run) continue;
      const tags = await index.reads.getTags(run.id);
      await editRun(index, uid, { t: 'tags', tags: [...new Set([...tags, ...add])], reset: true });
    }
  }

  /** The matching runs with the columns shown, as CSV (to a file) or Markdown (to the clipboard). */
  private async export(format: string, columnIds: string[]): Promise<void> {
    const r = await this.serial(() => this.session.tryApply(this.session.currentFilter, this.layout));
    if ('error' in r) return;
    const byId = new Map(r.result.columns.map((c) => [c.id, c]));
    const columns = columnIds.flatMap((id) => byId.get(id) ?? []);
    const rows = await this.serial(() => this.session.read(this.session.uids));
    if (format === 'markdown') {
      await vscode.env.clipboard.writeText(tableMarkdown(columns, rows));
      void notify('info', `Labbook: ${rows.length} run${rows.length === 1 ? '' : 's'} copied as a Markdown table.`);
      return;
    }
    const folder = this.indexes.all()[0]?.folder.uri;
    const uri = await vscode.window.showSaveDialog({ defaultUri: folder && vscode.Uri.joinPath(folder, 'runs.csv'), filters: { CSV: ['csv'] }, title: 'Export the runs table as CSV' });
    if (!uri) return;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(tableCsv(columns, rows), 'utf8'));
    void notify('info', `Labbook: ${rows.length} runs written to ${vscode.workspace.asRelativePath(uri)}.`);
  }

  private recent(): string[] {
    const v = this.context.workspaceState.get<unknown>(RECENT_KEY);
    return Array.isArray(v) ? v.filter((q): q is string => typeof q === 'string').slice(0, 20) : [];
  }

  /** `<log root>/table-views.json` of the first workspace folder (where a team commits it). */
  private viewsUri(): vscode.Uri | undefined {
    const index = this.indexes.all()[0];
    return index && vscode.Uri.joinPath(index.folder.uri, ...index.logRoot.split('/'), VIEWS_FILE);
  }

  private async readViews(): Promise<SavedView[]> {
    const uri = this.viewsUri();
    if (!uri) return [];
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch {
      return [];
    }
    const rel = vscode.workspace.asRelativePath(uri);
    return parseViews(Buffer.from(bytes).toString('utf8'), (m) => this.problems.report(`${rel}: ${m}`));
  }

  private async saveView({ filter, layout }: FilterMessage): Promise<void> {
    const uri = this.viewsUri();
    if (!uri) return;
    if (!vscode.workspace.isTrusted) {
      void notify('info', 'Labbook: saving a view writes a file in the workspace, which Restricted Mode does not allow.');
      return;
    }
    const views = await this.readViews();
    const name = await vscode.window.showInputBox({ title: 'Save the table as a view', prompt: `Kept in ${vscode.workspace.asRelativePath(uri)}, a file you can commit`, value: filter.query?.slice(0, 60) ?? '', validateInput: (v) => (v.trim() ? undefined : 'A name is needed') });
    if (!name?.trim()) return;
    const view: SavedView = { name: name.trim(), query: filter.query ?? '', columns: layout.columns, pinned: layout.pinned, widths: layout.widths, sort: filter.sort ?? [], metricStats: layout.metricStats };
    await this.writeViews(uri, upsertView(views, view));
  }

  private async deleteView(name: string): Promise<void> {
    const uri = this.viewsUri();
    if (!uri || !vscode.workspace.isTrusted) return;
    const views = await this.readViews();
    await this.writeViews(uri, views.filter((v) => v.name !== name));
  }

  private async writeViews(uri: vscode.Uri, views: SavedView[]): Promise<void> {
    await vscode.workspace.fs.writeFile(uri, Buffer.from(serializeViews(views), 'utf8'));
    this.post({ type: 'views', views: await this.readViews(), recent: this.recent() });
  }
}
