import * as vscode from 'vscode';
import type { TriggeredAlert } from './core/alerts';
import type { Problems } from './core/problems';

/** Only points logged this recently notify: rebuilding an index must not replay old alerts as news. */
const RECENT_SECONDS = 15 * 60;

/** Shows a notification for each alert that a new point triggered, with a button to open its run. */
export function notifyAlerts(alerts: readonly TriggeredAlert[], problems: Problems): void {
  const now = Date.now() / 1000;
  for (const a of alerts) {
    const text = `Labbook alert in run "${a.runName}": ${a.condition} at step ${a.step} (value ${a.value})${a.message ? ` — ${a.message}` : ''}`;
    problems.report(text);
    if (a.time !== null && now - a.time > RECENT_SECONDS) continue;
    const show = a.level === 'error' ? vscode.window.showErrorMessage : a.level === 'info' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(text, 'Open Run').then((choice) => {
      if (choice === 'Open Run') void vscode.commands.executeCommand('labbook.openRun', a.runUid);
    });
  }
}
