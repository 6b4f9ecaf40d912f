import * as vscode from 'vscode';
import type { ExperimentView, RunTooltip, RunView } from '../core/treeRows';
import { sourceLabel } from '../core/status';
import type { SweepView, TrialView } from '../core/sweeps/sweepRows';
import { COMMANDS } from '../commands/ids';
import type { ExperimentMeta } from '../core/organise/experimentFiles';

/** Icons of run rows by RunView.icon. Killed is a warning colour: visible on dark and light themes. */
const RUN_ICONS: Record<string, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  finished: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  killed: new vscode.ThemeIcon('stop-circle', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  deleted: new vscode.ThemeIcon('trash', new vscode.ThemeColor('disabledForeground')),
  archived: new vscode.ThemeIcon('archive', new vscode.ThemeColor('disabledForeground')),
};

export function runItem(view: RunView, id: string): vscode.TreeItem {
  const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.None);
  item.id = id;
  item.description = view.description;
  item.iconPath = RUN_ICONS[view.icon];
  item.contextValue = view.contextValue;
  item.tooltip = tooltip(view.tooltip);
  // A click opens the run in the preview panel; a second click on it soon after (a double-click) keeps it open.
  item.command = { command: COMMANDS.openRun, title: 'Open Run', arguments: [view.uid, { preview: true }] };
  item.accessibilityInformation = { label: `${view.label}, ${view.status}` };
  return item;
}

export function experimentItem(view: ExperimentView, id: string, sourceIcon: (source: string) => vscode.Uri): vscode.TreeItem {
  const empty = view.runs.length === 0 && view.sweeps.length === 0 && view.more === 0;
  const item = new vscode.TreeItem(view.name, empty ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Expanded);
  item.id = id;
  item.description = view.description;
  item.iconPath = view.source ? sourceIcon(view.source) : new vscode.ThemeIcon('beaker');
  item.contextValue = view.contextValue;
  return item;
}

export function folderItem(folder: vscode.WorkspaceFolder, runCount: number): vscode.TreeItem {
  const item = new vscode.TreeItem(folder.name, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `folder:${folder.uri.toString()}`;
  item.description = `${runCount} run${runCount === 1 ? '' : 's'}`;
  item.iconPath = vscode.ThemeIcon.Folder;
  item.contextValue = 'folder';
  return item;
}

/** An experiment's tooltip: its description, tags and note as text (never Markdown from a file). */
export function experimentTooltip(name: string, meta: ExperimentMeta): vscode.MarkdownString | undefined {
  if (!meta.description && !meta.note && !meta.tags.length) return undefined;
  const md = new vscode.MarkdownString(undefined, true);
  md.supportHtml = false;
  md.isTrusted = false;
  md.appendMarkdown('**').appendText(name).appendMarkdown('**\n\n');
  if (meta.description) md.appendText(meta.description).appendMarkdown('\n\n');
  if (meta.tags.length) md.appendMarkdown('Tags: ').appendText(meta.tags.join(', ')).appendMarkdown('\n\n');
  if (meta.note) md.appendMarkdown('---\n\n').appendText(meta.note);
  return md;
}

function tooltip(t: RunTooltip): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.supportHtml = false;
  md.isTrusted = false;
  md.appendMarkdown(`**`).appendText(t.name).appendMarkdown(`** — ${t.status}${t.starred ? ' ★' : ''}\n\n`);
  if (t.description) md.appendText(t.description).appendMarkdown('\n\n');
  if (t.source !== 'labbook') md.appendMarkdown(`Read from ${sourceLabel(t.source)} files (read-only)${t.deleted ? ', deleted there' : ''}  \n`);
  md.appendMarkdown('Run id: ').appendText(t.uid).appendMarkdown('  \nFolder: ').appendText(t.folder);
  if (t.tags) md.appendMarkdown('  \nTags: ').appendText(t.tags);
  if (t.startTime) md.appendMarkdown('  \nStarted: ').appendText(new Date(t.startTime * 1000).toLocaleString());
  if (t.points !== null) md.appendMarkdown(`  \nPoints: ${t.points}`);
  if (t.silent) md.appendMarkdown('  \n_No heartbeat: the process stopped without a final status._');
  return md;
}

/** Icons of trial rows by status. */
const TRIAL_ICONS: Record<string, vscode.ThemeIcon> = {
  running: RUN_ICONS.running,
  completed: RUN_ICONS.finished,
  failed: RUN_ICONS.failed,
  pruned: new vscode.ThemeIcon('debug-step-out', new vscode.ThemeColor('disabledForeground')),
  abandoned: RUN_ICONS.killed,
};

export function sweepItem(view: SweepView, id: string): vscode.TreeItem {
  const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = id;
  item.description = view.description;
  item.tooltip = view.tooltip;
  item.iconPath = new vscode.ThemeIcon(view.state === 'running' ? 'sync~spin' : view.state === 'stopped' ? 'debug-pause' : 'symbol-misc', view.state === 'running' ? new vscode.ThemeColor('charts.blue') : undefined);
  item.contextValue = view.contextValue;
  item.command = { command: COMMANDS.openSweep, title: 'Open Sweep', arguments: [view.id] };
  item.accessibilityInformation = { label: `sweep ${view.label}, ${view.description}` };
  return item;
}

export function trialItem(view: TrialView, id: string): vscode.TreeItem {
  const runId = view.runId;
  const item = new vscode.TreeItem(view.label, vscode.TreeItemCollapsibleState.None);
  item.id = id;
  item.description = view.description;
  item.iconPath = TRIAL_ICONS[view.status];
  item.contextValue = runId ? 'trial.run' : 'trial';
  item.tooltip = `Trial ${view.number}: ${view.status}${runId ? `\nRun ${runId}` : ''}`;
  if (runId) item.command = { command: COMMANDS.openRun, title: 'Open Run', arguments: [runId, { preview: true }] };
  return item;
}
