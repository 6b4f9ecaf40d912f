import type { RunRow } from './store/store';
import type { RunStatusValue } from './format/records';
import { runStatus, sourceLabel, type LocalProcesses } from './status';
import type { SweepSummary } from './sweeps/sweepState';
import { sameSweepRow, sameTrial, sweepView, type SweepView } from './sweeps/sweepRows';

/**
 * What the Experiments tree shows of each experiment and run, as plain data, and which rows
 * changed between two such models. The tree re-renders only the rows whose text, icon, menu or
 * children changed: a run that only logs points keeps its row (and its tooltip, and a right-click
 * on it) untouched.
 */

export interface RunView {
  readonly uid: string;
  readonly label: string;
  readonly description: string;
  readonly status: RunStatusValue;
  /** `running`, `finished`, `failed`, `killed`, `deleted` or `archived`. */
  readonly icon: string;
  readonly contextValue: string;
  /** Every field the tooltip is made of (a run's tooltip changes only when one of them does). */
  readonly tooltip: RunTooltip;
}

export interface RunTooltip {
  readonly name: string;
  readonly status: RunStatusValue;
  readonly description: string;
  readonly source: string;
  readonly deleted: boolean;
  readonly uid: string;
  readonly folder: string;
  readonly startTime: number | null;
  /** Points of a run that no longer writes; null while it runs (a count that changes every poll is not shown). */
  readonly points: number | null;
  /** Says `running` in its log but went silent. */
  readonly silent: boolean;
}

export interface ExperimentView {
  readonly name: string;
  readonly description: string;
  /** The tracker of every run in it, when they all come from one other tracker. */
  readonly source: string | undefined;
  /** Shown runs, in order. */
  readonly runs: readonly string[];
  /** Ids of its sweeps, in order (shown above its runs). */
  readonly sweeps: readonly string[];
}

export interface TreeModel {
  readonly experiments: readonly ExperimentView[];
  /** Every run of the index, shown or not (archived runs hidden). */
  readonly runs: ReadonlyMap<string, RunView>;
  readonly shownRuns: number;
  /** Every sweep, by id. */
  readonly sweeps: ReadonlyMap<string, SweepView>;
}

export interface TreeModelOptions {
  /** Unix seconds. */
  readonly now: number;
  readonly heartbeatTimeoutSeconds: number;
  readonly showArchived: boolean;
  /** This machine's processes: a running run whose process here is gone shows as killed at once. */
  readonly local?: LocalProcesses;
  /** Formats a start time (Unix seconds) to tell apart runs of the same name. */
  readonly startLabel?: (seconds: number) => string;
  /** Formats the day of activity older than a day. */
  readonly dateLabel?: (seconds: number) => string;
  /** Sweeps of the workspace folder: shown under their experiment (which exists even before a trial ran). */
  readonly sweeps?: readonly SweepSummary[];
}

/** "just now", "5 min ago", "3 h ago", a date: coarse enough to change rarely (minutes step 1, 2, 5, 10, 15, 20, 30, 45). */
export function coarseAgo(seconds: number | null, now: number, dateLabel: (seconds: number) => string = defaultDate): string {
  if (seconds === null) return '';
  const d = Math.max(0, now - seconds);
  if (d < 60) return 'just now';
  if (d < 3600) {
    const minutes = Math.floor(d / 60);
    const step = [45, 30, 20, 15, 10, 5, 2, 1].find((m) => minutes >= m)!;
    return `${step} min ago`;
  }
  if (d < 86400) return `${Math.floor(d / 3600)} h ago`;
  return dateLabel(seconds);
}

const defaultDate = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
const defaultStart = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ');

/** A short form of a run id: the id itself for Labbook runs, the last part of an imported run's path. */
export function shortId(uid: string): string {
  const tail = uid.slice(uid.lastIndexOf(':') + 1).split('/').pop() || uid;
  return tail.length > 8 ? tail.slice(0, 8) : tail;
}

export function treeModel(rows: readonly RunRow[], options: TreeModelOptions): TreeModel {
  const startLabel = options.startLabel ?? defaultStart;
  const runs = new Map<string, RunView>();
  const shown = new Map<string, RunRow[]>();
  const statusOf = new Map<string, RunStatusValue>();
  for (const run of rows) {
    statusOf.set(run.uid, runStatus(run, options.now, options.heartbeatTimeoutSeconds, options.local));
    if (run.archived && !options.showArchived) continue;
    const list = shown.get(run.experiment);
    if (list) list.push(run);
    else shown.set(run.experiment, [run]);
  }
  const place = (run: RunRow, mixed: boolean, disambiguation: string | undefined) => {
    const status = statusOf.get(run.uid)!;
    const parts = [run.deleted ? 'deleted' : status, coarseAgo(run.lastActivity ?? run.startTime, options.now, options.dateLabel)];
    if (run.source !== 'labbook' && mixed) parts.unshift(sourceLabel(run.source));
    if (run.archived) parts.unshift('archived');
    // First: the sidebar is narrow and cuts the end of a description.
    if (disambiguation) parts.unshift(disambiguation);
    runs.set(run.uid, {
      uid: run.uid,
      label: run.name,
      description: parts.filter(Boolean).join(' · '),
      status,
      icon: run.deleted ? 'deleted' : run.archived ? 'archived' : status,
      contextValue: `run${run.source === 'labbook' ? '' : '.imported'}${run.archived ? '.archived' : ''}`,
      tooltip: {
        name: run.name, status, description: run.description, source: run.source, deleted: run.deleted, uid: run.uid, folder: run.folder,
        startTime: run.startTime, points: run.status === 'running' ? null : run.pointCount, silent: status === 'killed' && run.status === 'running',
      },
    });
  };
  const sweeps = new Map<string, SweepView>();
  const sweepsOf = new Map<string, string[]>();
  for (const summary of options.sweeps ?? []) {
    if (sweeps.has(summary.id)) continue;
    sweeps.set(summary.id, sweepView(summary, (uid) => statusOf.has(uid)));
    sweepsOf.set(summary.experiment, [...(sweepsOf.get(summary.experiment) ?? []), summary.id]);
    if (!shown.has(summary.experiment)) shown.set(summary.experiment, []);
  }
  const experiments: ExperimentView[] = [];
  for (const [name, list] of shown) {
    const sources = new Set(list.map((r) => r.source));
    const mixed = sources.size > 1;
    for (const [run, label] of disambiguate(list, startLabel)) place(run, mixed, label);
    const running = list.filter((r) => statusOf.get(r.uid) === 'running').length;
    const ownSweeps = sweepsOf.get(name) ?? [];
    let description = `${list.length} run${list.length === 1 ? '' : 's'}${running ? ` · ${running} running` : ''}`;
    if (ownSweeps.length) description += ` · ${ownSweeps.length} sweep${ownSweeps.length === 1 ? '' : 's'}`;
    const only = sources.size === 1 ? [...sources][0] : undefined;
    const source = only && only !== 'labbook' ? only : undefined;
    if (source) description = `${sourceLabel(source)} · ${description}`;
    experiments.push({ name, description, source, runs: list.map((r) => r.uid), sweeps: ownSweeps });
  }
  // Hidden (archived) runs still get a view: commands and pickers list them.
  for (const run of rows) if (!runs.has(run.uid)) place(run, false, undefined);
  return { experiments, runs, shownRuns: experiments.reduce((n, e) => n + e.runs.length, 0), sweeps };
}

/** Runs of one experiment with what tells same-named ones apart: the start time, or the short id when that is the same too. */
function disambiguate(list: readonly RunRow[], startLabel: (seconds: number) => string): Array<[RunRow, string | undefined]> {
  const byName = new Map<string, RunRow[]>();
  for (const r of list) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  return list.map((run) => {
    const same = byName.get(run.name)!;
    if (same.length < 2) return [run, undefined];
    const start = run.startTime === null ? undefined : startLabel(run.startTime);
    const startUnique = start !== undefined && same.filter((o) => o.startTime !== null && startLabel(o.startTime) === start).length === 1;
    return [run, startUnique ? `started ${start}` : `#${shortId(run.uid)}`];
  });
}

export interface TreeModelChanges {
  /** The list of experiments changed (added, removed, reordered): the level above them must be refreshed. */
  readonly experimentList: boolean;
  /** Experiments whose own row or list of runs changed. */
  readonly experiments: ReadonlySet<string>;
  /** Runs whose row changed (not counting runs that appeared or left: their experiment is in `experiments`). */
  readonly runs: ReadonlySet<string>;
  /** Sweeps whose own row or list of trials changed. */
  readonly sweeps: ReadonlySet<string>;
  /** Trials (`<sweep id>#<n>`) whose row changed, in sweeps not in `sweeps`. */
  readonly trials: ReadonlySet<string>;
}

export function diffTreeModels(before: TreeModel | undefined, after: TreeModel): TreeModelChanges {
  const experiments = new Set<string>();
  const runs = new Set<string>();
  const sweeps = new Set<string>();
  const trials = new Set<string>();
  if (!before) return { experimentList: true, experiments, runs, sweeps, trials };
  const experimentList = !sameList(before.experiments.map((e) => e.name), after.experiments.map((e) => e.name));
  const old = new Map(before.experiments.map((e) => [e.name, e]));
  for (const e of after.experiments) {
    const o = old.get(e.name);
    if (o && (o.description !== e.description || o.source !== e.source || !sameList(o.runs, e.runs) || !sameList(o.sweeps, e.sweeps))) experiments.add(e.name);
  }
  for (const [id, view] of after.sweeps) {
    const o = before.sweeps.get(id);
    if (!o) continue;
    if (!sameSweepRow(o, view)) sweeps.add(id);
    else view.trials.forEach((t, i) => {
      if (!sameTrial(o.trials[i], t)) trials.add(t.key);
    });
  }
  for (const [uid, view] of after.runs) {
    const o = before.runs.get(uid);
    if (o && !sameRun(o, view)) runs.add(uid);
  }
  return { experimentList, experiments, runs, sweeps, trials };
}

export function hasTreeChanges(c: TreeModelChanges): boolean {
  return c.experimentList || c.experiments.size > 0 || c.runs.size > 0 || c.sweeps.size > 0 || c.trials.size > 0;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameRun(a: RunView, b: RunView): boolean {
  return a.label === b.label && a.description === b.description && a.icon === b.icon && a.contextValue === b.contextValue
    && a.status === b.status && sameTooltip(a.tooltip, b.tooltip);
}

function sameTooltip(a: RunTooltip, b: RunTooltip): boolean {
  return (Object.keys(a) as Array<keyof RunTooltip>).every((k) => a[k] === b[k]);
}
