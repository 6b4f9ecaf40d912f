import * as vscode from 'vscode';
import { CompareFeed } from '../core/compare';
import { type ComparePanelToHost, type HostToComparePanel, isComparePanelToHost } from '../protocol/comparePanel';
import { isRunRef, runKey, type RunRef } from '../protocol/runRef';
import type { RunsModel } from '../runsModel';
import { settings } from '../settings';
import { notify } from '../notifications';
import { PanelHost, PanelKind, type PanelEnv } from './panelHost';
import { webviewOptions } from './webviewHtml';
import { answerRange, saveChart } from './compareRequests';
import type { CompareSource } from '../core/compare';

export const COMPARE_PANEL_VIEW_TYPE = 'labbook.compare';

/** What a compare panel keeps over a window reload: the runs it compares. */
interface CompareState { readonly runs: readonly RunRef[] }

function isCompareState(value: unknown): value is CompareState {
  const runs = (value as { runs?: unknown } | null)?.runs;
  return Array.isArray(runs) && runs.length >= 2 && runs.length <= 1000 && runs.every(isRunRef);
}

export interface ComparePanelEnv extends PanelEnv {
  readonly runs: RunsModel;
  /** Opens one of the compared runs in its own panel. */
  readonly openRun: (ref: RunRef) => void;
}

/**
 * One webview panel comparing several runs: a parameter table marking what differs and one chart
 * per metric with a line per run. Sent whole once, then (at most once a second) only what changed.
 */
export class ComparePanel extends PanelHost<HostToComparePanel, ComparePanelToHost> {
  private readonly feed: CompareFeed;
  private readonly sources: CompareSource[];
  /** Whether the view has had everything once (then it gets only changes). */
  private sentOnce = false;
  /** The last messages sent to the view, newest last (tests read what the view was given). */
  private readonly recent: HostToComparePanel[] = [];

  constructor(panel: vscode.WebviewPanel, private readonly env: ComparePanelEnv, private readonly refs: readonly RunRef[], private readonly onClose: (p: ComparePanel) => void) {
    super(panel, { ...env, app: 'compare', label: 'compare panel', validate: isComparePanelToHost, state: { runs: refs } satisfies CompareState });
    const located = refs.flatMap((ref) => {
      const index = env.runs.indexOf(ref);
      return index ? [{ ref, index }] : [];
    });
    this.sources = located.map((r) => ({ reads: r.index.reads, uid: r.ref.uid, folder: r.index.folder.name }));
    this.feed = new CompareFeed(this.sources);
    for (const index of new Set(located.map((r) => r.index))) {
      const mine = located.filter((r) => r.index === index).map((r) => r.ref.uid);
      this.register(index.onDidChange((c) => {
        // A run read again from scratch: its lines may differ anywhere, send everything.
        if (mine.some((uid) => c.reset.has(uid))) this.sentOnce = false;
        if (this.isReady && mine.some((uid) => c.runs.has(uid) || c.removed.has(uid) || c.reset.has(uid))) this.throttle('send', () => void this.serial(() => this.send()));
      }));
    }
  }

  /** The runs compared, as asked for. */
  get runRefs(): readonly RunRef[] {
    return this.refs;
  }

  /** The last messages the view was sent (up to 20), newest last. */
  get sentMessages(): readonly HostToComparePanel[] {
    return this.recent;
  }

  /** What the view's `range` message does when a chart is zoomed: the answer is sent to the view. */
  zoom(key: string, lo: number, hi: number, request: number): void {
    this.onMessage({ type: 'range', key, lo, hi, request });
  }

  protected override post(message: HostToComparePanel): void {
    this.recent.push(message);
    if (this.recent.length > 20) this.recent.shift();
    super.post(message);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.onClose(this);
    super.dispose();
  }

  /** What the view's `lines` message does when a chart scrolls into view: its lines are sent to the view. */
  loadChart(key: string): void {
    this.onMessage({ type: 'lines', key });
  }

  /** A (re)loaded view has nothing yet: send everything (the first charts' lines). */
  protected onReady(): void {
    this.sentOnce = false;
    this.feed.restart();
    void this.serial(() => this.send());
  }

  private work: Promise<void> = Promise.resolve();

  /** Reads of the index one after another: the feed remembers what it sent, in order. */
  private serial(job: () => Promise<void>): Promise<void> {
    this.work = this.work.then(job).catch((e: unknown) => this.problems.report(`compare panel: ${(e as Error).stack ?? e}`));
    return this.work;
  }

  protected onMessage(message: Exclude<ComparePanelToHost, { readonly type: 'ready' | 'error' }>): void {
    if (message.type === 'range') {
      // A zoomed chart: that range's points, finer.
      void answerRange(this.sources, message, settings().maxChartPoints, this.feed).then((m) => this.post(m), (e: Error) => this.problems.report(`compare panel: ${e.message}`));
    } else if (message.type === 'lines') {
      // A chart scrolled into view: its lines, after whatever is being sent (the feed keeps them up to date from then on).
      void this.serial(async () => {
        const series = await this.feed.load([message.key]);
        if (series.length > 0 && !this.isDisposed) this.post({ type: 'lines', series });
      });
    } else if (message.type === 'save') {
      saveChart(message).catch((e: unknown) => void notify('error', `Labbook: could not save the chart: ${(e as Error).message}`));
    } else {
      const ref = this.refs.find((r) => r.uid === message.id);
      if (ref) this.env.openRun(ref);
    }
  }

  /** Everything after `ready`; afterwards only what changed. */
  private async send(): Promise<void> {
    const options = { ...this.env.runs.statusRules(), maxChartPoints: settings().maxChartPoints };
    let next: Awaited<ReturnType<CompareFeed['next']>>;
    if (this.sentOnce) next = await this.feed.next(options);
    else {
      const full = await this.feed.full(options);
      next = full && { full };
    }
    if (this.isDisposed) return;
    if (!next) {
      // Runs were deleted: nothing left to compare.
      this.panel.dispose();
      return;
    }
    this.sentOnce = true;
    const runs = 'full' in next ? next.full.runs : next.update.runs;
    this.panel.title = compareTitle(this.env.runs, this.refs.filter((r) => runs.some((run) => run.id === r.uid)));
    this.post('full' in next ? { type: 'init', ...next.full } : { type: 'update', ...next.update });
  }
}

function compareTitle(model: RunsModel, refs: readonly RunRef[]): string {
  const names = refs.map((r) => model.entry(r)?.run.name ?? r.uid);
  const shown = names.slice(0, 3).join(', ');
  return `Compare: ${shown}${names.length > 3 ? ` +${names.length - 3}` : ''}`;
}

/** The open compare panels, one per set of runs, and their return after a window reload. */
export class ComparePanels extends PanelKind<ComparePanel, CompareState> {
  constructor(private readonly env: ComparePanelEnv, whenIndexed: () => Promise<unknown>) {
    super(COMPARE_PANEL_VIEW_TYPE, isCompareState, env.problems, whenIndexed);
  }

  protected restore(panel: vscode.WebviewPanel, state: CompareState): void {
    const refs = this.unique(state.runs);
    if (refs.length < 2 || this.registry.get(this.key(refs))) panel.dispose();
    else this.open(panel, refs);
  }

  /** The open compare panels. */
  all(): ComparePanel[] {
    return this.registry.all();
  }

  /** Opens (or shows) the panel comparing these runs (at least two different ones). */
  show(refs: readonly RunRef[]): ComparePanel | undefined {
    const list = this.unique(refs);
    if (list.length < 2) {
      void notify('info', 'Labbook: choose at least two runs to compare.');
      return undefined;
    }
    const existing = this.registry.get(this.key(list));
    if (existing) {
      existing.webviewPanel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(COMPARE_PANEL_VIEW_TYPE, compareTitle(this.env.runs, list), vscode.ViewColumn.Active, webviewOptions(this.env.extensionUri));
    return this.open(panel, list);
  }

  private unique(refs: readonly RunRef[]): RunRef[] {
    return [...new Map(refs.map((r) => [runKey(r), r])).values()];
  }

  private key(refs: readonly RunRef[]): string {
    return refs.map(runKey).sort().join('\n');
  }

  private open(panel: vscode.WebviewPanel, refs: RunRef[]): ComparePanel {
    const key = this.key(refs);
    return this.registry.add(key, new ComparePanel(panel, this.env, refs, (p) => this.registry.remove(key, p)));
  }
}
