/**
 * The status of a run as a user sees it (tree, quick picks, badge, panels). A run whose log says
 * `running` but whose process is gone or whose heartbeat stopped is shown `killed` (see `RunsModel`).
 * The run log format's own status list (`src/core/format/records.ts`) is the same set; a unit test
 * keeps the two equal, since the core and the protocol may not import each other.
 */
export type RunStatus = 'running' | 'finished' | 'failed' | 'killed';

export const RUN_STATUSES: readonly RunStatus[] = ['running', 'finished', 'failed', 'killed'];
