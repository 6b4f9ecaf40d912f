import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { Problems } from '../core/problems';
import { paramImportance } from '../core/sweeps/importance';
import type { SweepSummary } from '../core/sweeps/sweepState';
import { type HostToSweepPanel, isSweepPanelToHost, type SweepPanelData } from '../protocol/sweepPanel';
import type { SweepService } from '../sweeps/sweepService';
import { notify } from '../notifications';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const SWEEP_PANEL_VIEW_TYPE = 'labbook.sweep';

/** Most trials sent to the panel (the best ones by the objective, then the most recent). */
const MAX_PANEL_TRIALS = 5000;

function display(v: unknown): string | null {
  if (v === undefined) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** What the panel shows of a sweep: its trials, best params and each param's importance. `indexed`: whether a run is in the index. */
export function sweepPanelData(s: SweepSummary, indexed: (runId: string) => boolean): SweepPanelData {
  const parameters = [...new Set([...s.parameters, ...s.trials.flatMap((t) => Object.keys(t.params))])];
  const scored = s.trials.filter((t) => t.status === 'completed' && t.value !== null).map((t) => ({ params: t.params, value: t.value! }));
  const trials = s.trials.length > MAX_PANEL_TRIALS ? s.trials.slice(-MAX_PANEL_TRIALS) : s.trials;
  return {
    id: s.id, name: s.name, experiment: s.experiment, strategy: s.strategy, metric: s.metric, goal: s.goal, progress: s.progress,
    state: s.state, agents: s.agents, counts: s.counts, parameters,
    best: s.best && { trial: s.best.trial, value: s.best.value, paramsJson: JSON.stringify(s.best.params, null, 2), runId: s.best.runId && indexed(s.best.runId) ? s.best.runId : null },
    trials: trials.map((t) => ({ number: t.number, params: parameters.map((p) => display(t.params[p])), status: t.status, value: t.value, runId: t.runId && indexed(t.runId) ? t.runId : null })),
    importance: paramImportance(parameters, scored),
  };
}

/**
 * One webview panel per sweep: trials sorted by the objective, the best params with a copy button,
 * the objective per trial with the running best, and each param's importance. Updated in place
 * whenever the sweep's summary changes.
 */
export class SweepPanel extends Disposable {
  private static readonly open = new Map<string, SweepPanel>();

  static show(extensionUri: vscode.Uri, sweeps: SweepService, id: string, problems: Problems, openRun: (runId: string) => void): SweepPanel | undefined {
    const existing = SweepPanel.open.get(id);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const ref = sweeps.find(id);
    if (!ref) {
      void notify('warning', `Labbook: no sweep ${id} in this workspace.`);
      return undefined;
    }
    const panel = vscode.window.createWebviewPanel(SWEEP_PANEL_VIEW_TYPE, `Sweep: ${ref.summary.name}`, vscode.ViewColumn.Active, webviewOptions(extensionUri));
    const view = new SweepPanel(panel, extensionUri, sweeps, id, problems, openRun);
    SweepPanel.open.set(id, view);
    return view;
  }

  static disposeAll(): void {
    for (const p of [...SweepPanel.open.values()]) p.dispose();
  }

  private ready = false;
  private lastText = '';

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly sweeps: SweepService,
    private readonly id: string,
    private readonly problems: Problems,
    private readonly openRun: (runId: string) => void,
  ) {
    super();
    this.register(panel);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'labbook.svg');
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'sweep', panel.title);
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
    this.register(sweeps.onDidChange(() => this.send()));
    // A trial's run reaching the index makes its row open it.
    const index = sweeps.find(id)?.index;
    if (index) this.register(index.onDidChange(() => this.send()));
  }

  override dispose(): void {
    SweepPanel.open.delete(this.id);
    super.dispose();
  }

  private data(): SweepPanelData | undefined {
    const ref = this.sweeps.find(this.id);
    return ref && sweepPanelData(ref.summary, (runId) => ref.index.store.getRun(runId) !== undefined);
  }

  private onMessage(message: unknown): void {
    if (!isSweepPanelToHost(message, (why) => this.problems.report(`sweep panel: message refused: ${why}`))) return;
    if (message.type === 'ready') {
      this.ready = true;
      this.lastText = '';
      this.send();
    } else if (message.type === 'openRun') {
      this.openRun(message.id);
    } else if (message.type === 'copyBest') {
      const best = this.data()?.best;
      if (best) {
        void vscode.env.clipboard.writeText(best.paramsJson);
        void notify('info', `Labbook: the best params of trial ${best.trial} are on the clipboard.`);
      }
    } else {
      this.problems.report(`sweep panel: ${message.message}`);
    }
  }

  private send(): void {
    if (!this.ready || this.isDisposed) return;
    const sweep = this.data();
    if (!sweep) return;
    const text = JSON.stringify(sweep);
    if (text === this.lastText) return;
    this.lastText = text;
    this.panel.title = `Sweep: ${sweep.name}`;
    const message: HostToSweepPanel = { type: 'init', sweep };
    void this.panel.webview.postMessage(message);
  }
}
