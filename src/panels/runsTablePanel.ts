import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { IndexService } from '../indexService';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import type { Problems } from '../core/problems';
import { TableSession, type TableSource } from '../core/runsTable/session';
import { tableCsv, tableMarkdown } from '../core/runsTable/export';
import type { TableFilter } from '../core/runsTable/filter';
import { parseViews, pushRecent, serializeViews, upsertView, VIEWS_FILE, type SavedView } from '../core/runsTable/views';
import {
  isRunsTableToHost, parseFilterMessage, parseUidList, type FilterMessage, type HostToRunsTable, type RunsTableToHost, type TableLayout,
} from '../protocol/runsTable';
import { settings } from '../settings';
import { localProcesses } from '../localProcesses';
import { notify } from '../notifications';
import { editRun } from '../runEdits';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const RUNS_TABLE_VIEW_TYPE = 'labbook.runsTable';
const RECENT_KEY = 'labbook.runsTable.recentQueries';
/** Live updates are sent at most this often while runs write. */
const REFRESH_MS = 1000;

const DEFAULT_LAYOUT: TableLayout = { columns: [], pinned: ['attr:name'], widths: {}, metricStats: [], onlyDiffering: false };

/**
 * The runs table: every run of the workspace (or of one experiment) in a virtualised grid with the
 * query language, chips, column chooser, saved views and bulk actions. Rows are read from the index
 * only for the window the view shows; while runs write, changed rows are sent in place.
 */
export class RunsTablePanel extends Disposable {
  private static readonly open = new Map<string, RunsTablePanel>();

  /** Opens (or reveals) the table of all runs, or of `experiment`'s runs. */
  static show(context: vscode.ExtensionContext, indexes: WorkspaceIndexes, problems: Problems, experiment?: string): RunsTablePanel {
    const key = experiment ?? '';
    const existing = RunsTablePanel.open.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const title = experiment === undefined ? 'Runs' : `Runs: ${experiment}`;
    const panel = vscode.window.createWebviewPanel(RUNS_TABLE_VIEW_TYPE, title, vscode.ViewColumn.Active, webviewOptions(context.extensionUri));
    const view = new RunsTablePanel(panel, context, indexes, problems, experiment, key);
    RunsTablePanel.open.set(key, view);
    return view;
  }

  static disposeAll(): void {
    for (const p of [...RunsTablePanel.open.values()]) p.dispose();
  }

  /** The open tables (tests look at what they show). */
  static all(): readonly RunsTablePanel[] {
    return [...RunsTablePanel.open.values()];
  }

  private readonly session: TableSession;
  private ready = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly changed = new Set<string>();
  private layout: TableLayout = DEFAULT_LAYOUT;
  private selection: string[] = [];

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly indexes: WorkspaceIndexes,
    private readonly problems: Problems,
    private readonly experiment: string | undefined,
    private readonly key: string,
  ) {
    super();
    this.session = new TableSession(
      () => indexes.all().map((i): TableSource => ({ store: i.store, folder: i.folder.name })),
      () => ({ nowSeconds: Date.now() / 1000, heartbeatTimeoutSeconds: settings().heartbeatTimeoutSeconds, local: localProcesses }),
    );
    this.register(panel);
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'labbook.svg');
    panel.webview.html = webviewHtml(panel.webview, context.extensionUri, 'table', panel.title);
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)));
    this.register(indexes.onDidChange(({ changes }) => {
      for (const uid of [...changes.runs, ...changes.removed, ...changes.reset]) this.changed.add(uid);
      if (this.ready) this.schedule();
    }));
  }

  /** What the table shows now: the runs in order (tests read it). */
  get shownUids(): readonly string[] {
    return this.session.uids;
  }

  override dispose(): void {
    clearTimeout(this.timer);
    RunsTablePanel.open.delete(this.key);
    super.dispose();
  }

  private post(message: HostToRunsTable): void {
    void this.panel.webview.postMessage(message);
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isRunsTableToHost(raw, (why) => this.problems.report(`runs table: message refused: ${why}`))) return;
    const m: RunsTableToHost = raw;
    try {
      switch (m.type) {
        case 'ready': return await this.init();
        case 'error': return this.problems.report(`runs table: ${m.message}`);
        case 'filter': {
          const parsed = parseFilterMessage(m.json);
          if (parsed) this.apply(m.seq, parsed);
          else this.problems.report('runs table: a malformed filter was refused');
          return;
        }
        case 'rows': return this.post({ type: 'rows', rows: this.session.rows(m.from, m.to) });
        case 'openRun': return void vscode.commands.executeCommand('labbook.openRun', m.id);
        case 'selection': this.selection = parseUidList(m.json) ?? []; return;
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
    this.ready = true;
    const filter: TableFilter = { experiment: this.experiment, sort: [] };
    this.post({ type: 'init', scope: this.experiment ?? 'all runs', filter, layout: this.layout, views: await this.readViews(), recent: this.recent(), viewsFile: this.viewsUri()?.fsPath ?? '' });
  }

  private apply(seq: number, { filter, layout }: FilterMessage): void {
    const started = performance.now();
    // An experiment's table stays on that experiment.
    const scoped: TableFilter = { ...filter, experiment: this.experiment ?? filter.experiment };
    this.layout = layout;
    const outcome = this.session.tryApply(scoped, layout);
    if ('error' in outcome) {
      this.post({ type: 'queryError', seq, error: { message: outcome.error.message, start: outcome.error.start, end: outcome.error.end } });
      return;
    }
    const r = outcome.result;
    if (filter.query?.trim()) void this.context.workspaceState.update(RECENT_KEY, pushRecent(this.recent(), filter.query));
    this.post({ type: 'result', seq, order: r.order, columns: r.columns, statuses: r.statuses, tags: r.tags, rows: r.rows, ms: Math.round(performance.now() - started), total: r.order.length });
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.isDisposed) return;
      const changed = new Set(this.changed);
      this.changed.clear();
      const next = this.session.refresh(changed);
      if (!next) return;
      if ('rows' in next) this.post({ type: 'rows', rows: next.rows });
      else {
        const r = next.result;
        this.post({ type: 'result', seq: -1, order: r.order, columns: r.columns, statuses: r.statuses, tags: r.tags, rows: r.rows, ms: 0, total: r.order.length });
      }
    }, REFRESH_MS);
  }

  private indexOf(uid: string): IndexService | undefined {
    return this.indexes.find(uid);
  }

  private async action(action: string, uids: string[]): Promise<void> {
    if (uids.length === 0) return;
    if (action === 'compare') {
      await vscode.commands.executeCommand('labbook.compareRuns', uids);
    } else if (action === 'tag') {
      if (!vscode.workspace.isTrusted) {
        void notify('info', 'Labbook: tagging runs writes their edits files, which Restricted Mode does not allow.');
        return;
      }
      const value = await vscode.window.showInputBox({ title: `Add tags to ${uids.length} run${uids.length === 1 ? '' : 's'}`, prompt: 'Comma-separated tags (key:value or a plain word)' });
      const add = [...new Set((value ?? '').split(',').map((t) => t.trim()).filter(Boolean))];
      if (add.length === 0) return;
      for (const uid of uids) {
        const index = this.indexOf(uid);
        const run = index?.store.getRun(uid);
        if (!index || !run) continue;
        const tags = index.store.getTags(run.id);
        await editRun(index, uid, { t: 'tags', tags: [...new Set([...tags, ...add])], reset: true });
      }
    } else {
      this.problems.report(`runs table: unknown action ${action.replace(/[^\w-]/g, '?')}`);
    }
  }

  /** The matching runs with the columns shown, as CSV (to a file) or Markdown (to the clipboard). */
  private async export(format: string, columnIds: string[]): Promise<void> {
    const r = this.session.tryApply(this.session.currentFilter, this.layout);
    if ('error' in r) return;
    const byId = new Map(r.result.columns.map((c) => [c.id, c]));
    const columns = columnIds.flatMap((id) => byId.get(id) ?? []);
    const rows = this.session.read(this.session.uids);
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
