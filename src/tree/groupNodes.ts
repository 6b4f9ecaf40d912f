import * as vscode from 'vscode';
import type { IndexService } from '../indexService';
import type { ExperimentView } from '../core/treeRows';
import type { SqlValue } from 'sql.js';
import { groupKey, paramByRunQuery, paramRows, tagGroupValue, type GroupView, type TreeGrouping } from '../core/organise/runGroups';

/** The index reads grouping needs (IndexReads has them). */
export interface GroupReads {
  selectRows(sql: string, params: SqlValue[]): Promise<SqlValue[][]>;
}

/**
 * The group rows of the Experiments tree when runs are grouped ("Group By…"): one collapsible row
 * per tag or param value under each experiment, "(none)" last. The grouping itself is core
 * (core/organise/runGroups.ts); this keeps one node object per group, as the tree does for runs.
 */
export interface GroupNode<R> {
  readonly kind: 'group';
  readonly index: IndexService;
  readonly experiment: string;
  /** groupKey() of the value: paging and identity. */
  readonly key: string;
  runs: R[];
  view: GroupView;
}

/** Where a group's node is kept: its experiment and key. */
export const groupId = (experiment: string, key: string) => `${experiment}\u0000${key}`;

/**
 * Brings the group nodes of one experiment in line with its view (same objects for the same
 * groups); returns them in order, or undefined when the experiment is not grouped.
 */
export function syncGroups<R>(nodes: Map<string, GroupNode<R>>, index: IndexService, view: ExperimentView, runOf: (uid: string) => R | undefined, seen: Set<string>): GroupNode<R>[] | undefined {
  if (!view.groups) return undefined;
  return view.groups.map((g) => {
    const key = groupKey(g.value);
    const id = groupId(view.name, key);
    seen.add(id);
    const runs = g.runs.flatMap((uid) => runOf(uid) ?? []);
    const node = nodes.get(id);
    if (node) {
      node.view = g;
      node.runs = runs;
      return node;
    }
    const created: GroupNode<R> = { kind: 'group', index, experiment: view.name, key, runs, view: g };
    nodes.set(id, created);
    return created;
  });
}

/** Each run's group value under a grouping, read from the index once per reload. */
export async function groupValues(reads: GroupReads, grouping: TreeGrouping, tags: ReadonlyMap<string, readonly string[]>): Promise<(uid: string) => string | undefined> {
  if (grouping.kind === 'param') {
    const q = paramByRunQuery(grouping.key);
    const values = paramRows(await reads.selectRows(q.text, q.params));
    return (uid) => values.get(uid);
  }
  return (uid) => tagGroupValue(tags.get(uid) ?? [], grouping.key);
}

export function groupItem<R>(node: GroupNode<R>, id: string, grouping: TreeGrouping | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(node.view.label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = id;
  item.description = node.view.description;
  item.iconPath = new vscode.ThemeIcon(node.view.value === null ? 'circle-slash' : grouping?.kind === 'param' ? 'symbol-parameter' : 'tag');
  item.contextValue = 'group';
  const what = grouping ? `${grouping.kind} ${grouping.key}` : 'group';
  item.tooltip = node.view.value === null ? `${node.view.description} without ${what}` : `${what} = ${node.view.value}: ${node.view.description}`;
  item.accessibilityInformation = { label: `group ${node.view.label}, ${node.view.description}` };
  return item;
}
