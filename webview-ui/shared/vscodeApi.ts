/** The one place that calls acquireVsCodeApi (it may be called only once per webview). */
interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}
declare function acquireVsCodeApi<State = unknown>(): VsCodeApi<State>;

const api = acquireVsCodeApi();

/** Typed sender: each app passes its protocol's message union. */
export function post<M>(message: M): void {
  api.postMessage(message);
}

export function getState<S>(): S | undefined {
  return api.getState() as S | undefined;
}

export function setState<S>(state: S): void {
  api.setState(state);
}

/** Subscribes to messages from the host; the caller validates the shape through its protocol. */
export function onHostMessage<M>(handler: (message: M) => void): void {
  window.addEventListener('message', (event: MessageEvent) => handler(event.data as M));
}
