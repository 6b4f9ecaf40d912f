/**
 * What the compare view shows for a set of runs, built from the index: the runs, the parameter
 * table, each metric's last value and range per run, and one chart per metric with a line per run
 * reduced to a drawing budget.
 */
import { compareContext, type CompareContext } from './compareContext';
import { paramDiff } from './diff';
import type { RunStatusValue } from './format/records';
import { runStatus, type LocalProcesses } from './status';
import type { IndexReads } from './worker/indexReads';
import { distinctRunColors } from './runsTable/columns';

/** What the compare view reads of an index (in this thread or in the index worker). */
export type CompareReads = Pick<IndexReads, 'getRun' | 'getParams' | 'listSeries' | 'getPoints' | 'chartLine' | 'getTags' | 'getEnv' | 'getDatasets'>;

/** A run to compare: the index that holds it, its uid and the workspace folder it belongs to. */
export interface CompareSource {
  readonly reads: CompareReads;
  readonly uid: string;
  /** Workspace folder name (shown only when the runs come from several folders). */
  readonly folder: string;
}

export interface CompareOptions {
  /** Unix seconds, for the heartbeat check. */
  readonly now: number;
  readonly heartbeatTimeoutSeconds: number;
  /** This machine's processes: a running run whose process here is gone shows as killed at once. */
  readonly local?: LocalProcesses;
  /** The `labbook.maxChartPoints` setting: points a chart may draw, over all its lines. */
  readonly maxChartPoints: number;
}

export interface ComparedRun {
  readonly id: string;
  readonly name: string;
  readonly project: string;
  readonly status: RunStatusValue;
  readonly folder: string;
  /**
   * The run's colour (an index into the chart palette): its colour in the runs table, unless a run
   * before it in the list has that one (see distinctRunColors); stable while other runs come and go.
   */
  readonly color: number;
  /** Unix seconds, for the "time since start" axis; null when unknown. */
  readonly startTime: number | null;
  readonly tags: string[];
}

export interface ComparedParam { readonly key: string; readonly values: Array<string | null>; readonly differs: boolean }
export interface ComparedMetric { readonly key: string; readonly last: Array<number | null>; readonly min: Array<number | null>; readonly max: Array<number | null> }
/** A run's line in one chart: steps, values and the wall time of each point (Unix seconds; null or NaN where unknown). */
export interface ComparedLine { readonly run: number; readonly steps: number[]; readonly values: number[]; readonly times: number[]; readonly total: number }
export interface ComparedSeries { readonly key: string; readonly lines: ComparedLine[] }

export interface ComparePayload {
  readonly runs: ComparedRun[];
  readonly params: ComparedParam[];
  readonly metrics: ComparedMetric[];
  readonly series: ComparedSeries[];
  readonly context: CompareContext;
}

/** How a parameter value is shown in the table. */
function display(v: unknown): string | null {
  if (v === undefined) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Most points one chart of many lines sends, in chart budgets (`labbook.maxChartPoints`). */
export const CHART_BUDGETS_PER_CHART = 4;
/** Fewest points a line is cut to (a zoom asks for finer ones). */
export const MIN_LINE_POINTS = 100;

/**
 * Points each line of a chart may draw: the chart's budget shared by its lines, counting at most
 * `countAtMost` lines so that a few runs do not cut every line to a few points; with many runs
 * (over 32 by default) the chart's points stay within CHART_BUDGETS_PER_CHART budgets, so that
 * 100 runs × 10 metrics stays a message the view takes in at once. Never below MIN_LINE_POINTS.
 */
export function lineBudget(maxChartPoints: number, lines: number, countAtMost = 8): number {
  const n = Math.max(lines, 1);
  const share = Math.floor(maxChartPoints / Math.min(n, countAtMost));
  return Math.max(MIN_LINE_POINTS, Math.min(share, Math.floor((CHART_BUDGETS_PER_CHART * maxChartPoints) / n)));
}

/** What the view already has of one line (a run's metric), to send only what is new. */
interface SentLine {
  readonly count: number;
  readonly lastStep: number | null;
  /** Sent downsampled: new points cannot simply be appended. */
  readonly reduced: boolean;
  readonly last: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

/** A line of an update: `append` says its points follow those sent before, else they replace them. */
export interface ComparedLineChange extends ComparedLine { readonly key: string; readonly append: boolean }

/** What changed since the last message: every chart key, and the lines that changed (others stay as sent). */
export interface CompareUpdate {
  readonly runs: ComparedRun[];
  readonly params: ComparedParam[];
  readonly metrics: ComparedMetric[];
  readonly keys: string[];
  readonly lines: ComparedLineChange[];
  readonly context: CompareContext;
}

/** The points of `pts` after `step` (the store reads from a step on, inclusive). */
function pointsAfter(pts: { steps: number[]; values: number[]; times: number[] }, step: number): { steps: number[]; values: number[]; times: number[] } {
  let i = 0;
  while (i < pts.steps.length && pts.steps[i] <= step) i++;
  return i === 0 ? pts : { steps: pts.steps.slice(i), values: pts.values.slice(i), times: pts.times.slice(i) };
}

/**
 * Builds what the compare view is sent for a fixed list of runs: everything first (`full`), then
 * only what changed (`next`): a run's metric that did not grow is neither read nor sent, one that
 * grew within its drawing budget sends just its new points. A line that had to be reduced is sent
 * again whole, reduced anew.
 */
export class CompareFeed {
  private readonly sent = new Map<string, SentLine>();
  private shape = '';
  private readonly colors: number[];

  constructor(private readonly sources: readonly CompareSource[]) {
    this.colors = distinctRunColors(sources.map((s) => s.uid));
  }

  /** Everything; undefined when fewer than two of the runs are left in their index. */
  async full(options: CompareOptions): Promise<ComparePayload | undefined> {
    this.sent.clear();
    const u = await this.collect(options, false);
    if (!u) return undefined;
    const byKey = new Map<string, ComparedLine[]>(u.keys.map((k) => [k, []]));
    for (const l of u.lines) byKey.get(l.key)!.push({ run: l.run, steps: l.steps, values: l.values, times: l.times, total: l.total });
    return { runs: u.runs, params: u.params, metrics: u.metrics, series: u.keys.map((key) => ({ key, lines: byKey.get(key)! })), context: u.context };
  }

  /**
   * What changed since the last call, or `{ full }` when the view must start over (a run gone,
   * a line shorter than before); undefined when fewer than two runs are left.
   */
  async next(options: CompareOptions): Promise<{ update: CompareUpdate } | { full: ComparePayload } | undefined> {
    const update = await this.collect(options, true);
    if (update) return { update };
    const full = await this.full(options);
    return full && { full };
  }

  private async collect(options: CompareOptions, incremental: boolean): Promise<CompareUpdate | undefined> {
    const rows = await Promise.all(this.sources.map((source) => source.reads.getRun(source.uid)));
    const present = this.sources.flatMap((source, i) => {
      const row = rows[i];
      return row ? [{ source, i, color: this.colors[i], row }] : [];
    });
    if (present.length < 2) return undefined;
    const budget = lineBudget(options.maxChartPoints, present.length);
    const shape = JSON.stringify([present.map((p) => p.i), budget]);
    if (incremental && shape !== this.shape) return undefined;
    this.shape = shape;
    const multiRoot = new Set(present.map((p) => p.source.folder)).size > 1;
    const [tags, allParams, allSeries] = await Promise.all([
      Promise.all(present.map(({ source, row }) => source.reads.getTags(row.id))),
      Promise.all(present.map(({ source, row }) => source.reads.getParams(row.id))),
      Promise.all(present.map(({ source, row }) => source.reads.listSeries(row.id))),
    ]);
    const runs: ComparedRun[] = present.map(({ source, row, color }, i) => ({
      id: source.uid,
      name: row.name,
      project: row.experiment,
      status: runStatus(row, options.now, options.heartbeatTimeoutSeconds, options.local),
      folder: multiRoot ? source.folder : '',
      color,
      startTime: row.startTime,
      tags: tags[i],
    }));
    const params = paramDiff(allParams).map((p) => ({ key: p.key, values: p.values.map(display), differs: p.differs }));
    const lines: ComparedLineChange[] = [];
    const stats = new Map<string, { last: Array<number | null>; min: Array<number | null>; max: Array<number | null> }>();
    const seen = new Set<string>();
    for (const [i, { source }] of present.entries()) {
      for (const s of allSeries[i]) {
        const id = `${source.uid}\n${s.key}`;
        seen.add(id);
        const before = this.sent.get(id);
        let now: SentLine;
        if (before && before.count === s.count && before.lastStep === s.lastStep) now = before;
        else {
          const grown = before && !before.reduced && before.lastStep !== null && s.count <= budget ? pointsAfter(await source.reads.getPoints(s.id, before.lastStep), before.lastStep) : undefined;
          if (before && grown && grown.steps.length === s.count - before.count) {
            now = { count: s.count, lastStep: s.lastStep, reduced: false, last: s.last ?? null, min: s.min ?? null, max: s.max ?? null };
            lines.push({ key: s.key, run: i, steps: grown.steps, values: grown.values, times: grown.times, total: s.count, append: true });
          } else {
            if (before && incremental && s.count < before.count) return undefined;
            // Read through the pyramid at the line's budget: never the whole series.
            const drawn = await source.reads.chartLine(s.id, -Infinity, Infinity, budget, false);
            now = { count: s.count, lastStep: s.lastStep, reduced: drawn.reduced, last: s.last ?? null, min: s.min ?? null, max: s.max ?? null };
            lines.push({ key: s.key, run: i, steps: drawn.steps, values: drawn.values, times: drawn.times, total: s.count, append: false });
          }
          this.sent.set(id, now);
        }
        const st = stats.get(s.key) ?? { last: present.map(() => null), min: present.map(() => null), max: present.map(() => null) };
        st.last[i] = now.last;
        st.min[i] = now.min;
        st.max[i] = now.max;
        stats.set(s.key, st);
      }
    }
    // A metric gone from a run (its log rewritten): start over.
    for (const id of this.sent.keys()) {
      if (seen.has(id)) continue;
      if (incremental) return undefined;
      this.sent.delete(id);
    }
    const keys = [...stats.keys()].sort((a, b) => a.localeCompare(b));
    const metrics = keys.map((key) => ({ key, ...stats.get(key)! }));
    const context = compareContext(await Promise.all(present.map(async ({ source, row }, i) => ({ env: await source.reads.getEnv(row.id), datasets: await source.reads.getDatasets(row.id), params: allParams[i] }))));
    return { runs, params, metrics, keys, lines, context };
  }
}

/**
 * The payload for the runs of `sources` still in their index; undefined when fewer than two are
 * left (nothing to compare). Metrics and charts are sorted by key.
 */
export function buildComparePayload(sources: readonly CompareSource[], options: CompareOptions): Promise<ComparePayload | undefined> {
  return new CompareFeed(sources).full(options);
}
