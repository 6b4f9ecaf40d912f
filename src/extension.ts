import * as path from 'path';
import * as vscode from 'vscode';
import initSqlJs from 'sql.js';
import type { LabbookApi } from './api';
import type { Problems } from './core/problems';
import { WorkspaceIndexes } from './workspaceIndexes';
import { ExperimentsTree, type TreeNode } from './tree/experimentsTree';
import { firstSync, READY_CONTEXT } from './tree/firstSync';
import { RunPanels } from './panels/runPanels';
import { ComparePanels } from './panels/comparePanel';
import { COMMANDS, registerCommands } from './commands';
import { RunsModel } from './runsModel';
import { notifyAlerts } from './alertNotifier';
import { shownNotifications } from './notifications';
import { applyTerminalEnvironment } from './sdkSetup';
import { SweepService } from './sweeps/sweepService';
import { registerSweepCommands } from './sweeps/sweepCommands';
import { SweepPanels } from './panels/sweepPanel';
import { registerModelsView } from './models/modelsView';
import { registerRunsTable } from './panels/runsTableCommand';
import { registerSidebar } from './organise/sidebar';
import { ExperimentCatalog } from './organise/experimentCatalog';
import { syncTreeSelection, treeSelectedUids } from './tree/treeSelection';

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
    return { whenIdle: async () => undefined, snapshot: () => ({ experiments: [] }), notifications: shownNotifications, onDidChangeTree: () => ({ dispose: () => undefined }), models: async () => [], restorePanel: async (_viewType, panel) => panel.dispose() };
  }
  const SQL = await initSqlJs({ locateFile: (file: string) => path.join(context.extensionPath, 'dist', file) });
  const dist = path.join(context.extensionPath, 'dist');
  const all = new WorkspaceIndexes(SQL, problems, { script: path.join(dist, 'indexWorker.js'), wasmDir: dist });
  indexes = all;
  context.subscriptions.push(all);

  // The view first, filled as the indexes open and the logs are read (see firstSync).
  const runs = new RunsModel(all);
  context.subscriptions.push(runs.selection);
  const sweeps = new SweepService(all, problems);
  context.subscriptions.push(sweeps);
  const catalog = new ExperimentCatalog(all, problems);
  context.subscriptions.push(catalog);
  const tree = new ExperimentsTree(all, runs, context.extensionUri, sweeps, catalog);
  context.subscriptions.push(tree);
  const view = vscode.window.createTreeView<TreeNode>('labbook.experiments', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  context.subscriptions.push(view, syncTreeSelection(view, tree, runs));
  const updateBadge = () => {
    const running = runs.runningCount();
    const badge = running ? { value: running, tooltip: `${running} running` } : undefined;
    if (badge?.value !== view.badge?.value) view.badge = badge;
  };
  context.subscriptions.push(tree.onDidChangeTreeData(updateBadge));
  const started = firstSync(all, tree, view, problems.report, activatedAt).catch((e) => problems.report(`opening the index failed: ${(e as Error).stack ?? e}`));

  // Panels kept over a window reload come back once the runs (or sweeps) they show are read.
  const env = { extensionUri: context.extensionUri, problems, runs };
  const runPanels = new RunPanels(env, () => started);
  const comparePanels = new ComparePanels({ ...env, openRun: (ref) => runPanels.show(ref) }, () => started);
  const sweepPanels = new SweepPanels({ ...env, sweeps, openRun: (runId) => void vscode.commands.executeCommand(COMMANDS.openRun, runId) }, () => started.then(() => sweeps.refresh()));
  context.subscriptions.push(runPanels, comparePanels, sweepPanels);
  context.subscriptions.push(...registerCommands({ context, indexes: all, runs, tree, problems, output, view, runPanels, comparePanels }));
  context.subscriptions.push(...registerSidebar({ indexes: all, tree, catalog, problems, view, state: context.workspaceState }));
  const models = registerModelsView(context, all, SQL, problems);
  context.subscriptions.push(...registerSweepCommands({ context, indexes: all, tree, sweeps, problems, sweepPanels }));
  const runsTable = registerRunsTable({ ...env, context, indexes: all }, () => started);
  context.subscriptions.push(...runsTable.disposables);
  context.subscriptions.push(all.onDidTriggerAlerts((alerts) => notifyAlerts(alerts, problems)));

  return {
    whenIdle: async () => {
      await started;
      await all.whenIdle();
      await sweeps.refresh();
      await tree.whenReloaded();
    },
    snapshot: () => tree.snapshot(),
    notifications: shownNotifications,
    onDidChangeTree: (listener) => tree.onDidRefreshRows(listener),
    models: async () => {
      await models.reload(true);
      return models.snapshot();
    },
    restorePanel: async (viewType, panel, state) => {
      const serializer = [runPanels, comparePanels, sweepPanels, runsTable.panels].find((p) => p.viewType === viewType)?.serializer;
      if (serializer) await serializer.deserializeWebviewPanel(panel, state);
      else panel.dispose();
    },
    runsTables: () => runsTable.panels.all().map((p) => ({ experiment: p.experimentShown ?? null, uids: p.shownUids, selection: p.selectedUids, select: (uids) => p.selectRows(uids) })),
    selection: () => ({ runs: runs.selection.uids, tree: treeSelectedUids(view) }),
    compares: () => comparePanels.all().map((p) => ({ runs: p.runRefs.map((r) => r.uid), messages: p.sentMessages, zoom: (key, lo, hi, request) => p.zoom(key, lo, hi, request) })),
  };
}

export async function deactivate(): Promise<void> {
  await indexes?.close();
  indexes = undefined;
}
