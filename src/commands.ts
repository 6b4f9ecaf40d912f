import * as vscode from 'vscode';
import type { Problems } from './core/problems';
import type { IndexService } from './indexService';
import type { WorkspaceIndexes } from './workspaceIndexes';
import type { ExperimentsTree, TreeNode } from './tree/experimentsTree';
import { RunPanel } from './panels/runPanel';
import { metricsCsv } from './core/export';
import { ComparePanel } from './panels/comparePanel';
import { registerEditCommands } from './runEdits';
import { notify } from './notifications';

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
  /** The Experiments view (its selection is what Compare Runs compares when run from the palette). */
  readonly view?: vscode.TreeView<TreeNode>;
}

/** Every `labbook.*` command. Returns the registrations for `context.subscriptions`. */
export function registerCommands(c: CommandContext): vscode.Disposable[] {
  /** The run a command is about: from its argument (run id or tree node), else from a quick pick. */
  const resolveRun = async (arg: unknown, placeHolder = 'Which run?'): Promise<RunRef | undefined> => {
    if (typeof arg === 'string') {
      const index = c.indexes.find(arg);
      if (!index) void notify('warning', `Labbook: no run with id ${arg} in this workspace.`);
      return index && { index, uid: arg };
    }
    const node = arg as TreeNode | undefined;
    if (node?.kind === 'run') return { index: node.index, uid: node.run.uid };
    const multi = c.indexes.all().length > 1;
    // From the palette: the run selected in the tree comes first, so Enter takes it.
    const selected = new Set((c.view?.selection ?? []).flatMap((n) => (n.kind === 'run' ? [n.run.uid] : [])));
    const runs = c.tree.allRuns(true);
    const ordered = selected.size === 1 ? [...runs.filter((r) => selected.has(r.run.uid)), ...runs.filter((r) => !selected.has(r.run.uid))] : runs;
    const picked = await vscode.window.showQuickPick(
      ordered.map((r) => ({
        label: r.run.name,
        description: `${multi ? `${r.index.folder.name} · ` : ''}${r.experiment} · ${r.status}${r.run.archived ? ' · archived' : ''}`,
        detail: r.run.uid,
        ref: { index: r.index, uid: r.run.uid },
      })),
      { placeHolder, matchOnDescription: true, matchOnDetail: true },
    );
    return picked?.ref;
  };
  /**
   * The runs to compare: run ids (an array), the tree's multi-selection (a context-menu click passes
   * the clicked node and the selection), the view's selection (from the palette), else a pick.
   */
  const resolveRuns = async (arg: unknown, selected: unknown): Promise<RunRef[] | undefined> => {
    const fromNodes = (nodes: readonly TreeNode[]) => nodes.filter((n): n is Extract<TreeNode, { kind: 'run' }> => n?.kind === 'run').map((n) => ({ index: n.index, uid: n.run.uid }));
    if (Array.isArray(arg) && arg.every((a) => typeof a === 'string')) {
      const refs: RunRef[] = [];
      for (const uid of arg as string[]) {
        const index = c.indexes.find(uid);
        if (index) refs.push({ index, uid });
        else void notify('warning', `Labbook: no run with id ${uid} in this workspace.`);
      }
      return refs;
    }
    if (Array.isArray(selected) && fromNodes(selected as TreeNode[]).length >= 2) return fromNodes(selected as TreeNode[]);
    const node = arg as TreeNode | undefined;
    if (node?.kind === 'experiment' && node.runs.length >= 2) return fromNodes(node.runs);
    const inView = fromNodes(c.view?.selection ?? []);
    if (arg === undefined && inView.length >= 2) return inView;
    const multi = c.indexes.all().length > 1;
    const preselected = new Set([...inView, ...fromNodes(arg ? [arg as TreeNode] : [])].map((r) => r.uid));
    const picked = await vscode.window.showQuickPick(
      c.tree.allRuns().map((r) => ({
        label: r.run.name,
        description: `${multi ? `${r.index.folder.name} · ` : ''}${r.experiment} · ${r.status}`,
        detail: r.run.uid,
        picked: preselected.has(r.run.uid),
        ref: { index: r.index, uid: r.run.uid },
      })),
      { placeHolder: 'Compare which runs? (two or more)', canPickMany: true, matchOnDescription: true, matchOnDetail: true },
    );
    return picked?.map((p) => p.ref);
  };
  const show = (ref: RunRef, preview = false) => RunPanel.show(c.context.extensionUri, ref.index, c.problems, ref.uid, { preview });
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
    vscode.commands.registerCommand('labbook.compareRuns', async (arg?: unknown, selected?: unknown) => {
      const refs = await resolveRuns(arg, selected);
      if (refs) ComparePanel.show(c.context.extensionUri, refs, c.problems, show);
    }),
    vscode.commands.registerCommand('labbook.exportMetricsCsv', async (arg?: unknown, target?: unknown) => {
      const ref = await resolveRun(arg, 'Export the metrics of which run?');
      const run = ref && ref.index.store.getRun(ref.uid);
      if (!ref || !run) return;
      const store = ref.index.store;
      const csv = metricsCsv(store.listSeries(run.id).map((s) => ({ key: s.key, ...store.getPoints(s.id) })));
      const safeName = run.name.replace(/[^A-Za-z0-9._-]+/g, '_') || 'run';
      // A target path (absolute, or a Uri) comes from scripts and tests; users pick a file.
      // A context menu on a multi-selection passes the selected nodes there: not a target.
      const given = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.file(target) : undefined;
      const uri = given
        ?? await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(ref.index.folder.uri, `${safeName}-metrics.csv`), filters: { CSV: ['csv'] }, title: `Export the metrics of ${run.name}` });
      if (!uri) return;
      await vscode.workspace.fs.writeFile(uri, Buffer.from(csv, 'utf8'));
      if (!given) {
        void notify('info', `Labbook: metrics of ${run.name} written to ${vscode.workspace.asRelativePath(uri)}.`, 'Open').then((choice) => {
          if (choice === 'Open') void vscode.commands.executeCommand('vscode.open', uri);
        });
      }
    }),
    vscode.commands.registerCommand('labbook.toggleArchived', () => c.tree.setShowArchived(!c.tree.showArchived)),
    // From a click in the tree: `{ preview: true }`, a panel the next click replaces (a double-click keeps it).
    vscode.commands.registerCommand('labbook.openRun', async (arg?: unknown, options?: unknown) => {
      const ref = await resolveRun(arg, 'Open which run?');
      if (ref) show(ref, (options as { preview?: unknown } | undefined)?.preview === true);
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
