// Runs as the index lists them, for tests of the sidebar's pure parts (tree rows, grouping, organising).
import type { RunRow } from '../../../src/core/store/store';
import type { TreeModelOptions } from '../../../src/core/treeRows';

/** The tests' clock (Unix seconds). */
export const NOW = 1_800_000_000;

/** Tree options at NOW: a heartbeat older than two minutes is stale, archived runs hidden. */
export const treeOptions: TreeModelOptions = { now: NOW, heartbeatTimeoutSeconds: 120, showArchived: false, startLabel: (s) => `t${s}` };

/** A finished Labbook run of experiment `mnist`, started two hours before NOW and ended an hour later, with `over` changed. */
export function runRow(uid: string, over: Partial<RunRow> = {}): RunRow {
  return {
    id: 1, uid, experiment: 'mnist', name: uid, description: '', status: 'finished', statusMessage: null, startTime: NOW - 7200, endTime: NOW - 3600,
    lastActivity: NOW - 3600, note: '', folder: `labbook/${uid}`, source: 'labbook', formatVersion: 1, pointCount: 10, deleted: false, archived: false,
    ...over,
  };
}
