import * as vscode from 'vscode';
import { notify } from '../notifications';
import { copyPythonSdk, runQuickstart } from '../sdkSetup';
import type { CommandContext } from './context';
import { COMMANDS } from './ids';

/** Commands about the workspace as a whole: the index, the log, the docs, the SDK and the quickstart. */
export function registerWorkspaceCommands(c: CommandContext): vscode.Disposable[] {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const showDoc = (name: string) => vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(c.context.extensionUri, 'docs', name));
  return [
    vscode.commands.registerCommand(COMMANDS.refresh, async () => {
      await Promise.all(c.indexes.all().map((i) => i.refresh()));
      c.tree.reload();
    }),
    vscode.commands.registerCommand(COMMANDS.rebuildIndex, async () => {
      await vscode.window.withProgress({ location: { viewId: 'labbook.experiments' }, title: 'Rebuilding the Labbook index' }, async () => {
        for (const index of c.indexes.all()) {
          await index.rebuild();
          await index.save();
        }
      });
      c.tree.reload();
    }),
    vscode.commands.registerCommand(COMMANDS.showLog, () => c.output.show()),
    vscode.commands.registerCommand(COMMANDS.openFormatDocs, () => showDoc('run-log-format.md')),
    vscode.commands.registerCommand(COMMANDS.openSdkDocs, () => showDoc('python-sdk.md')),
    vscode.commands.registerCommand(COMMANDS.copyPythonSdk, async () => {
      const target = c.indexes.all().length > 1 ? await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Copy the SDK into which folder?' }) : folder;
      if (target) await copyPythonSdk(c.context, target);
    }),
    vscode.commands.registerCommand(COMMANDS.runQuickstart, async () => {
      const target = c.indexes.all().length > 1 ? await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Run the quickstart in which folder?' }) : folder;
      if (!target) {
        if (c.indexes.all().length === 0) void notify('info', 'Labbook: open a folder first; the quickstart writes a script and its run there.');
        return;
      }
      await runQuickstart(c.context, target);
    }),
  ];
}
