import * as vscode from 'vscode';
import type { Problems } from './core/problems';
import type { IndexService } from './indexService';
import type { ExperimentsTree, TreeNode } from './tree/experimentsTree';
import { RunPanel } from './panels/runPanel';

export interface CommandContext {
  readonly context: vscode.ExtensionContext;
  readonly index: IndexService;
  readonly tree: ExperimentsTree;
  readonly problems: Problems;
  readonly output: vscode.OutputChannel;
}

/** Every `labbook.*` command. Returns the registrations for `context.subscriptions`. */
export function registerCommands(c: CommandContext): vscode.Disposable[] {
  const openRun = async (arg?: string | TreeNode) => {
    let uid = typeof arg === 'string' ? arg : arg?.kind === 'run' ? arg.run.uid : undefined;
    if (!uid) {
      const picked = await vscode.window.showQuickPick(
        c.tree.allRuns().map((r) => ({ label: r.run.name, description: `${r.experiment} · ${r.status}`, detail: r.run.uid, uid: r.run.uid })),
        { placeHolder: 'Open which run?', matchOnDescription: true, matchOnDetail: true },
      );
      uid = picked?.uid;
    }
    if (uid) RunPanel.show(c.context.extensionUri, c.index, c.problems, uid);
  };
  return [
    vscode.commands.registerCommand('labbook.openRun', openRun),
    vscode.commands.registerCommand('labbook.refresh', async () => {
      await c.index.refresh();
      c.tree.reload();
    }),
    vscode.commands.registerCommand('labbook.rebuildIndex', async () => {
      await vscode.window.withProgress({ location: { viewId: 'labbook.experiments' }, title: 'Rebuilding the Labbook index' }, async () => {
        await c.index.rebuild();
        await c.index.save();
      });
      c.tree.reload();
    }),
    vscode.commands.registerCommand('labbook.showLog', () => c.output.show()),
    vscode.commands.registerCommand('labbook.openFormatDocs', () =>
      vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(c.context.extensionUri, 'docs', 'run-log-format.md')),
    ),
  ];
}
