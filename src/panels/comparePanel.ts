import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { IndexService } from '../indexService';
import { downsampleMinMax } from '../core/downsample';
import { paramDiff } from '../core/diff';
import { runStatus } from '../core/status';
import { localProcesses } from '../localProcesses';
import type { Problems } from '../core/problems';
import { type CompareRun, type CompareSeries, type HostToComparePanel, isComparePanelToHost } from '../protocol/comparePanel';
import { settings } from '../settings';
import { notify } from '../notifications';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const COMPARE_PANEL_VIEW_TYPE = 'labbook.compare';

/** A run to compare and the index (workspace folder) that holds it. */
export interface CompareRef {
  readonly index: IndexService;
  readonly uid: string;
}

/** How a parameter value is shown in the table. */
function display(v: unknown): string | null {
  if (v === undefined) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * One webview panel comparing several runs: a parameter table marking what differs and one chart
 * per metric with a line per run. Sent whole, again (at most once a second) when one of them changes.
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

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly refs: readonly CompareRef[],
    private readonly problems: Problems,
    private readonly openRun: (ref: CompareRef) => void,
    private readonly key: string,
  ) {
    super();
    this.register(panel);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'labbook.svg');
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'compare', panel.title);
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
    for (const index of new Set(refs.map((r) => r.index))) {
      this.register(index.onDidChange((c) => {
        const mine = refs.some((r) => r.index === index && (c.runs.has(r.uid) || c.removed.has(r.uid) || c.reset.has(r.uid)));
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
      this.ready = true;
      this.send();
    } else if (message.type === 'openRun') {
      const ref = this.refs.find((r) => r.uid === message.id);
      if (ref) this.openRun(ref);
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

  private send(): void {
    const present = this.refs.map((r) => ({ ref: r, row: r.index.store.getRun(r.uid) })).filter((x) => x.row !== undefined);
    if (present.length < 2) {
      // Runs were deleted: nothing left to compare.
      this.panel.dispose();
      return;
    }
    const multiRoot = new Set(present.map((p) => p.ref.index)).size > 1;
    const now = Date.now() / 1000;
    const timeout = settings().heartbeatTimeoutSeconds;
    const runs: CompareRun[] = present.map(({ ref, row }) => ({
      id: ref.uid,
      name: row!.name,
      project: row!.experiment,
      status: runStatus(row!, now, timeout, localProcesses),
      folder: multiRoot ? ref.index.folder.name : '',
    }));
    const params = paramDiff(present.map(({ ref, row }) => ref.index.store.getParams(row!.id))).map((p) => ({ key: p.key, values: p.values.map(display), differs: p.differs }));
    // The drawing budget is shared by the lines of a chart.
    const max = Math.max(200, Math.floor(settings().maxChartPoints / Math.min(present.length, 8)));
    const byKey = new Map<string, Array<CompareSeries['lines'][number]>>();
    const stats = new Map<string, { last: Array<number | null>; min: Array<number | null>; max: Array<number | null> }>();
    present.forEach(({ ref, row }, i) => {
      for (const s of ref.index.store.listSeries(row!.id)) {
        const pts = ref.index.store.getPoints(s.id);
        const st = stats.get(s.key) ?? { last: present.map(() => null), min: present.map(() => null), max: present.map(() => null) };
        let min = Infinity;
        let max = -Infinity;
        for (const v of pts.values) {
          if (v < min) min = v;
          if (v > max) max = v;
        }
        st.last[i] = pts.values.length ? pts.values[pts.values.length - 1] : null;
        st.min[i] = min <= max ? min : null;
        st.max[i] = min <= max ? max : null;
        stats.set(s.key, st);
        const { steps, values } = pts.steps.length > max ? downsampleMinMax(pts.steps, pts.values, max) : pts;
        const lines = byKey.get(s.key) ?? [];
        lines.push({ run: i, steps, values, total: s.count });
        byKey.set(s.key, lines);
      }
    });
    const series = [...byKey].sort(([a], [b]) => a.localeCompare(b)).map(([key, lines]) => ({ key, lines }));
    this.panel.title = ComparePanel.title(present.map((p) => p.ref));
    const metrics = [...stats].sort(([a], [b]) => a.localeCompare(b)).map(([key, st]) => ({ key, ...st }));
    const message: HostToComparePanel = { type: 'init', runs, params, metrics, series };
    void this.panel.webview.postMessage(message);
  }
}
