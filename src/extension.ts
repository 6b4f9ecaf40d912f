import * as path from 'path';
import * as vscode from 'vscode';
import initSqlJs from 'sql.js';
import type { LabbookApi } from './api';
import type { Problems } from './core/problems';
import { WorkspaceIndexes } from './workspaceIndexes';
import { ExperimentsTree, type TreeNode } from './tree/experimentsTree';
import { firstSync, READY_CONTEXT } from './tree/firstSync';
import { RunPanel } from './panels/runPanel';
import { ComparePanel } from './panels/comparePanel';
import { registerCommands } from './commands';
import { notifyAlerts } from './alertNotifier';
import { notify, shownNotifications } from './notifications';
import { applyTerminalEnvironment, copyPythonSdk, runQuickstart } from './sdkSetup';
import { SweepService } from './sweeps/sweepService';
import { registerSweepCommands } from './sweeps/sweepCommands';
import { SweepPanel } from './panels/sweepPanel';
import { registerModelsView } from './models/modelsView';
import { registerSidebar } from './organise/sidebar';
import { ExperimentCatalog } from './organise/experimentCatalog';

let indexes: WorkspaceIndexes | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<LabbookApi> {
  const activatedAt = performance.now();
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
    void vscode.commands.executeCommand('setContext', READY_CONTEXT, true);
    return { whenIdle: async () => undefined, snapshot: () => ({ experiments: [] }), notifications: shownNotifications, onDidChangeTree: () => ({ dispose: () => undefined }), models: async () => [] };
  }
  const SQL = await initSqlJs({ locateFile: (file: string) => path.join(context.extensionPath, 'dist', file) });
  const all = new WorkspaceIndexes(SQL, problems);
  indexes = all;
  context.subscriptions.push(all);

  // The view first, filled as the indexes open and the logs are read (see firstSync).
  const sweeps = new SweepService(all, problems);
  context.subscriptions.push(sweeps);
  const catalog = new ExperimentCatalog(all, problems);
  context.subscriptions.push(catalog);
  const tree = new ExperimentsTree(all, context.extensionUri, sweeps, catalog);
  context.subscriptions.push(tree);
  const view = vscode.window.createTreeView<TreeNode>('labbook.experiments', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  context.subscriptions.push(view);
  const updateBadge = () => {
    const running = tree.allRuns().filter((r) => r.status === 'running').length;
    const badge = running ? { value: running, tooltip: `${running} running` } : undefined;
    if (badge?.value !== view.badge?.value) view.badge = badge;
  };
  context.subscriptions.push(tree.onDidChangeTreeData(updateBadge));
  const started = firstSync(all, tree, view, problems.report, activatedAt).catch((e) => problems.report(`opening the index failed: ${(e as Error).stack ?? e}`));

  context.subscriptions.push(...registerCommands({ context, indexes: all, tree, problems, output, view }));
  context.subscriptions.push(...registerSidebar({ indexes: all, tree, catalog, problems, view }));
  const models = registerModelsView(context, all, SQL, problems);
  context.subscriptions.push({ dispose: () => RunPanel.disposeAll() });
  context.subscriptions.push({ dispose: () => ComparePanel.disposeAll() });
  context.subscriptions.push(...registerSweepCommands({ context, indexes: all, tree, sweeps, problems }));
  context.subscriptions.push({ dispose: () => SweepPanel.disposeAll() });
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

  return {
    whenIdle: async () => {
      await started;
      await all.whenIdle();
      await sweeps.refresh();
    },
    snapshot: () => tree.snapshot(),
    notifications: shownNotifications,
    onDidChangeTree: (listener) => tree.onDidRefreshRows(listener),
    models: async () => {
      await models.reload(true);
      return models.snapshot();
    },
  };
}

export async function deactivate(): Promise<void> {
  await indexes?.close();
  indexes = undefined;
}
