import * as vscode from 'vscode';
import { paramImportance } from '../core/sweeps/importance';
import type { SweepSummary } from '../core/sweeps/sweepState';
import { type HostToSweepPanel, isSweepPanelToHost, type SweepPanelData, type SweepPanelToHost } from '../protocol/sweepPanel';
import type { SweepService } from '../sweeps/sweepService';
import { notify } from '../notifications';
import { PanelHost, PanelKind, type PanelEnv } from './panelHost';
import { webviewOptions } from './webviewHtml';

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

/** What a sweep panel keeps over a window reload: the sweep's id. */
interface SweepState { readonly id: string }

function isSweepState(value: unknown): value is SweepState {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length > 0 && id.length < 4096;
}

export interface SweepPanelEnv extends PanelEnv {
  readonly sweeps: SweepService;
  /** Opens a trial's run in its own panel. */
  readonly openRun: (runId: string) => void;
}

/**
 * One webview panel per sweep: trials sorted by the objective, the best params with a copy button,
 * the objective per trial with the running best, and each param's importance. Updated in place
 * whenever the sweep's summary changes.
 */
export class SweepPanel extends PanelHost<HostToSweepPanel, SweepPanelToHost> {
  private lastText = '';

  constructor(panel: vscode.WebviewPanel, private readonly env: SweepPanelEnv, private readonly id: string, private readonly onClose: (p: SweepPanel) => void) {
    super(panel, { ...env, app: 'sweep', label: 'sweep panel', validate: isSweepPanelToHost, state: { id } satisfies SweepState });
    this.register(env.sweeps.onDidChange(() => this.send()));
    // A trial's run reaching the index makes its row open it.
    const index = env.sweeps.find(id)?.index;
    if (index) this.register(index.onDidChange(() => this.send()));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.onClose(this);
    super.dispose();
  }

  private data(): SweepPanelData | undefined {
    const ref = this.env.sweeps.find(this.id);
    return ref && sweepPanelData(ref.summary, (runId) => ref.index.run(runId) !== undefined);
  }

  protected onReady(): void {
    this.lastText = '';
    this.send();
  }

  protected onMessage(message: Exclude<SweepPanelToHost, { readonly type: 'ready' | 'error' }>): void {
    if (message.type === 'openRun') {
      this.env.openRun(message.id);
    } else {
      const best = this.data()?.best;
      if (best) {
        void vscode.env.clipboard.writeText(best.paramsJson);
        void notify('info', `Labbook: the best params of trial ${best.trial} are on the clipboard.`);
      }
    }
  }

  private send(): void {
    if (!this.isReady || this.isDisposed) return;
    const sweep = this.data();
    if (!sweep) return;
    const text = JSON.stringify(sweep);
    if (text === this.lastText) return;
    this.lastText = text;
    this.panel.title = `Sweep: ${sweep.name}`;
    this.post({ type: 'init', sweep });
  }
}

/** The open sweep panels, one per sweep, and their return after a window reload. */
export class SweepPanels extends PanelKind<SweepPanel, SweepState> {
  /** `whenRead` settles once the sweeps are read (a restored panel waits for it). */
  constructor(private readonly env: SweepPanelEnv, whenRead: () => Promise<unknown>) {
    super(SWEEP_PANEL_VIEW_TYPE, isSweepState, env.problems, whenRead);
  }

  protected restore(panel: vscode.WebviewPanel, state: SweepState): void {
    if (this.registry.get(state.id) || !this.env.sweeps.find(state.id)) panel.dispose();
    else this.open(panel, state.id);
  }

  /** Opens (or shows) the panel of a sweep. */
  show(id: string): SweepPanel | undefined {
    const existing = this.registry.get(id);
    if (existing) {
      existing.webviewPanel.reveal();
      return existing;
    }
    const ref = this.env.sweeps.find(id);
    if (!ref) {
      void notify('warning', `Labbook: no sweep ${id} in this workspace.`);
      return undefined;
    }
    const panel = vscode.window.createWebviewPanel(SWEEP_PANEL_VIEW_TYPE, `Sweep: ${ref.summary.name}`, vscode.ViewColumn.Active, webviewOptions(this.env.extensionUri));
    return this.open(panel, id);
  }

  private open(panel: vscode.WebviewPanel, id: string): SweepPanel {
    return this.registry.add(id, new SweepPanel(panel, this.env, id, (p) => this.registry.remove(id, p)));
  }
}
