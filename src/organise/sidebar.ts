import type * as vscode from 'vscode';
import type { TreeNode } from '../tree/experimentsTree';
import { registerOrganiseCommands, type OrganiseContext } from './organiseCommands';
import { registerRunActions } from './runActions';
import { registerViewCommands } from './viewCommands';
import { registerGroupCommand } from './groupCommand';
import { registerTrashView } from './trashCommands';
import { registerNoteDocuments } from './noteDocuments';

/** Everything the sidebar adds to the Experiments view: organising, finding, stopping and rerunning runs. */
export function registerSidebar(c: OrganiseContext & { readonly view: vscode.TreeView<TreeNode>; readonly state?: vscode.Memento }): vscode.Disposable[] {
  return [
    ...registerOrganiseCommands(c),
    ...registerRunActions(c.indexes, c.tree, c.view),
    ...registerViewCommands(c.tree, c.view),
    ...registerGroupCommand(c.tree, c.state, c.indexes),
    ...registerTrashView(c.indexes, c.tree, c.problems.report),
    ...registerNoteDocuments(c.indexes, c.catalog, c.tree, c.view),
  ];
}
