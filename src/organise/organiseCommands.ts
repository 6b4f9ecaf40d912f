import * as vscode from 'vscode';
import { COMMANDS } from '../commands/ids';
import type { WorkspaceIndexes } from '../workspaceIndexes';
import type { ExperimentsTree, TreeNode } from '../tree/experimentsTree';
import type { Problems } from '../core/problems';
import { editRun } from '../runEdits';
import { askModal, notify } from '../notifications';
import { experimentNameProblem, type EditRecord } from '../core/edits';
import type { ExperimentCatalog } from './experimentCatalog';
import { experimentTarget, runTargets, type OrganiseRef } from './runTargets';
import { listTrash, moveToTrash, restoreFromTrash, trashProblem } from './trashService';
import { trustedOrExplain } from '../workspaceTrust';
import { trashEntryNodes } from './trashCommands';

export interface OrganiseContext {
  readonly indexes: WorkspaceIndexes;
  readonly tree: ExperimentsTree;
  readonly catalog: ExperimentCatalog;
  readonly problems: Problems;
  readonly view?: vscode.TreeView<TreeNode>;
}

/** Options scripts and tests pass last: `{ confirmed: true }` skips the question a user is asked. */
function confirmedBy(options: unknown): boolean {
  return typeof options === 'object' && options !== null && (options as { confirmed?: unknown }).confirmed === true;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** The commands that organise runs and experiments: trash, archive, tag, star, move; create, rename, describe. */
export function registerOrganiseCommands(c: OrganiseContext): vscode.Disposable[] {
  const guarded = (action: string, fn: (...args: unknown[]) => Promise<void>) => async (...args: unknown[]) => {
    if (!trustedOrExplain(action)) return;
    try {
      await fn(...args);
    } catch (e) {
      void notify('error', `Labbook: ${(e as Error).message}`);
    }
  };
  const targets = (arg: unknown, selected: unknown) => runTargets(arg, selected, c.indexes, c.view);
  const editAll = async (refs: readonly OrganiseRef[], record: EditRecord) => {
    for (const ref of refs) await editRun(ref.index, ref.uid, record);
    c.tree.reload();
  };

  const deleteRuns = guarded('Deleting runs', async (arg, selected, options) => {
    const refs = targets(arg, selected);
    const runs = refs.flatMap((r) => {
      const run = r.index.run(r.uid);
      return run ? [{ ref: r, run }] : [];
    });
    if (!runs.length) return;
    const refused = runs.filter((r) => trashProblem(r.run));
    const movable = runs.filter((r) => !trashProblem(r.run));
    if (refused.length) {
      void notify('warning', `Labbook: ${refused.length === 1 ? refused[0].run.name : plural(refused.length, 'run')} not deleted: ${trashProblem(refused[0].run)}.`);
    }
    if (!movable.length) return;
    const what = movable.length === 1 ? `"${movable[0].run.name}"` : plural(movable.length, 'run');
    if (!confirmedBy(options)) {
      const answer = await askModal(`Move ${what} to the trash? Each run folder moves to ${movable[0].ref.index.logRoot}/_trash/; "Restore from Trash" brings it back.`, 'Move to Trash');
      if (answer !== 'Move to Trash') return;
    }
    const touched = new Set<(typeof movable)[number]['ref']['index']>();
    for (const { ref, run } of movable) {
      await moveToTrash(ref.index, run);
      touched.add(ref.index);
    }
    for (const index of touched) await index.refresh();
    c.tree.reload();
    if (!confirmedBy(options)) {
      void notify('info', `Labbook: ${what} moved to the trash.`, 'Undo').then(async (choice) => {
        if (choice === 'Undo') await vscode.commands.executeCommand(COMMANDS.restoreFromTrash, movable.map((m) => m.run.uid));
      });
    }
  });

  const restore = guarded('Restoring runs', async (arg, selected) => {
    const entries = (await Promise.all(c.indexes.all().map(async (index) => (await listTrash(index, c.problems.report)).map((entry) => ({ index, entry }))))).flat();
    let chosen: typeof entries;
    const rows = trashEntryNodes(arg, selected);
    const ids = rows.length ? rows.map((r) => r.entry.entry) : typeof arg === 'string' ? [arg] : Array.isArray(arg) ? arg.filter((a): a is string => typeof a === 'string') : undefined;
    if (ids) chosen = entries.filter((e) => ids.includes(e.entry.uid) || ids.includes(e.entry.entry));
    else {
      if (!entries.length) {
        void notify('info', 'Labbook: the trash is empty.');
        return;
      }
      const multi = c.indexes.all().length > 1;
      const picked = await vscode.window.showQuickPick(entries.map((e) => ({
        label: e.entry.name,
        description: `${multi ? `${e.index.folder.name} · ` : ''}${e.entry.experiment} · deleted ${new Date(e.entry.time * 1000).toLocaleString()}`,
        detail: e.entry.from,
        item: e,
      })), { title: 'Restore from Trash', placeHolder: 'Which runs go back?', canPickMany: true, matchOnDescription: true, matchOnDetail: true });
      chosen = picked?.map((p) => p.item) ?? [];
    }
    if (!chosen.length) return;
    for (const { index, entry } of chosen) {
      await restoreFromTrash(index, entry);
      await index.refresh();
    }
    c.tree.reload();
  });

  const experimentName = async (title: string, value = '') => {
    const name = await vscode.window.showInputBox({ title, value, validateInput: (v) => experimentNameProblem(v) });
    return name?.trim();
  };

  return [
    vscode.commands.registerCommand(COMMANDS.deleteRuns, deleteRuns),
    vscode.commands.registerCommand(COMMANDS.restoreFromTrash, restore),
    vscode.commands.registerCommand(COMMANDS.archiveRuns, guarded('Archiving runs', (arg, selected) => editAll(targets(arg, selected), { t: 'archive', archived: true }))),
    vscode.commands.registerCommand(COMMANDS.unarchiveRuns, guarded('Archiving runs', (arg, selected) => editAll(targets(arg, selected), { t: 'archive', archived: false }))),
    vscode.commands.registerCommand(COMMANDS.starRuns, guarded('Starring runs', (arg, selected) => editAll(targets(arg, selected), { t: 'star', starred: true }))),
    vscode.commands.registerCommand(COMMANDS.unstarRuns, guarded('Starring runs', (arg, selected) => editAll(targets(arg, selected), { t: 'star', starred: false }))),
    vscode.commands.registerCommand(COMMANDS.tagRuns, guarded('Tagging runs', async (arg, selected, given) => {
      const refs = targets(arg, selected);
      if (!refs.length) return;
      const text = Array.isArray(given) && given.every((t) => typeof t === 'string') ? given.join(',')
        : await vscode.window.showInputBox({ title: `Add tags to ${plural(refs.length, 'run')}`, prompt: 'Comma-separated tags, added to each run\'s own' });
      if (text === undefined) return;
      const added = text.split(',').map((t) => t.trim()).filter(Boolean);
      if (!added.length) return;
      for (const ref of refs) {
        const run = ref.index.run(ref.uid);
        if (!run) continue;
        const tags = [...new Set([...(await ref.index.reads.getTags(run.id)), ...added])];
        await editRun(ref.index, ref.uid, { t: 'tags', tags, reset: true });
      }
      c.tree.reload();
    })),
    vscode.commands.registerCommand(COMMANDS.moveRuns, guarded('Moving runs', async (arg, selected, given) => {
      const refs = targets(arg, selected);
      if (!refs.length) return;
      let experiment = typeof given === 'string' ? given.trim() : undefined;
      if (experiment === undefined) {
        const names = [...new Set(c.tree.experimentNodes().map((e) => e.name))];
        const NEW = '$(add) New experiment…';
        const picked = await vscode.window.showQuickPick([NEW, ...names], { title: `Move ${plural(refs.length, 'run')} to which experiment?` });
        if (picked === undefined) return;
        experiment = picked === NEW ? await experimentName('New experiment') : picked;
      }
      if (!experiment) return;
      const problem = experimentNameProblem(experiment);
      if (problem) throw new Error(`"${experiment}" cannot be an experiment name: ${problem}.`);
      await editAll(refs, { t: 'move', experiment });
    })),
    vscode.commands.registerCommand(COMMANDS.createExperiment, guarded('Creating an experiment', async (given, description) => {
      const index = c.indexes.all().length > 1 ? await pickIndex(c) : c.indexes.all()[0];
      if (!index) return;
      const name = typeof given === 'string' ? given.trim() : await experimentName('New experiment');
      if (!name) return;
      const problem = experimentNameProblem(name);
      if (problem) throw new Error(`"${name}" cannot be an experiment name: ${problem}.`);
      const about = typeof description === 'string' ? description
        : await vscode.window.showInputBox({ title: `Describe ${name}`, prompt: 'What is this experiment about? (optional)' });
      await c.catalog.change(index, name, { description: about ?? '', archived: false, renamedTo: null });
      c.tree.reload();
    })),
    vscode.commands.registerCommand(COMMANDS.renameExperiment, guarded('Renaming an experiment', async (arg, given) => {
      const target = experimentTarget(arg, c.tree, c.indexes);
      if (!target) return;
      const name = typeof given === 'string' ? given.trim() : await experimentName(`Rename ${target.name}`, target.name);
      if (!name || name === target.name) return;
      const problem = experimentNameProblem(name);
      if (problem) throw new Error(`"${name}" cannot be an experiment name: ${problem}.`);
      // Its runs move (an edit each, archived ones too); its file's description and note go with the name.
      const runs = target.index.runs.filter((r) => r.experiment === target.name);
      for (const run of runs) await editRun(target.index, run.uid, { t: 'move', experiment: name });
      const old = c.catalog.of(target.index).get(target.name);
      if (old) {
        await c.catalog.change(target.index, name, { description: old.description, note: old.note, tags: old.tags, archived: old.archived, renamedTo: null });
        await c.catalog.change(target.index, target.name, { renamedTo: name });
      }
      c.tree.reload();
    })),
    vscode.commands.registerCommand(COMMANDS.describeExperiment, guarded('Describing an experiment', async (arg, given) => {
      const target = experimentTarget(arg, c.tree, c.indexes);
      if (!target) return;
      const current = c.catalog.of(target.index).get(target.name);
      const text = typeof given === 'string' ? given : await vscode.window.showInputBox({ title: `Describe ${target.name}`, value: current?.description ?? '', prompt: 'What is this experiment about?' });
      if (text === undefined) return;
      await c.catalog.change(target.index, target.name, { description: text });
      c.tree.reload();
    })),
    vscode.commands.registerCommand(COMMANDS.archiveExperiment, guarded('Archiving an experiment', async (arg) => {
      const target = experimentTarget(arg, c.tree, c.indexes);
      if (target) await c.catalog.change(target.index, target.name, { archived: true });
      c.tree.reload();
    })),
    vscode.commands.registerCommand(COMMANDS.unarchiveExperiment, guarded('Archiving an experiment', async (arg) => {
      const target = experimentTarget(arg, c.tree, c.indexes);
      if (target) await c.catalog.change(target.index, target.name, { archived: false });
      c.tree.reload();
    })),
  ];
}

async function pickIndex(c: OrganiseContext) {
  const picked = await vscode.window.showQuickPick(c.indexes.all().map((index) => ({ label: index.folder.name, index })), { placeHolder: 'In which folder?' });
  return picked?.index;
}
