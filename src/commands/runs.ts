import * as vscode from 'vscode';
import { metricsCsv } from '../core/export';
import { notify } from '../notifications';
import type { CommandContext } from './context';
import { COMMANDS } from './ids';
import { resolveRun, resolveRuns } from './resolve';

/** Commands that open, compare, export and reveal runs. */
export function registerRunCommands(c: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.editNote, async (arg?: unknown) => {
      const ref = await resolveRun(c, arg, 'Edit the note of which run?');
      if (ref) c.runPanels.show(ref)?.editNote();
    }),
    vscode.commands.registerCommand(COMMANDS.revealRun, async (arg?: unknown) => {
      const ref = await resolveRun(c, arg, 'Reveal which run?');
      const entry = ref && c.runs.entry(ref);
      if (!entry) return;
      const uri = vscode.Uri.joinPath(entry.index.folder.uri, ...entry.run.folder.split('/'));
      await vscode.commands.executeCommand('revealInExplorer', uri);
    }),
    vscode.commands.registerCommand(COMMANDS.compareRuns, async (arg?: unknown, selected?: unknown) => {
      const refs = await resolveRuns(c, arg, selected);
      if (refs) c.comparePanels.show(refs);
    }),
    vscode.commands.registerCommand(COMMANDS.exportMetricsCsv, async (arg?: unknown, target?: unknown) => {
      const ref = await resolveRun(c, arg, 'Export the metrics of which run?');
      const entry = ref && c.runs.entry(ref);
      if (!entry) return;
      const { index, run } = entry;
      const series = await index.reads.listSeries(run.id);
      const csv = metricsCsv(await Promise.all(series.map(async (s) => ({ key: s.key, ...(await index.reads.getPoints(s.id, 0)) }))));
      const safeName = run.name.replace(/[^A-Za-z0-9._-]+/g, '_') || 'run';
      // A target path (absolute, or a Uri) comes from scripts and tests; users pick a file.
      // A context menu on a multi-selection passes the selected nodes there: not a target.
      const given = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.file(target) : undefined;
      const uri = given
        ?? await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(index.folder.uri, `${safeName}-metrics.csv`), filters: { CSV: ['csv'] }, title: `Export the metrics of ${run.name}` });
      if (!uri) return;
      await vscode.workspace.fs.writeFile(uri, Buffer.from(csv, 'utf8'));
      if (!given) {
        void notify('info', `Labbook: metrics of ${run.name} written to ${vscode.workspace.asRelativePath(uri)}.`, 'Open').then((choice) => {
          if (choice === 'Open') void vscode.commands.executeCommand('vscode.open', uri);
        });
      }
    }),
    vscode.commands.registerCommand(COMMANDS.toggleArchived, () => c.tree.setShowArchived(!c.tree.showArchived)),
    // From a click in the tree: `{ preview: true }`, a panel the next click replaces (a double-click keeps it).
    vscode.commands.registerCommand(COMMANDS.openRun, async (arg?: unknown, options?: unknown) => {
      const ref = await resolveRun(c, arg, 'Open which run?');
      if (ref) c.runPanels.show(ref, { preview: (options as { preview?: unknown } | undefined)?.preview === true });
    }),
  ];
}
