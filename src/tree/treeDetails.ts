import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import type { IndexReads } from '../core/worker/indexReads';
import { metricLabel } from '../core/organise/runOrder';
import type { ExperimentNode, MoreNode } from './experimentsTree';
import type { TreeSnapshot } from '../api';
import type { TrashEntryNode } from './trashNodes';

/** Params and metrics listed in a run's tooltip (the first ones, by name). */
const TOOLTIP_ROWS = 8;

/** A run's tooltip with its first params and the last value of its first metrics (text only, never Markdown from a file). */
export async function runTooltipDetails(base: vscode.MarkdownString, reads: IndexReads, runId: number): Promise<vscode.MarkdownString> {
  const [allParams, last] = await Promise.all([reads.getParams(runId), reads.lastMetrics(runId)]);
  const md = new vscode.MarkdownString(base.value, true);
  md.supportHtml = false;
  md.isTrusted = false;
  const params = Object.entries(allParams).sort(([a], [b]) => a.localeCompare(b));
  const metrics = last.filter(([key]) => !key.startsWith('system/'));
  const list = (title: string, rows: Array<[string, string]>, total: number) => {
    if (!rows.length) return;
    md.appendMarkdown(`\n\n**${title}**`);
    for (const [k, v] of rows) md.appendMarkdown('  \n').appendText(`${k} = ${v.length > 60 ? `${v.slice(0, 59)}…` : v}`);
    if (total > rows.length) md.appendMarkdown(`  \n… ${total - rows.length} more`);
  };
  list('Params', params.slice(0, TOOLTIP_ROWS).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]), params.length);
  list('Metrics (last)', metrics.slice(0, TOOLTIP_ROWS).map(([k, v]) => [k, Number.isNaN(v) ? 'NaN' : metricLabel(v)]), metrics.length);
  return md;
}

export function moreItem(node: MoreNode, id: string): vscode.TreeItem {
  const item = new vscode.TreeItem(`Show more (${node.hidden.toLocaleString()} more)`, vscode.TreeItemCollapsibleState.None);
  item.id = id;
  item.iconPath = new vscode.ThemeIcon('ellipsis');
  item.contextValue = 'more';
  item.command = { command: COMMANDS.showMoreRuns, title: 'Show More', arguments: [node] };
  return item;
}

/** What the tree shows, as data (the extension's API, for scripts and tests). */
export function treeSnapshot(experiments: readonly ExperimentNode[], trash: readonly TrashEntryNode[]): TreeSnapshot {
  return {
    trash: trash.map((t) => ({ entry: t.entry.entry, id: t.entry.uid, name: t.entry.name, experiment: t.entry.experiment })),
    experiments: experiments.map((e) => ({
      name: e.name,
      description: e.view.description,
      more: e.view.more,
      runs: e.runs.map((r) => ({ id: r.run.uid, name: r.run.name, status: r.status, pointCount: r.run.pointCount, description: r.view.description })),
      sweeps: e.sweeps.map((s) => ({
        id: s.id,
        label: s.view.label,
        description: s.view.description,
        trials: s.trials.map((t) => ({ number: t.view.number, status: t.view.status, runId: t.view.runId, description: t.view.description })),
      })),
      groups: e.groups?.map((g) => ({ label: g.view.label, count: g.view.count, more: g.view.more, runs: g.runs.map((r) => r.run.uid) })),
    })),
  };
}

/** When a run started, short: the time of day today, else the day and time. */
export function startLabel(seconds: number): string {
  const date = new Date(seconds * 1000);
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return date.toDateString() === new Date().toDateString() ? time : `${date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
}
