import * as vscode from 'vscode';
import type { RunRef } from '../protocol/runRef';
import type { TreeNode } from '../tree/experimentsTree';
import { notify } from '../notifications';
import type { CommandContext } from './context';

type RunNode = Extract<TreeNode, { kind: 'run' }>;

/** The run a command is about: from its argument (run id or tree node), else from a quick pick. */
export async function resolveRun(c: CommandContext, arg: unknown, placeHolder = 'Which run?'): Promise<RunRef | undefined> {
  if (typeof arg === 'string') {
    const ref = c.runs.find(arg);
    if (!ref) void notify('warning', `Labbook: no run with id ${arg} in this workspace.`);
    return ref;
  }
  const node = arg as TreeNode | undefined;
  if (node?.kind === 'run') return c.runs.refOf(node.index, node.run.uid);
  // From the palette: the run selected in the tree comes first, so Enter takes it.
  const selected = new Set((c.view?.selection ?? []).flatMap((n) => (n.kind === 'run' ? [n.run.uid] : [])));
  const runs = c.runs.runs(true);
  const ordered = selected.size === 1 ? [...runs.filter((r) => selected.has(r.run.uid)), ...runs.filter((r) => !selected.has(r.run.uid))] : runs;
  const picked = await vscode.window.showQuickPick(
    ordered.map((r) => ({ label: r.run.name, description: c.runs.describe(r), detail: r.run.uid, ref: r.ref })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.ref;
}

/**
 * The runs to compare: run ids (an array), the tree's multi-selection (a context-menu click passes
 * the clicked node and the selection), the app's run selection (made in the tree or a runs table;
 * from the palette or the view's title bar), else a pick.
 */
export async function resolveRuns(c: CommandContext, arg: unknown, selected: unknown): Promise<RunRef[] | undefined> {
  const fromNodes = (nodes: readonly TreeNode[]) => nodes.filter((n): n is RunNode => n?.kind === 'run').map((n) => c.runs.refOf(n.index, n.run.uid));
  if (Array.isArray(arg) && arg.every((a) => typeof a === 'string')) {
    const refs: RunRef[] = [];
    for (const uid of arg as string[]) {
      const ref = c.runs.find(uid);
      if (ref) refs.push(ref);
      else void notify('warning', `Labbook: no run with id ${uid} in this workspace.`);
    }
    return refs;
  }
  if (Array.isArray(selected) && fromNodes(selected as TreeNode[]).length >= 2) return fromNodes(selected as TreeNode[]);
  const node = arg as TreeNode | undefined;
  if (node?.kind === 'experiment' && node.runs.length >= 2) return fromNodes(node.runs);
  const inView = fromNodes(c.view?.selection ?? []);
  const shared = c.runs.selection.refs;
  if (arg === undefined && shared.length >= 2) return [...shared];
  if (arg === undefined && inView.length >= 2) return inView;
  const preselected = new Set([...inView, ...shared, ...fromNodes(arg ? [arg as TreeNode] : [])].map((r) => r.uid));
  const picked = await vscode.window.showQuickPick(
    c.runs.runs().map((r) => ({ label: r.run.name, description: c.runs.describe(r), detail: r.run.uid, picked: preselected.has(r.run.uid), ref: r.ref })),
    { placeHolder: 'Compare which runs? (two or more)', canPickMany: true, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.map((p) => p.ref);
}
