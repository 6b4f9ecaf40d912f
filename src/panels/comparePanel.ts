import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { IndexService } from '../indexService';
import { CompareFeed } from '../core/compare';
import type { Problems } from '../core/problems';
import { type HostToComparePanel, isComparePanelToHost } from '../protocol/comparePanel';
import { settings } from '../settings';
import { localProcesses } from '../localProcesses';
import { notify } from '../notifications';
import { webviewHtml, webviewOptions } from './webviewHtml';
import { answerRange, saveChart } from './compareRequests';

export const COMPARE_PANEL_VIEW_TYPE = 'labbook.compare';

/** A run to compare and the index (workspace folder) that holds it. */
export interface CompareRef {
  readonly index: IndexService;
  readonly uid: string;
}

/**
 * One webview panel comparing several runs: a parameter table marking what differs and one chart
 * per metric with a line per run. Sent whole once, then (at most once a second) only what changed.
 */
export class ComparePanel extends Disposable {
  private static readonly open = new Map<string, ComparePanel>();

  static show(extensionUri: vscode.Uri, refs: readonly CompareRef[], problems: Problems, openRun: (ref: CompareRef) => void): ComparePanel | undefined {
    const unique = [...new Map(refs.map((r) => [`${r.index.folder.uri.toString()}|${r.uid}`, r])).entries()];
    if (unique.length < 2) {
      void notify('info', 'Labbook: choose at least two runs to compare.');
      return undefined;
    }
    const key = unique.map(([k]) => k).sort().join('\n');
    const existing = ComparePanel.open.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const list = unique.map(([, r]) => r);
    const panel = vscode.window.createWebviewPanel(COMPARE_PANEL_VIEW_TYPE, ComparePanel.title(list), vscode.ViewColumn.Active, webviewOptions(extensionUri));
    const view = new ComparePanel(panel, extensionUri, list, problems, openRun, key);
    ComparePanel.open.set(key, view);
    return view;
  }

  static disposeAll(): void {
    for (const p of [...ComparePanel.open.values()]) p.dispose();
  }

  private static title(refs: readonly CompareRef[]): string {
    const names = refs.map((r) => r.index.store.getRun(r.uid)?.name ?? r.uid);
    const shown = names.slice(0, 3).join(', ');
    return `Compare: ${shown}${names.length > 3 ? ` +${names.length - 3}` : ''}`;
  }

  private ready = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly feed: CompareFeed;
  /** Whether the view has had everything once (then it gets only changes). */
  private sentOnce = false;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly refs: readonly CompareRef[],
    private readonly problems: Problems,
    private readonly openRun: (ref: CompareRef) => void,
    private readonly key: string,
  ) {
    super();
    this.feed = new CompareFeed(refs.map((r) => ({ store: r.index.store, uid: r.uid, folder: r.index.folder.name })));
    this.register(panel);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'labbook.svg');
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'compare', panel.title);
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
    for (const index of new Set(refs.map((r) => r.index))) {
      this.register(index.onDidChange((c) => {
        const mine = refs.some((r) => r.index === index && (c.runs.has(r.uid) || c.removed.has(r.uid) || c.reset.has(r.uid)));
        // A run read again from scratch: its lines may differ anywhere, send everything.
        if (refs.some((r) => r.index === index && c.reset.has(r.uid))) this.sentOnce = false;
        if (mine && this.ready) this.schedule();
      }));
    }
  }

  override dispose(): void {
    clearTimeout(this.timer);
    ComparePanel.open.delete(this.key);
    super.dispose();
  }

  private onMessage(message: unknown): void {
    if (!isComparePanelToHost(message, (why) => this.problems.report(`compare panel: message refused: ${why}`))) return;
    if (message.type === 'ready') {
      // A (re)loaded view has nothing yet: send everything.
      this.ready = true;
      this.sentOnce = false;
      this.send();
    } else if (message.type === 'openRun') {
      const ref = this.refs.find((r) => r.uid === message.id);
      if (ref) this.openRun(ref);
    } else if (message.type === 'range') {
      const sources = this.refs.map((r) => ({ store: r.index.store, uid: r.uid, folder: r.index.folder.name }));
      void this.panel.webview.postMessage(answerRange(sources, message, settings().maxChartPoints));
    } else if (message.type === 'save') {
      saveChart(message).catch((e: unknown) => void notify('error', `Labbook: could not save the chart: ${(e as Error).message}`));
    } else {
      this.problems.report(`compare panel: ${message.message}`);
    }
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.isDisposed) this.send();
    }, 1000);
  }

  /** Everything after `ready`; afterwards only what changed. */
  private send(): void {
    const options = { now: Date.now() / 1000, heartbeatTimeoutSeconds: settings().heartbeatTimeoutSeconds, maxChartPoints: settings().maxChartPoints, local: localProcesses };
    let next: ReturnType<CompareFeed['next']>;
    if (this.sentOnce) next = this.feed.next(options);
    else {
      const full = this.feed.full(options);
      next = full && { full };
    }
    if (!next) {
      // Runs were deleted: nothing left to compare.
      this.panel.dispose();
      return;
    }
    this.sentOnce = true;
    const runs = 'full' in next ? next.full.runs : next.update.runs;
    this.panel.title = ComparePanel.title(this.refs.filter((r) => runs.some((run) => run.id === r.uid)));
    const message: HostToComparePanel = 'full' in next ? { type: 'init', ...next.full } : { type: 'update', ...next.update };
    void this.panel.webview.postMessage(message);
  }
}
