import * as vscode from 'vscode';
import type { Problems } from '../core/problems';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import { RunsTablePanel } from './runsTablePanel';

export const OPEN_RUNS_TABLE_COMMAND = 'labbook.openRunsTable';

/**
 * *Labbook: Open Runs Table*: from the palette or the Experiments view's title bar every run of the
 * workspace; from an experiment's context menu (a tree node) or with an experiment name, that experiment's runs.
 */
export function registerRunsTable(context: vscode.ExtensionContext, indexes: WorkspaceIndexes, problems: Problems): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(OPEN_RUNS_TABLE_COMMAND, (arg?: unknown) => {
      const node = arg as { kind?: unknown; name?: unknown } | undefined;
      const experiment = typeof arg === 'string' ? arg : node?.kind === 'experiment' && typeof node.name === 'string' ? node.name : undefined;
      RunsTablePanel.show(context, indexes, problems, experiment);
    }),
    { dispose: () => RunsTablePanel.disposeAll() },
  ];
}
