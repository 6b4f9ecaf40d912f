/**
 * The host side of a webview panel, shared by the run, compare and sweep panels.
 *
 *   class MyPanel extends PanelHost<HostToMy, MyToHost> {
 *     constructor(panel, env) { super(panel, { ...env, app: 'my', label: 'my panel', validate: isMyToHost, state }); }
 *     protected onReady(): void { this.post({ type: 'init', ... }); }   // the webview (re)loaded: send everything
 *     protected onMessage(m: MyToHost): void { ... }                    // every other valid message
 *   }
 *
 * - `post(m)` sends a message, or holds it until the webview's `ready` (then after `onReady`'s own).
 * - `isReady` is false until the first `ready`; a webview that reloads (a hidden tab shown again)
 *   says `ready` again and `onReady` runs again.
 * - `throttle(name, fn)` runs `fn` once, a second after the first call, however often it is called meanwhile.
 * - `respond(request, work)` answers a webview request carrying a `requestId` with the reply `work`
 *   builds (typed by the protocol; sent only while the panel is open, and only with the same id).
 * - Messages from the webview are validated by the protocol's checker first; refusals and the
 *   webview's own `error` messages go to the Labbook log.
 * - `PanelRegistry` keeps the open panels by key (a Disposable that closes them all).
 * - `PanelKind<P, State>` is the base of each kind's manager (`RunPanels`, `ComparePanels`,
 *   `SweepPanels`): its `registry` of open panels and the serializer that brings panels back after a
 *   window reload. The identity passed as `state` to `PanelHost` is kept by the webview
 *   (`vscode.setState`), checked with `isState` and handed to `restore`. `package.json` needs
 *   `onWebviewPanel:<viewType>` in `activationEvents`.
 */
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { Problems } from '../core/problems';
import { panelStateOf } from '../protocol/panelState';
import { webviewHtml, webviewOptions } from './webviewHtml';

/** What every panel needs from the extension. */
export interface PanelEnv {
  readonly extensionUri: vscode.Uri;
  readonly problems: Problems;
}

export interface PanelSetup<FromView> extends PanelEnv {
  /** The webview app (`webview-ui/<app>/main.ts`). */
  readonly app: string;
  /** How the log names this panel ("run panel"). */
  readonly label: string;
  /** The protocol's checker of messages from the webview. */
  readonly validate: (value: unknown, refuse: (why: string) => void) => value is FromView;
  /** The panel's identity (JSON), kept by the webview for a reload. */
  readonly state: unknown;
  /** Called with why a message was refused, besides logging it. */
  readonly onRefused?: (message: unknown, why: string) => void;
}

/** A message type the webview sends; `ready` and `error` are handled here. */
type Incoming = { readonly type: string };

export const THROTTLE_MS = 1000;

export abstract class PanelHost<ToView, FromView extends Incoming> extends Disposable {
  private ready = false;
  private held: ToView[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  protected readonly problems: Problems;

  protected constructor(protected readonly panel: vscode.WebviewPanel, private readonly setup: PanelSetup<FromView>) {
    super();
    this.problems = setup.problems;
    this.register(panel);
    panel.webview.options = webviewOptions(setup.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(setup.extensionUri, 'media', 'labbook.svg');
    panel.webview.html = webviewHtml(panel.webview, setup.extensionUri, setup.app, panel.title, setup.state);
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)));
  }

  /** The VS Code panel (to reveal it, or read its column). */
  get webviewPanel(): vscode.WebviewPanel {
    return this.panel;
  }

  /** The webview has said `ready` (it listens). */
  protected get isReady(): boolean {
    return this.ready;
  }

  /** The webview (re)loaded and listens: send it everything. */
  protected abstract onReady(): void;
  /** A valid message from the webview other than `ready` and `error`. */
  protected abstract onMessage(message: Exclude<FromView, { readonly type: 'ready' | 'error' }>): void;

  /** Sends now, or once the webview is ready. */
  protected post(message: ToView): void {
    if (this.isDisposed) return;
    if (!this.ready) this.held.push(message);
    else void this.panel.webview.postMessage(message);
  }

  /** Runs `fn` once, `ms` after the first of any number of calls with this name. */
  protected throttle(name: string, fn: () => void, ms = THROTTLE_MS): void {
    if (this.timers.has(name)) return;
    this.timers.set(name, setTimeout(() => {
      this.timers.delete(name);
      if (!this.isDisposed) fn();
    }, ms));
  }

  /** Answers a request from the webview with the reply `work` builds (same `requestId`), while the panel is open. */
  protected respond<Reply extends ToView & { readonly requestId: number }>(request: { readonly requestId: number }, work: () => Promise<Reply>): void {
    void work().then((reply) => {
      if (reply.requestId !== request.requestId) throw new Error(`reply to request ${request.requestId} carries id ${reply.requestId}`);
      if (!this.isDisposed) this.post(reply);
    }).catch((e: unknown) => this.problems.report(`${this.setup.label}: ${(e as Error).message}`));
  }

  private receive(message: unknown): void {
    const refuse = (why: string) => {
      this.problems.report(`${this.setup.label}: message refused: ${why}`);
      this.setup.onRefused?.(message, why);
    };
    if (!this.setup.validate(message, refuse)) return;
    if (message.type === 'ready') {
      this.ready = true;
      const held = this.held;
      this.held = [];
      this.onReady();
      for (const m of held) this.post(m);
    } else if (message.type === 'error') {
      this.problems.report(`${this.setup.label}: ${(message as { message?: unknown }).message}`);
    } else {
      this.onMessage(message as Exclude<FromView, { readonly type: 'ready' | 'error' }>);
    }
  }

  override dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.held = [];
    super.dispose();
  }
}

/** The open panels of one kind, by key. Closing a panel removes it; disposing the registry closes them all. */
export class PanelRegistry<P extends Disposable> implements vscode.Disposable {
  private readonly open = new Map<string, P>();

  get(key: string): P | undefined {
    return this.open.get(key);
  }

  /** Keeps `panel` under `key`; the panel calls `remove` as it closes. */
  add(key: string, panel: P): P {
    this.open.set(key, panel);
    return panel;
  }

  /** Called by a panel as it closes. */
  remove(key: string, panel: P): void {
    if (this.open.get(key) === panel) this.open.delete(key);
  }

  all(): P[] {
    return [...this.open.values()];
  }

  dispose(): void {
    for (const p of this.all()) p.dispose();
    this.open.clear();
  }
}

/**
 * Restores panels of `viewType` after a window reload: `isState` checks the identity the webview
 * kept; `restore` opens the panel again in the given webview panel (or closes it when what it
 * showed is gone). Register it with `vscode.window.registerWebviewPanelSerializer(viewType, ...)`.
 */
export function panelSerializer<S>(viewType: string, isState: (value: unknown) => value is S, restore: (panel: vscode.WebviewPanel, state: S) => Promise<void> | void, problems: Problems): vscode.WebviewPanelSerializer {
  return {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, saved: unknown): Promise<void> {
      const state = panelStateOf(saved);
      if (!isState(state)) {
        if (saved !== undefined) problems.report(`a ${viewType} panel could not be restored: its saved state is not understood`);
        panel.dispose();
        return;
      }
      await restore(panel, state);
    },
  };
}

/**
 * The open panels of one kind and their return after a window reload. A subclass opens panels
 * (adding them to `registry`) and implements `restore`, which runs once `whenReady` settles (the
 * runs or sweeps a restored panel shows are read by then).
 */
export abstract class PanelKind<P extends Disposable, State> implements vscode.Disposable {
  protected readonly registry = new PanelRegistry<P>();
  /** What VS Code calls with a panel kept over a reload (registered under `viewType`). */
  readonly serializer: vscode.WebviewPanelSerializer;
  private readonly registration: vscode.Disposable;

  protected constructor(readonly viewType: string, isState: (value: unknown) => value is State, problems: Problems, whenReady: () => Promise<unknown>) {
    this.serializer = panelSerializer(viewType, isState, async (panel, state) => {
      await whenReady();
      this.restore(panel, state);
    }, problems);
    this.registration = vscode.window.registerWebviewPanelSerializer(viewType, this.serializer);
  }

  /** Opens a panel again in `panel` from its saved identity, or closes `panel` when that is gone or already open. */
  protected abstract restore(panel: vscode.WebviewPanel, state: State): void;

  dispose(): void {
    this.registration.dispose();
    this.registry.dispose();
  }
}
