/**
 * Colours from VS Code's theme (`--vscode-*` CSS variables), read when needed so theme changes apply.
 * Line colours do not depend on the theme: see palette.ts.
 */
function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export function themeColors() {
  return {
    foreground: cssVar('--vscode-foreground', '#cccccc'),
    muted: cssVar('--vscode-descriptionForeground', '#9d9d9d'),
    grid: cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)'),
    font: cssVar('--vscode-font-family', 'sans-serif'),
  };
}

/** Calls `listener` when VS Code switches theme (it changes the body's class). */
export function onThemeChange(listener: () => void): void {
  new MutationObserver(listener).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
