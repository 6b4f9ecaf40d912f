/** The one place that calls acquireVsCodeApi (it may be called only once per webview). */
import { PANEL_STATE_KEY } from '../../src/protocol/panelState';

interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}
declare function acquireVsCodeApi<State = unknown>(): VsCodeApi<State>;

const api = acquireVsCodeApi();

/** The panel's identity, written by the host into the page; always kept in the saved state so the panel comes back after a reload. */
const panelIdentity = ((): unknown => {
  const raw = document.getElementById('app')?.dataset.state;
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
})();

function withIdentity(state: unknown): unknown {
  if (panelIdentity === undefined) return state;
  return { ...(typeof state === 'object' && state !== null ? state : {}), [PANEL_STATE_KEY]: panelIdentity };
}

if (panelIdentity !== undefined) api.setState(withIdentity(api.getState()));

/** Typed sender: each app passes its protocol's message union. */
export function post<M>(message: M): void {
  api.postMessage(message);
}

export function getState<S>(): S | undefined {
  return api.getState() as S | undefined;
}

export function setState<S>(state: S): void {
  api.setState(withIdentity(state));
}

/** Subscribes to messages from the host; the caller validates the shape through its protocol. */
export function onHostMessage<M>(handler: (message: M) => void): void {
  window.addEventListener('message', (event: MessageEvent) => handler(event.data as M));
}
