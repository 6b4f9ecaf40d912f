import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import type { ExperimentsTree } from '../tree/experimentsTree';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import { allTagListsQuery, groupingChoices, PARAM_KEYS_QUERY, parseGrouping, tagListRows, type TreeGrouping } from '../core/organise/runGroups';

/** Where the grouping of the Experiments view is remembered (per workspace). */
const GROUPING_KEY = 'labbook.tree.grouping';

/**
 * "Group By…" in the Experiments view: none, a tag key or a param; remembered per workspace and
 * applied again when the window opens. Scripts and tests pass `('param', 'lr')`, `('tag', 'model')`
 * or `('none')`.
 */
export function registerGroupCommand(tree: ExperimentsTree, state: vscode.Memento | undefined, indexes: WorkspaceIndexes): vscode.Disposable[] {
  const apply = (grouping: TreeGrouping | undefined) => {
    tree.setGrouping(grouping);
    void state?.update(GROUPING_KEY, grouping);
  };
  const remembered = parseGrouping(state?.get<unknown>(GROUPING_KEY));
  if (remembered) apply(remembered);
  return [
    vscode.commands.registerCommand(COMMANDS.groupRuns, async (kind?: unknown, key?: unknown) => {
      if (kind === 'none') return apply(undefined);
      const given = parseGrouping({ kind, key });
      if (given) return apply(given);
      const tagQuery = allTagListsQuery();
      const read = await Promise.all(indexes.all().map(async (i) => ({
        tags: tagListRows(await i.reads.selectRows(tagQuery.text, tagQuery.params)),
        params: (await i.reads.selectRows(PARAM_KEYS_QUERY, [])).map(([k]) => String(k)),
      })));
      const choices = groupingChoices(read.flatMap((r) => r.tags), read.flatMap((r) => r.params));
      const current = tree.grouping;
      type Item = vscode.QuickPickItem & { grouping?: TreeGrouping };
      const items: Item[] = [
        { label: 'None', description: current ? undefined : 'current', detail: 'Runs listed under their experiment' },
        ...(choices.tags.length ? [{ label: 'Tags', kind: vscode.QuickPickItemKind.Separator } as Item] : []),
        ...choices.tags.map((t): Item => ({ label: `$(tag) ${t}`, description: current?.kind === 'tag' && current.key === t ? 'current' : undefined, grouping: { kind: 'tag', key: t } })),
        ...(choices.params.length ? [{ label: 'Params', kind: vscode.QuickPickItemKind.Separator } as Item] : []),
        ...choices.params.map((p): Item => ({ label: `$(symbol-parameter) ${p}`, description: current?.kind === 'param' && current.key === p ? 'current' : undefined, grouping: { kind: 'param', key: p } })),
      ];
      const picked = await vscode.window.showQuickPick(items, {
        title: 'Group runs by',
        placeHolder: choices.tags.length || choices.params.length ? 'A tag key (model for model:resnet tags) or a param; runs without it go to "(none)"' : 'No run has tags or params yet',
        matchOnDescription: true,
      });
      if (picked) apply(picked.grouping);
    }),
  ];
}
