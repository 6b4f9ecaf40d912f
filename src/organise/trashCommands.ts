import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import type { ExperimentsTree } from '../tree/experimentsTree';
import { TrashNodes, type TrashEntryNode } from '../tree/trashNodes';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import { askModal, notify } from '../notifications';
import { trustedOrExplain } from '../workspaceTrust';
import { deleteFromTrash } from './trashService';

/** The trash rows a command was run on: the clicked one, or the multi-selection that holds it. */
export function trashEntryNodes(arg: unknown, selected: unknown): TrashEntryNode[] {
  const isEntry = (n: unknown): n is TrashEntryNode => typeof n === 'object' && n !== null && (n as { kind?: unknown }).kind === 'trashEntry';
  const list = Array.isArray(selected) ? selected.filter(isEntry) : [];
  if (isEntry(arg)) return list.includes(arg) ? list : [arg];
  return list;
}

/**
 * The Trash row of the Experiments view and "Delete Permanently" on its runs (after a modal
 * question; scripts and tests pass run ids or entry names and `{ confirmed: true }`). Restoring is
 * "Restore from Trash".
 */
export function registerTrashView(indexes: WorkspaceIndexes, tree: ExperimentsTree, report: (m: string) => void): vscode.Disposable[] {
  const trash = new TrashNodes(indexes, report);
  tree.attachTrash(trash);
  const deletePermanently = async (arg?: unknown, selected?: unknown, options?: unknown) => {
    if (!trustedOrExplain('Deleting runs permanently')) return;
    const ids = typeof arg === 'string' ? [arg] : Array.isArray(arg) ? arg.filter((a): a is string => typeof a === 'string') : [];
    const nodes = ids.length ? trash.entries().filter((n) => ids.includes(n.entry.uid) || ids.includes(n.entry.entry)) : trashEntryNodes(arg, selected);
    if (!nodes.length) return;
    const what = nodes.length === 1 ? `"${nodes[0].entry.name}"` : `${nodes.length} runs`;
    const confirmed = typeof options === 'object' && options !== null && (options as { confirmed?: unknown }).confirmed === true;
    if (!confirmed) {
      const answer = await askModal(`Delete ${what} permanently? Its folder in the trash is erased from disk; this cannot be undone.`, 'Delete Permanently');
      if (answer !== 'Delete Permanently') return;
    }
    for (const node of nodes) {
      try {
        await deleteFromTrash(node.index, node.entry);
      } catch (e) {
        void notify('error', `Labbook: ${node.entry.name} was not erased: ${(e as Error).message}`);
      }
    }
    await trash.refresh();
  };
  return [
    trash,
    vscode.commands.registerCommand(COMMANDS.deleteFromTrash, deletePermanently),
    vscode.commands.registerCommand(COMMANDS.refreshTrash, () => trash.refresh()),
  ];
}
