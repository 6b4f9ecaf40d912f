import type { TableAction } from '../../src/protocol/runsTable';

/** How one bulk-action button of the selection bar reads, and whether it can be pressed. */
export interface ActionButtonState {
  readonly label: string;
  readonly disabled: boolean;
}

/**
 * The selection bar's buttons for `n` selected runs: Compare needs two, the others one; the count is
 * in the label so a user sees how many runs an action touches before pressing it.
 */
export function selectionActions(n: number): Record<TableAction, ActionButtonState> {
  const counted = (word: string, suffix = '') => (n ? `${word} ${n}${suffix}` : `${word}${suffix}`);
  return {
    compare: { label: counted('Compare'), disabled: n < 2 },
    tag: { label: counted('Tag', '\u2026'), disabled: n === 0 },
    archive: { label: counted('Archive'), disabled: n === 0 },
    delete: { label: counted('Delete', '\u2026'), disabled: n === 0 },
  };
}
