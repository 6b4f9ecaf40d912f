import * as vscode from 'vscode';
import { isRunRef, runKey, type RunRef } from '../protocol/runRef';
import { notify } from '../notifications';
import { PanelKind } from './panelHost';
import { RUN_PANEL_VIEW_TYPE, RunPanel, type RunPanelEnv } from './runPanel';
import { webviewOptions } from './webviewHtml';

/** Two clicks on the same run within this time are a double-click: the panel is kept. */
const DOUBLE_CLICK_MS = 500;

/**
 * The open run panels: one per run, the one preview panel that a click in the tree replaces, and
 * their return after a window reload.
 */
export class RunPanels extends PanelKind<RunPanel, RunRef> {
  /** The panel a single click in the tree replaces (as the Explorer's preview editor); none once it is kept. */
  private preview: RunPanel | undefined;
  private lastPreviewClick = { key: '', at: 0 };
  /** `whenIndexed` settles once the indexes hold their runs (a restored panel waits for it). */
  constructor(private readonly env: RunPanelEnv, whenIndexed: () => Promise<unknown>) {
    super(RUN_PANEL_VIEW_TYPE, isRunRef, env.problems, whenIndexed);
  }

  /**
   * Opens (or shows) the panel of a run. `preview` (a click in the tree) reuses the one preview
   * panel, keeping the focus in the tree; clicking the same run again right away (a double-click)
   * keeps the panel and focuses it, as does opening it any other way or editing in it.
   */
  show(ref: RunRef, options: { preview?: boolean } = {}): RunPanel | undefined {
    const key = runKey(ref);
    const existing = this.registry.get(key);
    const now = Date.now();
    const doubleClick = options.preview === true && this.lastPreviewClick.key === key && now - this.lastPreviewClick.at < DOUBLE_CLICK_MS;
    if (options.preview) this.lastPreviewClick = { key, at: now };
    if (existing) {
      const keep = !options.preview || doubleClick;
      if (keep) this.keep(existing);
      existing.webviewPanel.reveal(existing.webviewPanel.viewColumn, !keep);
      return existing;
    }
    const entry = this.env.runs.entry(ref);
    if (!entry) {
      void notify('warning', `Labbook: no run with id ${ref.uid} in this workspace.`);
      return undefined;
    }
    const replaced = options.preview ? this.preview : undefined;
    const viewColumn = replaced?.webviewPanel.viewColumn ?? vscode.ViewColumn.Active;
    const panel = vscode.window.createWebviewPanel(RUN_PANEL_VIEW_TYPE, entry.run.name, { viewColumn, preserveFocus: options.preview === true }, webviewOptions(this.env.extensionUri));
    const view = this.open(panel, ref);
    if (!view) return undefined;
    if (options.preview) this.preview = view;
    replaced?.dispose();
    return view;
  }

  /** The open panel of a run, if any. */
  get(ref: RunRef): RunPanel | undefined {
    return this.registry.get(runKey(ref));
  }

  /** A panel VS Code kept over a window reload: the same run again, or closed when the run is gone. */
  protected restore(panel: vscode.WebviewPanel, ref: RunRef): void {
    const existing = this.registry.get(runKey(ref));
    if (existing || !this.env.runs.entry(ref)) {
      panel.dispose();
      existing?.webviewPanel.reveal();
      return;
    }
    this.open(panel, ref);
  }

  private open(panel: vscode.WebviewPanel, ref: RunRef): RunPanel | undefined {
    const index = this.env.runs.indexOf(ref);
    if (!index) {
      panel.dispose();
      return undefined;
    }
    const key = runKey(ref);
    return this.registry.add(key, new RunPanel(panel, this.env, ref, index, (p) => {
      this.registry.remove(key, p);
      this.keep(p);
    }, (p) => this.keep(p)));
  }

  /** Not the preview any more: the next click in the tree opens beside it. */
  private keep(panel: RunPanel): void {
    if (this.preview === panel) this.preview = undefined;
  }
}
