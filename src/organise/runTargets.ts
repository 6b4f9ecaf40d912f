import type { IndexService } from '../indexService';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import type { ExperimentNode, ExperimentsTree, TreeNode } from '../tree/experimentsTree';
import type * as vscode from 'vscode';
import { notify } from '../notifications';
import { isRunRef, type RunRef } from '../protocol/runRef';

/** A run and the index (workspace folder) that holds it. */
export interface OrganiseRef {
  readonly index: IndexService;
  readonly uid: string;
}

/**
 * The runs a bulk command is about: run ids or run references (one, or an array), the
 * tree's multi-selection (a context-menu click passes the clicked node and the selection), the
 * clicked node, else the view's selection.
 */
export function runTargets(arg: unknown, selected: unknown, indexes: WorkspaceIndexes, view?: vscode.TreeView<TreeNode>): OrganiseRef[] {
  const fromIds = (ids: readonly string[]) => ids.flatMap((uid) => {
    const index = indexes.find(uid);
    if (!index) void notify('warning', `Labbook: no run with id ${uid} in this workspace.`);
    return index ? [{ index, uid }] : [];
  });
  const fromNodes = (nodes: readonly unknown[]) => nodes.filter((n): n is Extract<TreeNode, { kind: 'run' }> => (n as TreeNode | undefined)?.kind === 'run').map((n) => ({ index: n.index, uid: n.run.uid }));
  const fromRefs = (refs: readonly RunRef[]) => refs.flatMap((ref) => {
    const index = indexes.all().find((i) => i.folder.uri.toString() === ref.folder);
    if (!index?.run(ref.uid)) void notify('warning', `Labbook: no run with id ${ref.uid} in this workspace.`);
    return index ? [{ index, uid: ref.uid }] : [];
  });
  if (typeof arg === 'string') return fromIds([arg]);
  if (isRunRef(arg)) return fromRefs([arg]);
  if (Array.isArray(arg) && arg.length > 0 && arg.every(isRunRef)) return fromRefs(arg);
  if (Array.isArray(arg) && arg.every((a) => typeof a === 'string')) return fromIds(arg as string[]);
  if (Array.isArray(selected) && fromNodes(selected).length > 0) return fromNodes(selected);
  if (arg && typeof arg === 'object') return fromNodes([arg]);
  return fromNodes(view?.selection ?? []);
}

/** The experiment a command is about: a tree node, or a name (in the first folder holding it), else undefined. */
export function experimentTarget(arg: unknown, tree: ExperimentsTree, indexes: WorkspaceIndexes): { index: IndexService; name: string } | undefined {
  const node = arg as TreeNode | undefined;
  if (node && typeof node === 'object' && node.kind === 'experiment') return { index: node.index, name: node.name };
  if (typeof arg === 'string') {
    const found = tree.experimentNodes().find((e: ExperimentNode) => e.name === arg);
    if (found) return { index: found.index, name: found.name };
    const index = indexes.all()[0];
    return index ? { index, name: arg } : undefined;
  }
  return undefined;
}
