import type * as vscode from 'vscode';
import type { TreeNode } from '../tree/experimentsTree';
import { registerOrganiseCommands, type OrganiseContext } from './organiseCommands';
import { registerRunActions } from './runActions';
import { registerViewCommands } from './viewCommands';

/** Everything the sidebar adds to the Experiments view: organising, finding, stopping and rerunning runs. */
export function registerSidebar(c: OrganiseContext & { readonly view: vscode.TreeView<TreeNode> }): vscode.Disposable[] {
  return [
    ...registerOrganiseCommands(c),
    ...registerRunActions(c.indexes, c.tree, c.view),
    ...registerViewCommands(c.tree, c.view),
  ];
}
