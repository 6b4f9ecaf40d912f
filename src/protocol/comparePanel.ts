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
  /** Unix seconds, for the "time since start" axis; null when unknown. */
  readonly startTime: number | null;
  readonly tags: string[];
}

/** A row of the code, environment or dataset diff: one display text per run, null where absent. */
export interface CompareContextRow { readonly key: string; readonly values: ReadonlyArray<string | null>; readonly differs: boolean }

/** What else than parameters differs: git state, environment, datasets. */
export interface CompareContextRows { readonly git: CompareContextRow[]; readonly env: CompareContextRow[]; readonly datasets: CompareContextRow[] }

/** One run's points of a metric: steps, values and wall times (Unix seconds; null where unknown). */
export interface CompareLine { readonly run: number; readonly steps: number[]; readonly values: number[]; readonly times: Array<number | null>; readonly total: number }

export interface CompareParamRow {
  readonly key: string;
  /** One display text per run (same order as `runs`); null where the run lacks the parameter. */
  readonly values: ReadonlyArray<string | null>;
  readonly differs: boolean;
}

/** One metric across the runs: a line per run that logged it (`run` indexes `runs`). */
export interface CompareSeries {
  readonly key: string;
  readonly lines: ReadonlyArray<CompareLine>;
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
  readonly times: Array<number | null>;
  readonly total: number;
  readonly append: boolean;
}

export type HostToComparePanel =
  /**
   * Everything: sent after `ready`, and when the view must start over (a run gone, a log rewritten).
   * `keys` lists every chart; `series` holds the lines of the first ones (all of them with few runs),
   * the view asks for the others' (`lines`) when they scroll into view.
   */
  | { readonly type: 'init'; readonly runs: CompareRun[]; readonly params: CompareParamRow[]; readonly metrics: CompareMetricRow[]; readonly keys: string[]; readonly series: CompareSeries[]; readonly context: CompareContextRows }
  /**
   * What changed (at most about once a second while a run writes): runs, parameters and metric
   * values whole (they are small), every chart's key, and only the lines that changed (of charts
   * whose lines the view has).
   */
  | { readonly type: 'update'; readonly runs: CompareRun[]; readonly params: CompareParamRow[]; readonly metrics: CompareMetricRow[]; readonly keys: string[]; readonly lines: CompareLineChange[]; readonly context: CompareContextRows }
  /** The points of one chart within a step range, for the zoom that asked (`request`). */
  | { readonly type: 'range'; readonly key: string; readonly request: number; readonly lines: CompareLine[] }
  /** The lines of a chart the view asked for (`lines`); kept up to date by `update` from then on. */
  | { readonly type: 'lines'; readonly series: CompareSeries[] };

export type ComparePanelToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'error'; readonly message: string }
  /** Open one run's own panel. */
  | { readonly type: 'openRun'; readonly id: string }
  /** A chart zoomed to steps `lo` … `hi`: send its points there, finer. */
  | { readonly type: 'range'; readonly key: string; readonly lo: number; readonly hi: number; readonly request: number }
  /** A chart whose lines the view has not had came into view: send them. */
  | { readonly type: 'lines'; readonly key: string }
  /** Save a chart: `kind` is `png` (a `data:image/png;base64,` URL) or `csv` (the text); `name` suggests the file name. */
  | { readonly type: 'save'; readonly kind: string; readonly name: string; readonly data: string };

/** Largest chart image or CSV text the view may hand over to be saved. */
export const SAVE_DATA_LIMIT = 64 * 1024 * 1024;

/** Every message the comparison panel may send, with its fields and their sizes. */
export const COMPARE_PANEL_MESSAGES: MessageRules = {
  ready: {},
  error: { message: { string: FIELD_LIMITS.errorMessage } },
  openRun: { id: { string: FIELD_LIMITS.runId } },
  range: { key: { string: FIELD_LIMITS.path }, lo: 'integer', hi: 'integer', request: 'integer' },
  lines: { key: { string: FIELD_LIMITS.path } },
  save: { kind: { string: 8 }, name: { string: FIELD_LIMITS.path }, data: { string: SAVE_DATA_LIMIT } },
};

/** Whether a message from the comparison panel is well-formed and within its sizes; `refuse` hears why not. */
export function isComparePanelToHost(value: unknown, refuse?: Refusal): value is ComparePanelToHost {
  return checkMessage(COMPARE_PANEL_MESSAGES, value, refuse);
}
