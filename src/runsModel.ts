import type { IndexService } from './indexService';
import type { WorkspaceIndexes } from './workspaceIndexes';
import type { RunRow } from './core/store/store';
import { runStatus, type LocalProcesses } from './core/status';
import type { RunRef } from './protocol/runRef';
import type { RunStatus } from './protocol/runStatus';
import { localProcesses } from './localProcesses';
import { settings } from './settings';
import { RunSelection } from './runSelection';

/** What decides a run's effective status at one moment (the core's `runStatus` takes it apart). */
export interface StatusRules {
  readonly now: number;
  readonly heartbeatTimeoutSeconds: number;
  readonly local: LocalProcesses;
}

/** One run of the workspace as the app shows it. */
export interface RunEntry {
  readonly ref: RunRef;
  readonly index: IndexService;
  readonly run: RunRow;
  /** Effective status: a `running` run whose process is gone or whose heartbeat stopped is `killed`. */
  readonly status: RunStatus;
}

/**
 * The app's list of runs over every workspace folder, and the one place that decides a run's
 * effective status (the dead-process and heartbeat rules) and how a run is described in pickers.
 * The tree, the quick picks, the view's badge and the panels all ask it.
 */
export class RunsModel {
  /** The runs the user selected, in the tree or a runs table: one selection that Compare uses too. */
  readonly selection = new RunSelection();

  constructor(private readonly indexes: WorkspaceIndexes) {}

  /** The rules for "now": `core/status.ts` applies them to a run row. */
  statusRules(now = Date.now() / 1000): StatusRules {
    return { now, heartbeatTimeoutSeconds: settings().heartbeatTimeoutSeconds, local: localProcesses };
  }

  /** The effective status of a run row. */
  status(run: RunRow, rules = this.statusRules()): RunStatus {
    return runStatus(run, rules.now, rules.heartbeatTimeoutSeconds, rules.local);
  }

  /** The reference of a run in an index. */
  refOf(index: IndexService, uid: string): RunRef {
    return { folder: index.folder.uri.toString(), uid };
  }

  /** The index that holds a referenced run's folder (whether or not the run is still in it). */
  indexOf(ref: RunRef): IndexService | undefined {
    return this.indexes.all().find((i) => i.folder.uri.toString() === ref.folder);
  }

  /** The reference of a run known by its id alone (the first folder that has it). */
  find(uid: string): RunRef | undefined {
    const index = this.indexes.find(uid);
    return index && this.refOf(index, uid);
  }

  /** The run a reference names, when its index still has it. */
  entry(ref: RunRef, rules = this.statusRules()): RunEntry | undefined {
    const index = this.indexOf(ref);
    const run = index?.run(ref.uid);
    return index && run ? { ref, index, run, status: this.status(run, rules) } : undefined;
  }

  /**
   * Every run, folder by folder, grouped by experiment as the tree shows them; archived runs only
   * with `includeArchived` (then in the index's order).
   */
  runs(includeArchived = false): RunEntry[] {
    const rules = this.statusRules();
    return this.indexes.all().flatMap((index) => {
      const rows = index.runs;
      const ordered = includeArchived ? rows : groupByExperiment(rows.filter((r) => !r.archived));
      return ordered.map((run) => ({ ref: this.refOf(index, run.uid), index, run, status: this.status(run, rules) }));
    });
  }

  /** How many runs are running now (the view's badge). */
  runningCount(): number {
    return this.runs().filter((r) => r.status === 'running').length;
  }

  /** A run's line in a quick pick: folder (in multi-root workspaces), experiment, status, archived. */
  describe(entry: RunEntry): string {
    const multi = this.indexes.all().length > 1;
    return `${multi ? `${entry.index.folder.name} · ` : ''}${entry.run.experiment} · ${entry.status}${entry.run.archived ? ' · archived' : ''}`;
  }
}

function groupByExperiment(rows: readonly RunRow[]): RunRow[] {
  const groups = new Map<string, RunRow[]>();
  for (const row of rows) {
    const list = groups.get(row.experiment);
    if (list) list.push(row);
    else groups.set(row.experiment, [row]);
  }
  return [...groups.values()].flat();
}
