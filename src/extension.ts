import * as path from 'path';
import * as vscode from 'vscode';
import initSqlJs from 'sql.js';
import type { LabbookApi } from './api';
import type { Problems } from './core/problems';
import { WorkspaceIndexes } from './workspaceIndexes';
import { ExperimentsTree, type TreeNode } from './tree/experimentsTree';
import { RunPanel } from './panels/runPanel';
import { ComparePanel } from './panels/comparePanel';
import { registerCommands } from './commands';
import { notifyAlerts } from './alertNotifier';
import { notify, shownNotifications } from './notifications';
import { applyTerminalEnvironment, copyPythonSdk, runQuickstart } from './sdkSetup';

let indexes: WorkspaceIndexes | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<LabbookApi> {
  const output = vscode.window.createOutputChannel('Labbook');
  context.subscriptions.push(output);
  const problems: Problems = { report: (m) => output.appendLine(`[${new Date().toLocaleTimeString()}] ${m}`) };

  const folder = vscode.workspace.workspaceFolders?.[0];
  applyTerminalEnvironment(context, folder);
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('labbook')) applyTerminalEnvironment(context, folder);
  }));
  // Restricted Mode leaves terminals alone; trusting the workspace brings the SDK into them.
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => applyTerminalEnvironment(context, folder)));
  if (!folder) {
    return { whenIdle: async () => undefined, snapshot: () => ({ experiments: [] }), notifications: shownNotifications };
  }
  const SQL = await initSqlJs({ locateFile: (file: string) => path.join(context.extensionPath, 'dist', file) });
  const all = new WorkspaceIndexes(SQL, problems);
  indexes = all;
  context.subscriptions.push(all);
  await all.start();

  const tree = new ExperimentsTree(all, context.extensionUri);
  context.subscriptions.push(tree);
  const view = vscode.window.createTreeView<TreeNode>('labbook.experiments', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  context.subscriptions.push(view);
  const updateBadge = () => {
    const running = tree.allRuns().filter((r) => r.status === 'running').length;
    view.badge = running ? { value: running, tooltip: `${running} running` } : undefined;
  };
  context.subscriptions.push(tree.onDidChangeTreeData(updateBadge));

  context.subscriptions.push(...registerCommands({ context, indexes: all, tree, problems, output, view }));
  context.subscriptions.push({ dispose: () => RunPanel.disposeAll() });
  context.subscriptions.push({ dispose: () => ComparePanel.disposeAll() });
  context.subscriptions.push(vscode.commands.registerCommand('labbook.copyPythonSdk', async () => {
    const target = all.all().length > 1 ? await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Copy the SDK into which folder?' }) : folder;
    if (target) await copyPythonSdk(context, target);
  }));
  context.subscriptions.push(vscode.commands.registerCommand('labbook.runQuickstart', async () => {
    const target = all.all().length > 1 ? await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Run the quickstart in which folder?' }) : folder;
    if (!target) {
      if (all.all().length === 0) void notify('info', 'Labbook: open a folder first; the quickstart writes a script and its run there.');
      return;
    }
    await runQuickstart(context, target);
  }));
  context.subscriptions.push(vscode.commands.registerCommand('labbook.openSdkDocs', () =>
    vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(context.extensionUri, 'docs', 'python-sdk.md')),
  ));
  context.subscriptions.push(all.onDidTriggerAlerts((alerts) => notifyAlerts(alerts, problems)));

  tree.reload();
  updateBadge();

  return {
    whenIdle: () => all.whenIdle(),
    snapshot: () => tree.snapshot(),
    notifications: shownNotifications,
  };
}

export async function deactivate(): Promise<void> {
  await indexes?.close();
  indexes = undefined;
}
