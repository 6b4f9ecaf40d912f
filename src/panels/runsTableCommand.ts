import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import { RunsTablePanels, type RunsTableEnv } from './runsTablePanel';

/**
 * *Labbook: Open Runs Table*: from the palette or the Experiments view's title bar every run of the
 * workspace; from an experiment's context menu (a tree node) or with an experiment name, that experiment's runs.
 */
export function registerRunsTable(env: RunsTableEnv, whenReady: () => Promise<unknown>): { panels: RunsTablePanels; disposables: vscode.Disposable[] } {
  const panels = new RunsTablePanels(env, whenReady);
  return {
    panels,
    disposables: [
      panels,
      vscode.commands.registerCommand(COMMANDS.openRunsTable, (arg?: unknown) => {
        const node = arg as { kind?: unknown; name?: unknown } | undefined;
        const experiment = typeof arg === 'string' ? arg : node?.kind === 'experiment' && typeof node.name === 'string' ? node.name : undefined;
        panels.show(experiment);
      }),
    ],
  };
}
