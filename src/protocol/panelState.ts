/**
 * What a webview keeps of its panel across a window reload. The host writes the panel's identity
 * (which run, which runs, which sweep) into the page as `data-state` on `#app`; the webview keeps it
 * in its `vscode.setState` under `PANEL_STATE_KEY`, beside its own view state; after a reload VS Code
 * hands that state to the panel's serializer, which opens the same panel again.
 */
export const PANEL_STATE_KEY = 'labbookPanel';

/** The panel identity inside a webview's saved state, if any (the caller validates its shape). */
export function panelStateOf(saved: unknown): unknown {
  return typeof saved === 'object' && saved !== null ? (saved as Record<string, unknown>)[PANEL_STATE_KEY] : undefined;
}
