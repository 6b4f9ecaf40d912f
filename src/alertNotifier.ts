import * as vscode from 'vscode';
import { alertText, isRecentAlert, type TriggeredAlert } from './core/alerts';
import type { Problems } from './core/problems';
import { notify } from './notifications';
import { COMMANDS } from './commands/ids';

/** Shows a notification for each alert that a new point triggered, with a button to open its run. */
export function notifyAlerts(alerts: readonly TriggeredAlert[], problems: Problems): void {
  const now = Date.now() / 1000;
  for (const a of alerts) {
    const text = alertText(a);
    problems.report(text);
    if (!isRecentAlert(a.time, now)) continue;
    void notify(a.level === 'error' ? 'error' : a.level === 'info' ? 'info' : 'warning', text, 'Open Run').then((choice) => {
      if (choice === 'Open Run') void vscode.commands.executeCommand(COMMANDS.openRun, a.runUid);
    });
  }
}
