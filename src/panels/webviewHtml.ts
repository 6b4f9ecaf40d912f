import * as crypto from 'crypto';
import * as vscode from 'vscode';

/** Folder (inside the extension) holding the built webview apps; the only local resource root. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [webviewRoot(extensionUri)] };
}

/**
 * The HTML shell of a webview app: strict CSP, one nonce'd script, the app's stylesheet. `state`
 * (the panel's identity, JSON) goes on `#app` as `data-state`; the webview keeps it for a reload.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, app: string, title: string, state?: unknown): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const root = webviewRoot(extensionUri);
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, `${app}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(root, `${app}.css`));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    // Audio and video artifacts play from data: URLs the host reads (never from files the webview names).
    'media-src data:',
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    // The run page's PDF viewer: PDF.js's worker script is fetched from the extension's files and
    // started from a blob: URL (a worker must be same-origin, and a webview's files are not).
    ...(app === 'run' ? [`connect-src ${webview.cspSource}`, 'worker-src blob:'] : []),
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<div id="app" data-app="${app}"${state === undefined ? '' : ` data-state="${escapeHtml(JSON.stringify(state))}"`}></div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
