import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import type { ExperimentsTree, MoreNode, TreeNode } from '../tree/experimentsTree';
import { MAX_FILTER_LENGTH } from '../core/organise/treeFilter';
import { SORT_KEYS, type SortKey } from '../core/organise/runOrder';
import { groupingLabel } from '../core/organise/runGroups';

/**
 * Finding runs in the Experiments view: a filter line (title-bar Filter, shown in the view's
 * message, cleared by Clear Filter), quick filters by status and tag, the sort, "Show more", and a
 * status bar item counting running runs (a click filters the view to them).
 */
export function registerViewCommands(tree: ExperimentsTree, view: vscode.TreeView<TreeNode>): vscode.Disposable[] {
  const showState = () => {
    const { text, problem } = tree.filter;
    const shown = tree.allRuns().length;
    const sort = tree.sort;
    const sortText = (sort.key === 'date' && sort.descending ? '' : ` · sorted by ${sort.key === 'metric' ? sort.metric : sort.key}${sort.descending ? ' ↓' : ' ↑'}`)
      + (tree.grouping ? ` · grouped by ${groupingLabel(tree.grouping)}` : '');
    view.message = text ? `Filter: ${text}${problem ? ` (not a valid query: ${problem})` : ` · ${shown} run${shown === 1 ? '' : 's'}`}${sortText}` : sortText ? sortText.slice(3) : undefined;
    view.description = text ? `filtered: ${text.length > 30 ? `${text.slice(0, 29)}…` : text}` : undefined;
  };
  const status = vscode.window.createStatusBarItem('labbook.running', vscode.StatusBarAlignment.Left, 20);
  status.name = 'Labbook: running runs';
  status.command = COMMANDS.showRunningRuns;
  const updateStatus = () => {
    const running = tree.allRuns(true).filter((r) => r.status === 'running').length;
    if (!running) {
      status.hide();
      return;
    }
    status.text = `$(sync~spin) ${running} running`;
    status.tooltip = `${running} Labbook run${running === 1 ? '' : 's'} running: click to show them`;
    status.show();
  };
  updateStatus();
  const setFilter = (text: string) => {
    tree.setFilter(text.slice(0, MAX_FILTER_LENGTH));
    showState();
  };
  return [
    status,
    tree.onDidChangeTreeData(() => {
      updateStatus();
      if (tree.filter.text) showState();
    }),
    tree.onDidChangeViewState(showState),
    vscode.commands.registerCommand(COMMANDS.filterRuns, async (given?: unknown) => {
      const text = typeof given === 'string' ? given : await vscode.window.showInputBox({
        title: 'Filter runs',
        value: tree.filter.text,
        prompt: 'Words in a name, note or tag; status:running, tag:best; or a query: metrics.val_acc > 0.9 and params.lr < 0.01',
      });
      if (text !== undefined) setFilter(text);
    }),
    vscode.commands.registerCommand(COMMANDS.clearFilter, () => setFilter('')),
    vscode.commands.registerCommand(COMMANDS.filterByStatus, async (given?: unknown) => {
      const value = typeof given === 'string' ? given : await vscode.window.showQuickPick(['running', 'finished', 'failed', 'killed'], { title: 'Show runs that are…' });
      if (value) setFilter(`status:${value}`);
    }),
    vscode.commands.registerCommand(COMMANDS.filterByTag, async (given?: unknown) => {
      const tags = [...new Set(tree.allRuns().flatMap((r) => (r.view.tooltip.tags ? r.view.tooltip.tags.split(', ') : [])))].sort();
      const value = typeof given === 'string' ? given : await vscode.window.showQuickPick(tags, { title: 'Show runs tagged…', placeHolder: tags.length ? undefined : 'No run has tags yet' });
      if (value) setFilter(`tag:${/\s/.test(value) ? `"${value}"` : value}`);
    }),
    vscode.commands.registerCommand(COMMANDS.sortRuns, async (key?: unknown, descending?: unknown, metric?: unknown) => {
      if (key === 'default') {
        tree.setSort(undefined);
        return;
      }
      let sortKey = typeof key === 'string' && (SORT_KEYS as readonly string[]).includes(key) ? key as SortKey : undefined;
      let metricName = typeof metric === 'string' ? metric : undefined;
      if (!sortKey) {
        const picked = await vscode.window.showQuickPick([
          { label: 'Default', description: 'experiments by name, runs newest first', key: undefined, descending: true },
          { label: 'Date', description: 'newest first', key: 'date' as SortKey, descending: true },
          { label: 'Name', description: 'A to Z', key: 'name' as SortKey, descending: false },
          { label: 'Status', description: 'running, failed, killed, finished', key: 'status' as SortKey, descending: false },
          { label: 'Metric…', description: 'the last value of a metric', key: 'metric' as SortKey, descending: true },
        ], { title: 'Sort experiments and runs by' });
        if (!picked) return;
        if (!picked.key) {
          tree.setSort(undefined);
          return;
        }
        sortKey = picked.key;
        descending = picked.descending;
        if (sortKey === 'metric') {
          metricName = await vscode.window.showInputBox({ title: 'Sort by which metric?', value: tree.sort.metric ?? vscode.workspace.getConfiguration('labbook').get<string>('keyMetric') ?? '', prompt: 'A metric name, e.g. val/acc' });
          if (!metricName?.trim()) return;
          const dir = await vscode.window.showQuickPick(['Largest first', 'Smallest first'], { title: `Sort by ${metricName}` });
          if (!dir) return;
          descending = dir === 'Largest first';
        }
      }
      tree.setSort({ key: sortKey, descending: typeof descending === 'boolean' ? descending : sortKey === 'date' || sortKey === 'metric', metric: sortKey === 'metric' ? metricName?.trim() : undefined });
    }),
    vscode.commands.registerCommand(COMMANDS.showMoreRuns, (node?: MoreNode) => {
      if (node?.kind === 'more') tree.showMore(node);
    }),
    vscode.commands.registerCommand(COMMANDS.showRunningRuns, async () => {
      setFilter('status:running');
      const first = tree.allRuns().find((r) => r.status === 'running');
      if (first) await view.reveal(first, { select: false, focus: false, expand: true });
      else await vscode.commands.executeCommand('labbook.experiments.focus');
    }),
  ];
}
