import * as vscode from 'vscode';
import { notify } from './notifications';

/**
 * Restricted Mode (an untrusted workspace): Labbook shows runs and charts and does nothing else.
 * What writes to the workspace or runs something asks here first.
 */

export const RESTRICTED_MODE_MESSAGE = 'is not available in Restricted Mode: Labbook only shows runs in a workspace you have not trusted';

/** Throws (with a message a user can act on) when the workspace is not trusted. */
export function requireTrust(action: string): void {
  if (!vscode.workspace.isTrusted) throw new Error(`${action} ${RESTRICTED_MODE_MESSAGE}.`);
}

/** False, after telling the user why and offering the trust settings, when the workspace is not trusted. */
export function trustedOrExplain(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void notify('info', `Labbook: ${action} ${RESTRICTED_MODE_MESSAGE}.`, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
