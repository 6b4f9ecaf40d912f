/**
 * What the index gives back: rows of runs, series, artifacts, datasets, alerts and files, and the
 * SQL that reads a run as its edits leave it.
 */
import type { SqlValue } from 'sql.js';
import type { AlertLevel, RunStatusValue } from '../format/records';

export interface RunRow {
  readonly id: number;
  readonly uid: string;
  readonly experiment: string;
  readonly name: string;
  readonly description: string;
  readonly status: RunStatusValue;
  readonly statusMessage: string | null;
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly lastActivity: number | null;
  readonly note: string;
  readonly folder: string;
  readonly source: string;
  readonly formatVersion: number | null;
  /** The machine and process id that write the run (from its header), when it says. */
  readonly host?: string | null;
  readonly pid?: number | null;
  readonly pointCount: number;
  /** Deleted in the tracker it came from (shown marked, never hidden silently). */
  readonly deleted: boolean;
  /** Archived by the user (an edit): hidden from the tree unless archived runs are shown. */
  readonly archived: boolean;
  /** Starred by the user (an edit): shown first in its experiment. */
  readonly starred?: boolean;
}

export interface SeriesRow {
  readonly id: number; readonly key: string; readonly count: number; readonly lastStep: number | null;
  /** Summary kept as points arrive: first step, value of the last point, lowest and highest value (null: none, or NaN). */
  readonly firstStep?: number | null; readonly last?: number | null; readonly min?: number | null; readonly max?: number | null;
}

export interface ArtifactRow {
  readonly path: string; readonly name: string; readonly size: number | null; readonly sha256: string | null; readonly time: number | null;
  readonly step: number | null; readonly caption: string | null;
}
export interface DatasetRow {
  readonly name: string; readonly context: string; readonly path: string | null; readonly uri: string | null; readonly size: number | null;
  readonly sha256: string | null; readonly description: string | null; readonly time: number | null;
}
export interface AlertRow { readonly condition: string; readonly message: string; readonly level: AlertLevel }
export interface AlertState extends AlertRow { readonly triggeredStep: number | null; readonly triggeredValue: number | null; readonly triggeredTime: number | null }

/** A file read into the index; `head` holds what the tailer remembers of the file (its `TailState.mark`). */
export interface FileRow { readonly path: string; readonly runId: number | null; readonly offset: number; readonly line: number; readonly head: string; readonly size: number; readonly mtime: number }

/** A run's experiment and status as edits leave them (see core/edits.ts: `move`, `end`); the query language uses the same. */
export const EDITED_EXPERIMENT = 'COALESCE(ed.experiment, e.name)';
export const EDITED_STATUS = "(CASE WHEN r.status = 'running' AND ed.end_status IS NOT NULL THEN ed.end_status ELSE r.status END)";
const EDITED_MESSAGE = "(CASE WHEN r.status = 'running' AND ed.end_status IS NOT NULL THEN ed.end_message ELSE r.status_message END)";

export const RUN_COLUMNS = `r.id, r.uid, ${EDITED_EXPERIMENT} AS experiment, COALESCE(ed.name, r.name) AS name, r.description,
  ${EDITED_STATUS} AS status, ${EDITED_MESSAGE} AS status_message, COALESCE(ed.starred, 0) AS starred,
  r.start_time, r.end_time, r.last_activity, COALESCE(ed.note, r.note) AS note, r.folder, r.source, r.format_version, r.deleted, r.host, r.pid,
  COALESCE(ed.archived, 0) AS archived,
  (SELECT COALESCE(SUM(count), 0) FROM series s WHERE s.run_id = r.id) AS point_count`;
export const RUN_FROM = 'runs r JOIN experiments e ON e.id = r.experiment_id LEFT JOIN run_edits ed ON ed.uid = r.uid';

/** A row of RUN_COLUMNS as a RunRow. */
export function toRunRow(r: Record<string, SqlValue>): RunRow {
  return {
    id: r.id as number,
    uid: r.uid as string,
    experiment: r.experiment as string,
    name: r.name as string,
    description: r.description as string,
    status: r.status as RunStatusValue,
    statusMessage: r.status_message as string | null,
    startTime: r.start_time as number | null,
    endTime: r.end_time as number | null,
    lastActivity: r.last_activity as number | null,
    note: r.note as string,
    folder: r.folder as string,
    source: r.source as string,
    formatVersion: r.format_version as number | null,
    host: (r.host as string | null | undefined) ?? null,
    pid: (r.pid as number | null | undefined) ?? null,
    pointCount: r.point_count as number,
    deleted: r.deleted === 1,
    archived: r.archived === 1,
    starred: r.starred === 1,
  };
}
