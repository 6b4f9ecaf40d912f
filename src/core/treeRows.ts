import type { RunRow } from './store/store';
import type { RunStatusValue } from './format/records';
import { runStatus, sourceLabel, type LocalProcesses } from './status';
import type { SweepSummary } from './sweeps/sweepState';
import { sameSweepRow, sameTrial, sweepView, type SweepView } from './sweeps/sweepRows';
import { trialRuns } from './sweeps/trialRuns';
import type { ExperimentMeta } from './organise/experimentFiles';
import { groupRuns, sameGroups, type GroupView } from './organise/runGroups';
import { DEFAULT_SORT, durationLabel, metricLabel, orderExperiments, orderRuns, RUN_PAGE, runningForLabel, type TreeSort } from './organise/runOrder';

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
  readonly starred: boolean;
  readonly tags: string;
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
  /** Runs not shown yet (a page at a time): a "Show more" row follows the runs. */
  readonly more: number;
  /** With a grouping ("Group By…"): its runs in groups, each paged on its own (`runs` then holds every shown run). */
  readonly groups?: readonly GroupView[];
  /** From its experiment file: what it is about, and whether it is archived. */
  readonly about: string;
  readonly archived: boolean;
  readonly contextValue: string;
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
  /** Experiments with a file (`_experiments/*.json`), by name: shown even without runs, with their description. */
  readonly experimentMeta?: ReadonlyMap<string, ExperimentMeta>;
  /** When set, only these runs are shown (the view's filter), and experiments with none of them are hidden. */
  readonly filter?: ReadonlySet<string>;
  readonly sort?: TreeSort;
  /** Last value of the sort metric of a run (for `sort.key === 'metric'`). */
  readonly sortMetric?: (uid: string) => number | undefined;
  /** The key metric shown in run rows: its name and each run's last value. */
  readonly keyMetric?: { readonly name: string; readonly value: (uid: string) => number | undefined };
  /** Tags of each run (shown as badges). */
  readonly tags?: (uid: string) => readonly string[];
  /** Runs shown per experiment (more with "Show more"); default RUN_PAGE. */
  readonly pageOf?: (experiment: string) => number;
  /** When set, runs are grouped by this value (undefined: the "(none)" group); see organise/runGroups.ts. */
  readonly groupOf?: (uid: string) => string | undefined;
  /** Runs shown per group (by experiment and group key); default RUN_PAGE. */
  readonly groupPageOf?: (experiment: string, key: string) => number;
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
  const sort = options.sort ?? DEFAULT_SORT;
  const meta = options.experimentMeta ?? new Map<string, ExperimentMeta>();
  const runs = new Map<string, RunView>();
  const shown = new Map<string, RunRow[]>();
  const statusOf = new Map<string, RunStatusValue>();
  for (const run of rows) {
    statusOf.set(run.uid, runStatus(run, options.now, options.heartbeatTimeoutSeconds, options.local));
    if (run.archived && !options.showArchived) continue;
    if (options.filter && !options.filter.has(run.uid)) continue;
    const list = shown.get(run.experiment);
    if (list) list.push(run);
    else shown.set(run.experiment, [run]);
  }
  const place = (run: RunRow, mixed: boolean, disambiguation: string | undefined) => {
    const status = statusOf.get(run.uid)!;
    const tags = options.tags?.(run.uid) ?? [];
    // The key metric first: the sidebar is narrow and cuts the end of a description.
    const parts = [keyMetric(run.uid, options), run.deleted ? 'deleted' : status === 'running' ? '' : status, timing(run, status, options.now),
      tags.slice(0, 3).map((t) => `[${t}]`).join(' ') + (tags.length > 3 ? ` +${tags.length - 3}` : ''),
      coarseAgo(run.lastActivity ?? run.startTime, options.now, options.dateLabel)];
    if (run.source !== 'labbook' && mixed) parts.unshift(sourceLabel(run.source));
    if (run.archived) parts.unshift('archived');
    if (run.starred) parts.unshift('★');
    // First: the sidebar is narrow and cuts the end of a description.
    if (disambiguation) parts.unshift(disambiguation);
    runs.set(run.uid, {
      uid: run.uid,
      label: run.name,
      description: parts.filter(Boolean).join(' · '),
      status,
      icon: run.deleted ? 'deleted' : run.archived ? 'archived' : status,
      contextValue: `run${run.source === 'labbook' ? '' : '.imported'}${run.archived ? '.archived' : ''}${run.starred ? '.starred' : ''}${status === 'running' ? '.running' : ''}`,
      tooltip: {
        name: run.name, status, description: run.description, source: run.source, deleted: run.deleted, uid: run.uid, folder: run.folder,
        startTime: run.startTime, points: run.status === 'running' ? null : run.pointCount, silent: status === 'killed' && run.status === 'running',
        starred: run.starred === true, tags: tags.join(', '),
      },
    });
  };
  const sweeps = new Map<string, SweepView>();
  const sweepsOf = new Map<string, string[]>();
  // A sweep's trials are listed under the sweep, not a second time in the experiment's runs.
  const trials = trialRuns(options.sweeps ?? [], rows, options.tags ?? (() => []));
  for (const summary of options.sweeps ?? []) {
    if (sweeps.has(summary.id)) continue;
    sweeps.set(summary.id, sweepView(summary, (uid) => statusOf.has(uid), (n) => trials.runOf(summary.id, n)));
    sweepsOf.set(summary.experiment, [...(sweepsOf.get(summary.experiment) ?? []), summary.id]);
    if (!shown.has(summary.experiment) && !options.filter) shown.set(summary.experiment, []);
  }
  // Experiments made in the sidebar or by the SDK's Client exist before their first run.
  for (const m of meta.values()) {
    if (shown.has(m.name) || options.filter || m.renamedTo || (m.archived && !options.showArchived)) continue;
    shown.set(m.name, []);
  }
  const drafts: Array<ExperimentView & { latest: number; best?: number; running: number }> = [];
  for (const [name, unordered] of shown) {
    const m = meta.get(name);
    if (m?.archived && !options.showArchived) continue;
    const list = orderRuns(unordered, sort, (uid) => statusOf.get(uid)!, options.sortMetric);
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
    if (m?.archived) description = `archived · ${description}`;
    const about = m?.description.split('\n')[0].trim() ?? '';
    if (about) description += ` · ${about.length > 60 ? `${about.slice(0, 59)}…` : about}`;
    const page = Math.max(1, options.pageOf?.(name) ?? RUN_PAGE);
    // The count above is every run of the experiment, trials included; the list holds the others.
    const listed = list.filter((r) => !trials.underSweep.has(r.uid));
    const metricValues = list.map((r) => options.sortMetric?.(r.uid)).filter((v): v is number => v !== undefined && !Number.isNaN(v));
    const groupOf = options.groupOf;
    const groups = groupOf && groupRuns(listed.map((r) => r.uid), groupOf, (key) => options.groupPageOf?.(name, key) ?? RUN_PAGE);
    drafts.push({
      name, description, source, sweeps: ownSweeps, groups,
      runs: groups ? groups.flatMap((g) => g.runs) : listed.slice(0, page).map((r) => r.uid),
      more: groups ? 0 : Math.max(0, listed.length - page),
      about: m?.description ?? '', archived: m?.archived === true, contextValue: `experiment${m?.archived ? '.archived' : ''}`,
      latest: Math.max(0, ...list.map((r) => r.startTime ?? 0), m?.created ?? 0), running,
      best: metricValues.length ? (sort.descending ? Math.max(...metricValues) : Math.min(...metricValues)) : undefined,
    });
  }
  // Until a sort is chosen, experiments are in name order (runs newest first).
  const experiments: ExperimentView[] = orderExperiments(drafts, !options.sort ? { key: 'name', descending: false } : sort.key === 'date' || sort.key === 'metric' ? sort : { key: sort.key, descending: false })
    .map(({ latest: _l, best: _b, running: _r, ...view }) => view);
  // Hidden (archived, filtered out, on a later page) runs still get a view: commands and pickers list them.
  for (const run of rows) if (!runs.has(run.uid)) place(run, false, undefined);
  const hiddenInGroups = (e: ExperimentView) => e.groups?.reduce((n, g) => n + g.more, 0) ?? 0;
  return { experiments, runs, shownRuns: experiments.reduce((n, e) => n + e.runs.length + e.more + hiddenInGroups(e), 0), sweeps };
}

/** How long a finished run took, or how long a running one has been going. */
function timing(run: RunRow, status: RunStatusValue, now: number): string {
  if (run.startTime === null) return '';
  if (status === 'running') return runningForLabel(now - run.startTime);
  const end = run.endTime ?? run.lastActivity;
  return end !== null && end >= run.startTime ? durationLabel(end - run.startTime) : '';
}

function keyMetric(uid: string, options: TreeModelOptions): string {
  const v = options.keyMetric?.value(uid);
  return v === undefined || !options.keyMetric ? '' : `${options.keyMetric.name} ${metricLabel(v)}`;
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
    if (o && (o.description !== e.description || o.source !== e.source || o.more !== e.more || o.about !== e.about || o.contextValue !== e.contextValue
      || !sameList(o.runs, e.runs) || !sameList(o.sweeps, e.sweeps) || !sameGroups(o.groups, e.groups))) experiments.add(e.name);
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
