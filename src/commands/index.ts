/**
 * Every `labbook.*` command, registered by area: runs (`runs.ts`), edits of runs (`edits.ts`), the
 * workspace (`workspace.ts`); sweeps and models register theirs beside their views. Command ids
 * live in `ids.ts` only.
 */
import type * as vscode from 'vscode';
import type { CommandContext } from './context';
import { registerEditCommands } from './edits';
import { resolveRun } from './resolve';
import { registerRunCommands } from './runs';
import { registerWorkspaceCommands } from './workspace';

export type { CommandContext } from './context';
export { COMMANDS, type CommandId } from './ids';

/** Registers the commands; returns the registrations for `context.subscriptions`. */
export function registerCommands(c: CommandContext): vscode.Disposable[] {
  return [
    ...registerEditCommands(c.runs, (arg) => resolveRun(c, arg)),
    ...registerRunCommands(c),
    ...registerWorkspaceCommands(c),
  ];
}
