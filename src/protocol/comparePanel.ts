/**
 * Messages between the extension host and the run comparison webview.
 * Both sides import this file; it must not import `vscode` or anything from the DOM.
 */
import type { RunStatus } from './runStatus';
import { checkMessage, FIELD_LIMITS, type MessageRules, type Refusal } from './limits';

export interface CompareRun {
  /** Stable run id (what `openRun` takes). */
  readonly id: string;
  readonly name: string;
  readonly project: string;
  readonly status: RunStatus;
  /** Workspace folder name when the runs come from several folders of a multi-root workspace. */
  readonly folder: string;
  /** The run's colour (an index into the chart palette), the same in every chart and table. */
  readonly color: number;
}

export interface CompareParamRow {
  readonly key: string;
  /** One display text per run (same order as `runs`); null where the run lacks the parameter. */
  readonly values: ReadonlyArray<string | null>;
  readonly differs: boolean;
}

/** One metric across the runs: a line per run that logged it (`run` indexes `runs`). */
export interface CompareSeries {
  readonly key: string;
  readonly lines: ReadonlyArray<{ readonly run: number; readonly steps: number[]; readonly values: number[]; readonly total: number }>;
}

/** A metric's last value and its minimum and maximum in each run (null where the run did not log it). */
export interface CompareMetricRow {
  readonly key: string;
  readonly last: ReadonlyArray<number | null>;
  readonly min: ReadonlyArray<number | null>;
  readonly max: ReadonlyArray<number | null>;
}

/** A line that changed: `append` says its points follow those sent before; otherwise they replace them. */
export interface CompareLineChange {
  readonly key: string;
  readonly run: number;
  readonly steps: number[];
  readonly values: number[];
  readonly total: number;
  readonly append: boolean;
}

export type HostToComparePanel =
  /** Everything: sent after `ready`, and when the view must start over (a run gone, a log rewritten). */
  | { readonly type: 'init'; readonly runs: CompareRun[]; readonly params: CompareParamRow[]; readonly metrics: CompareMetricRow[]; readonly series: CompareSeries[] }
  /**
   * What changed (at most about once a second while a run writes): runs, parameters and metric
   * values whole (they are small), every chart's key, and only the lines that changed.
   */
  | { readonly type: 'update'; readonly runs: CompareRun[]; readonly params: CompareParamRow[]; readonly metrics: CompareMetricRow[]; readonly keys: string[]; readonly lines: CompareLineChange[] };

export type ComparePanelToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'error'; readonly message: string }
  /** Open one run's own panel. */
  | { readonly type: 'openRun'; readonly id: string };

/** Every message the comparison panel may send, with its fields and their sizes. */
export const COMPARE_PANEL_MESSAGES: MessageRules = {
  ready: {},
  error: { message: { string: FIELD_LIMITS.errorMessage } },
  openRun: { id: { string: FIELD_LIMITS.runId } },
};

/** Whether a message from the comparison panel is well-formed and within its sizes; `refuse` hears why not. */
export function isComparePanelToHost(value: unknown, refuse?: Refusal): value is ComparePanelToHost {
  return checkMessage(COMPARE_PANEL_MESSAGES, value, refuse);
}
