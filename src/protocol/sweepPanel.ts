/**
 * Messages between the extension host and the sweep webview.
 * Both sides import this file; it must not import `vscode` or anything from the DOM.
 */
import { checkMessage, FIELD_LIMITS, type MessageRules, type Refusal } from './limits';

export interface SweepPanelTrial {
  readonly number: number;
  /** Display text of each param, in the order of `SweepPanelData.parameters` (null where absent). */
  readonly params: ReadonlyArray<string | null>;
  readonly status: string;
  readonly value: number | null;
  /** Its run, when the run is in the index (the row opens it). */
  readonly runId: string | null;
}

export interface SweepPanelImportance {
  readonly name: string;
  readonly method: 'spearman' | 'anova';
  readonly score: number | null;
  readonly trials: number;
}

export interface SweepPanelData {
  readonly id: string;
  readonly name: string;
  readonly experiment: string;
  readonly strategy: string;
  readonly metric: string;
  readonly goal: 'maximize' | 'minimize';
  readonly progress: string;
  readonly state: string;
  readonly agents: readonly string[];
  readonly counts: Readonly<Record<string, number>>;
  readonly parameters: readonly string[];
  /** Best trial: its number, value and params as JSON (what the copy button copies). */
  readonly best: { readonly trial: number; readonly value: number; readonly paramsJson: string; readonly runId: string | null } | null;
  /** Every trial, in trial order (the table sorts them by the objective). */
  readonly trials: readonly SweepPanelTrial[];
  readonly importance: readonly SweepPanelImportance[];
}

export type HostToSweepPanel = { readonly type: 'init'; readonly sweep: SweepPanelData };

export type SweepPanelToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'error'; readonly message: string }
  | { readonly type: 'openRun'; readonly id: string }
  /** Copy the best params (as JSON) to the clipboard. */
  | { readonly type: 'copyBest' };

export const SWEEP_PANEL_MESSAGES: MessageRules = {
  ready: {},
  error: { message: { string: FIELD_LIMITS.errorMessage } },
  openRun: { id: { string: FIELD_LIMITS.runId } },
  copyBest: {},
};

export function isSweepPanelToHost(value: unknown, refuse?: Refusal): value is SweepPanelToHost {
  return checkMessage(SWEEP_PANEL_MESSAGES, value, refuse);
}
