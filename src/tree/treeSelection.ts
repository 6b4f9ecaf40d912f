import * as vscode from 'vscode';
import type { RunsModel } from '../runsModel';
import type { ExperimentsTree, RunNode, TreeNode } from './experimentsTree';

/** Most runs revealed one by one when a selection made elsewhere comes to the tree. */
const MAX_REVEALED = 50;

/**
 * Keeps the Experiments view and the app's run selection together: runs selected in the view become
 * the selection; a selection made elsewhere (a runs table) is revealed in the view, its experiments
 * expanded, and selected there. VS Code lets an extension select one row of a tree at a time, so
 * with several runs each is revealed and the first is selected; the app's selection keeps them all.
 */
export function syncTreeSelection(view: vscode.TreeView<TreeNode>, tree: ExperimentsTree, runs: RunsModel): vscode.Disposable {
  /** The rows selected by this code: VS Code reports them back as a change, which is not the user's. */
  let echo: string | undefined;
  const keyOf = (nodes: readonly TreeNode[]) => nodes.filter((n): n is RunNode => n.kind === 'run').map((n) => n.run.uid).join('\n');
  const fromTree = view.onDidChangeSelection((e) => {
    const key = keyOf(e.selection);
    if (echo !== undefined && key === echo) {
      echo = undefined;
      return;
    }
    echo = undefined;
    runs.selection.set(e.selection.filter((n): n is RunNode => n.kind === 'run').map((n) => runs.refOf(n.index, n.run.uid)), 'tree');
  });
  /** A selection made elsewhere while the view was hidden: revealing it would open the sidebar. */
  let pending = false;
  const follow = () => {
    if (!view.visible) {
      pending = true;
      return;
    }
    pending = false;
    const nodes = runs.selection.refs.flatMap((r) => tree.runNode(r.uid) ?? []).slice(0, MAX_REVEALED);
    if (nodes.length === 0 || keyOf(view.selection) === keyOf(nodes)) return;
    void reveal(nodes);
  };
  const toTree = runs.selection.onDidChange((c) => {
    if (c.origin !== 'tree') follow();
  });
  const shown = view.onDidChangeVisibility((e) => {
    if (e.visible && pending) follow();
  });

  async function reveal(nodes: RunNode[]): Promise<void> {
    try {
      // Later ones first, so the first run, selected last, is the one scrolled to.
      for (const node of nodes.slice(1).reverse()) await view.reveal(node, { select: false, focus: false });
      echo = keyOf([nodes[0]]);
      if (keyOf(view.selection) === echo) echo = undefined;
      await view.reveal(nodes[0], { select: true, focus: false });
    } catch {
      // The view is being rebuilt (runs came or went): the next selection reveals again.
      echo = undefined;
    }
  }
  return vscode.Disposable.from(fromTree, toTree, shown);
}

/** The runs selected in the view, as the app names them. */
export function treeSelectedUids(view: vscode.TreeView<TreeNode>): string[] {
  return view.selection.flatMap((n) => (n.kind === 'run' ? [n.run.uid] : []));
}
