import * as vscode from 'vscode';
import type { Problems } from './core/problems';
import type { IndexService } from './indexService';
import type { ExperimentsTree, TreeNode } from './tree/experimentsTree';
import { RunPanel } from './panels/runPanel';
import { registerEditCommands } from './runEdits';

export interface CommandContext {
  readonly context: vscode.ExtensionContext;
  readonly index: IndexService;
  readonly tree: ExperimentsTree;
  readonly problems: Problems;
  readonly output: vscode.OutputChannel;
}

/** Every `labbook.*` command. Returns the registrations for `context.subscriptions`. */
export function registerCommands(c: CommandContext): vscode.Disposable[] {
  /** A run id from a command argument (id or tree node), else from a quick pick. */
  const resolveUid = async (arg: unknown, placeHolder = 'Which run?'): Promise<string | undefined> => {
    if (typeof arg === 'string') return arg;
    const node = arg as TreeNode | undefined;
    if (node?.kind === 'run') return node.run.uid;
    const picked = await vscode.window.showQuickPick(
      c.tree.allRuns(true).map((r) => ({ label: r.run.name, description: `${r.experiment} · ${r.status}${r.run.archived ? ' · archived' : ''}`, detail: r.run.uid, uid: r.run.uid })),
      { placeHolder, matchOnDescription: true, matchOnDetail: true },
    );
    return picked?.uid;
  };
  const openRun = async (arg?: unknown) => {
    const uid = await resolveUid(arg, 'Open which run?');
    if (uid) RunPanel.show(c.context.extensionUri, c.index, c.problems, uid);
  };
  return [
    ...registerEditCommands(c.index, (arg) => resolveUid(arg)),
    vscode.commands.registerCommand('labbook.editNote', async (arg?: unknown) => {
      const uid = await resolveUid(arg, 'Edit the note of which run?');
      if (uid) RunPanel.show(c.context.extensionUri, c.index, c.problems, uid)?.editNote();
    }),
    vscode.commands.registerCommand('labbook.toggleArchived', () => c.tree.setShowArchived(!c.tree.showArchived)),
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
