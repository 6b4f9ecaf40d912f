import * as vscode from 'vscode';
import type { Problems } from './core/problems';
import type { IndexService } from './indexService';
import type { WorkspaceIndexes } from './workspaceIndexes';
import type { ExperimentsTree, TreeNode } from './tree/experimentsTree';
import { RunPanel } from './panels/runPanel';
import { registerEditCommands } from './runEdits';

/** A run and the index (workspace folder) that holds it. */
export interface RunRef {
  readonly index: IndexService;
  readonly uid: string;
}

export interface CommandContext {
  readonly context: vscode.ExtensionContext;
  readonly indexes: WorkspaceIndexes;
  readonly tree: ExperimentsTree;
  readonly problems: Problems;
  readonly output: vscode.OutputChannel;
}

/** Every `labbook.*` command. Returns the registrations for `context.subscriptions`. */
export function registerCommands(c: CommandContext): vscode.Disposable[] {
  /** The run a command is about: from its argument (run id or tree node), else from a quick pick. */
  const resolveRun = async (arg: unknown, placeHolder = 'Which run?'): Promise<RunRef | undefined> => {
    if (typeof arg === 'string') {
      const index = c.indexes.find(arg);
      if (!index) void vscode.window.showWarningMessage(`Labbook: no run with id ${arg} in this workspace.`);
      return index && { index, uid: arg };
    }
    const node = arg as TreeNode | undefined;
    if (node?.kind === 'run') return { index: node.index, uid: node.run.uid };
    const multi = c.indexes.all().length > 1;
    const picked = await vscode.window.showQuickPick(
      c.tree.allRuns(true).map((r) => ({
        label: r.run.name,
        description: `${multi ? `${r.index.folder.name} · ` : ''}${r.experiment} · ${r.status}${r.run.archived ? ' · archived' : ''}`,
        detail: r.run.uid,
        ref: { index: r.index, uid: r.run.uid },
      })),
      { placeHolder, matchOnDescription: true, matchOnDetail: true },
    );
    return picked?.ref;
  };
  const show = (ref: RunRef) => RunPanel.show(c.context.extensionUri, ref.index, c.problems, ref.uid);
  return [
    ...registerEditCommands((arg) => resolveRun(arg)),
    vscode.commands.registerCommand('labbook.editNote', async (arg?: unknown) => {
      const ref = await resolveRun(arg, 'Edit the note of which run?');
      if (ref) show(ref)?.editNote();
    }),
    vscode.commands.registerCommand('labbook.revealRun', async (arg?: unknown) => {
      const ref = await resolveRun(arg, 'Reveal which run?');
      const run = ref && ref.index.store.getRun(ref.uid);
      if (!ref || !run) return;
      const uri = vscode.Uri.joinPath(ref.index.folder.uri, ...run.folder.split('/'));
      await vscode.commands.executeCommand('revealInExplorer', uri);
    }),
    vscode.commands.registerCommand('labbook.toggleArchived', () => c.tree.setShowArchived(!c.tree.showArchived)),
    vscode.commands.registerCommand('labbook.openRun', async (arg?: unknown) => {
      const ref = await resolveRun(arg, 'Open which run?');
      if (ref) show(ref);
    }),
    vscode.commands.registerCommand('labbook.refresh', async () => {
      await Promise.all(c.indexes.all().map((i) => i.refresh()));
      c.tree.reload();
    }),
    vscode.commands.registerCommand('labbook.rebuildIndex', async () => {
      await vscode.window.withProgress({ location: { viewId: 'labbook.experiments' }, title: 'Rebuilding the Labbook index' }, async () => {
        for (const index of c.indexes.all()) {
          await index.rebuild();
          await index.save();
        }
      });
      c.tree.reload();
    }),
    vscode.commands.registerCommand('labbook.showLog', () => c.output.show()),
    vscode.commands.registerCommand('labbook.openFormatDocs', () =>
      vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(c.context.extensionUri, 'docs', 'run-log-format.md')),
    ),
  ];
}
