import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import type { IndexReads } from '../core/worker/indexReads';
import { metricLabel } from '../core/organise/runOrder';
import type { MoreNode } from './experimentsTree';

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
