/**
 * The status of a run as a user sees it (tree, quick picks, badge, panels). A run whose log says
 * `running` but whose process is gone or whose heartbeat stopped is shown `killed` (see `RunsModel`).
 * The run log format (`src/core/format/records.ts`) uses this same set.
 */
export type RunStatus = 'running' | 'finished' | 'failed' | 'killed';

export const RUN_STATUSES: readonly RunStatus[] = ['running', 'finished', 'failed', 'killed'];
