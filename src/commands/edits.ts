import * as vscode from 'vscode';
import type { IndexService } from '../indexService';
import type { RunRef } from '../protocol/runRef';
import type { RunsModel } from '../runsModel';
import { editRun } from '../runEdits';
import { notify } from '../notifications';
import { COMMANDS } from './ids';

/** The commands that change runs: rename, tags, archive. The note is edited in the run panel. */
export function registerEditCommands(runs: RunsModel, resolveRun: (arg: unknown) => Promise<RunRef | undefined>): vscode.Disposable[] {
  // Commands take the run (id or tree node) and, optionally, the new value (for keybindings and scripts).
  const run = (fn: (index: IndexService, uid: string, value: unknown) => Promise<void>) => async (arg: unknown, value?: unknown) => {
    const ref = await resolveRun(arg);
    const index = ref && runs.indexOf(ref);
    if (!ref || !index) return;
    try {
      await fn(index, ref.uid, value);
    } catch (e) {
      void notify('error', `Labbook: ${(e as Error).message}`);
    }
  };
  return [
    vscode.commands.registerCommand(COMMANDS.renameRun, run(async (index, uid, value) => {
      const current = index.run(uid)!;
      const name = typeof value === 'string' ? value : await vscode.window.showInputBox({ title: 'Rename run', value: current.name, validateInput: (v) => (v.trim() ? undefined : 'A name is needed') });
      if (name !== undefined && name.trim() !== current.name) await editRun(index, uid, { t: 'set', name: name.trim() });
    })),
    vscode.commands.registerCommand(COMMANDS.editTags, run(async (index, uid, given) => {
      const current = index.run(uid)!;
      const tags = await index.reads.getTags(current.id);
      // Tags given by a script are strings; a context menu on a multi-selection passes tree nodes there.
      const value = Array.isArray(given) && given.every((t) => typeof t === 'string')
        ? given.join(',')
        : await vscode.window.showInputBox({ title: `Tags of ${current.name}`, prompt: 'Comma-separated tags', value: tags.join(', ') });
      if (value === undefined) return;
      const next = [...new Set(value.split(',').map((t) => t.trim()).filter(Boolean))];
      await editRun(index, uid, { t: 'tags', tags: next, reset: true });
    })),
    vscode.commands.registerCommand(COMMANDS.archiveRun, run((index, uid) => editRun(index, uid, { t: 'archive', archived: true }))),
    vscode.commands.registerCommand(COMMANDS.unarchiveRun, run((index, uid) => editRun(index, uid, { t: 'archive', archived: false }))),
  ];
}
