import * as vscode from 'vscode';
import { notify } from '../notifications';
import { copyPythonSdk, runQuickstart } from '../sdkSetup';
import type { CommandContext } from './context';
import { COMMANDS } from './ids';
import { rebuildRate, type RebuildProgress } from '../core/ingest/batchedRebuild';

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
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Rebuilding the Labbook index', cancellable: true }, async (progress, token) => {
        for (const index of c.indexes.all()) {
          if (token.isCancellationRequested) break;
          let shown = 0;
          let last: RebuildProgress | undefined;
          await index.rebuild({
            isCancelled: () => token.isCancellationRequested,
            onProgress: (p) => {
              last = p;
              const share = p.totalFiles ? (100 * p.files) / p.totalFiles / c.indexes.all().length : 0;
              progress.report({ increment: share - shown, message: `${p.files.toLocaleString()} of ${p.totalFiles.toLocaleString()} logs, ${rebuildRate(p)}` });
              shown = share;
            },
          });
          await index.save();
          if (last) c.problems.report(`${index.folder.name}: index rebuilt${token.isCancellationRequested ? ' (cancelled; the remaining logs are read by the next sync)' : ''}: ${last.files.toLocaleString()} of ${last.totalFiles.toLocaleString()} logs, ${last.points.toLocaleString()} points in ${(last.elapsedMs / 1000).toFixed(1)} s (${rebuildRate(last)})`);
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
