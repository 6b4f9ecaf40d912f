import type * as vscode from 'vscode';
import type { RunStatus } from './protocol/runStatus';

/** What `activate()` returns: used by the integration tests and by other extensions. */
export interface LabbookApi {
  /** Resolves once every change seen so far (watcher events, polls) has been ingested and the tree refreshed. */
  whenIdle(): Promise<void>;
  /** The experiments and runs exactly as the Experiments tree shows them. */
  snapshot(): TreeSnapshot;
  /** The latest notifications Labbook showed (up to 50, newest last), with their text exactly as VS Code got it. */
  notifications(): ReadonlyArray<{ readonly level: 'info' | 'warning' | 'error'; readonly text: string }>;
  /** After each change of the Experiments tree: which rows were rendered again. */
  onDidChangeTree(listener: (change: TreeChange) => void): { dispose(): void };
  /** The registered models as the Models view shows them, read again first. */
  models(): Promise<ModelsSnapshot>;
  /**
   * Does what VS Code does with a panel kept over a window reload: hands `panel` and the state its
   * webview saved to the serializer of `viewType` (`labbook.run`, `labbook.compare`, `labbook.sweep`).
   */
  restorePanel(viewType: string, panel: vscode.WebviewPanel, state: unknown): Promise<void>;
  /**
   * The open runs tables: the experiment each shows (null: every run), its runs in order and the runs
   * selected in it; `select` does what selecting those rows in the table does.
   */
  runsTables?(): ReadonlyArray<{ readonly experiment: string | null; readonly uids: readonly string[]; readonly selection: readonly string[]; select(uids: readonly string[]): void }>;
  /** The app's run selection (the tree, the runs tables and Compare share it) and the runs VS Code shows selected in the Experiments view. */
  selection?(): { readonly runs: readonly string[]; readonly tree: readonly string[] };
  /**
   * The open compare panels: the runs each compares, the last messages its view was sent (newest last;
   * see src/protocol/comparePanel.ts), and `zoom`, which does what zooming a chart in the view does.
   */
  compares?(): ReadonlyArray<{ readonly runs: readonly string[]; readonly messages: readonly unknown[]; zoom(key: string, lo: number, hi: number, request: number): void }>;
}

export type ModelsSnapshot = ReadonlyArray<{
  readonly name: string;
  readonly source: string;
  readonly versions: ReadonlyArray<{ readonly version: number; readonly aliases: readonly string[]; readonly runUid?: string }>;
}>;

/** Rows of the Experiments tree rendered again: all of them (`whole`), or these experiments (with their runs) and runs. */
export interface TreeChange {
  readonly whole: boolean;
  readonly experiments: readonly string[];
  readonly runs: readonly string[];
  /** Sweep rows (with their trials) rendered again. */
  readonly sweeps?: readonly string[];
}

export interface TreeSnapshot {
  /** The runs the Trash row lists (every workspace folder's `_trash/`). */
  readonly trash?: ReadonlyArray<{ readonly entry: string; readonly id: string; readonly name: string; readonly experiment: string }>;
  readonly experiments: ReadonlyArray<{
    readonly name: string;
    /** The row's description (run counts, the experiment's own description). */
    readonly description?: string;
    readonly runs: ReadonlyArray<{ readonly id: string; readonly name: string; readonly status: RunStatus; readonly pointCount: number; readonly description?: string }>;
    /** Runs not shown yet ("Show more"). */
    readonly more?: number;
    /** Its sweeps, as their rows show them. */
    readonly sweeps?: ReadonlyArray<{
      readonly id: string;
      readonly label: string;
      readonly description: string;
      readonly trials: ReadonlyArray<{ readonly number: number; readonly status: string; readonly runId: string | null; readonly description: string }>;
    }>;
    /** With "Group By…": its groups in order, each with its shown runs' ids and how many more it has. */
    readonly groups?: ReadonlyArray<{ readonly label: string; readonly count: number; readonly more: number; readonly runs: readonly string[] }>;
  }>;
}
