import { COMMANDS, type CommandId } from '../commands/ids';
import { isTableAction, type TableAction } from '../protocol/runsTable';

/**
 * The commands the runs table's bulk actions run with the selected run ids: the same commands as
 * the Experiments view's, so the table archives and deletes (to the trash, with the same question
 * and Undo) exactly as the sidebar does. Tag is asked for in the table itself.
 */
export const TABLE_ACTION_COMMANDS: Readonly<Record<Exclude<TableAction, 'tag'>, CommandId>> = {
  compare: COMMANDS.compareRuns,
  archive: COMMANDS.archiveRuns,
  delete: COMMANDS.deleteRuns,
};

/** What a webview's `action` message asks for: a command with its run ids, `tag`, or undefined for nothing (no runs, unknown action). */
export function tableActionCommand(action: string, uids: readonly string[]): { command: CommandId; uids: string[] } | 'tag' | undefined {
  if (!isTableAction(action) || uids.length === 0) return undefined;
  if (action === 'tag') return 'tag';
  return { command: TABLE_ACTION_COMMANDS[action], uids: [...uids] };
}
