/**
 * What the compare view shows for a set of runs, built from the index: the runs, the parameter
 * table, each metric's last value and range per run, and one chart per metric with a line per run
 * reduced to a drawing budget.
 */
import { compareContext, type CompareContext } from './compareContext';
import type { ChartLine } from './chartLine';
import type { CompareRunFacts } from './compareRuns';
import { paramDiff } from './diff';
import type { RunStatusValue } from './format/records';
import { runStatus, type LocalProcesses } from './status';
import type { IndexReads } from './worker/indexReads';
import { distinctRunColors } from './runsTable/columns';

/** What the compare view reads of an index (in this thread or in the index worker). */
export type CompareReads = Pick<IndexReads, 'compareRuns' | 'chartLines' | 'getRun' | 'listSeries' | 'getPoints' | 'chartLine'>;

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
  /** Every chart's key, in order. */
  readonly keys: string[];
  /** The lines of the charts sent now; the others' are sent when the view asks (`CompareFeed.load`). */
  readonly series: ComparedSeries[];
  readonly context: CompareContext;
}

/** How a parameter value is shown in the table. */
function display(v: unknown): string | null {
  if (v === undefined) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Fewest points a zoomed line is read with (see zoomRange.ts). */
export const MIN_LINE_POINTS = 100;
/**
 * Fewest points a compared line is drawn with before any zoom: 32 buckets, each its lowest and
 * highest point. With 100 runs on a chart a few hundred pixels wide, a line's bucket still spans
 * only a few pixels more than a line's width in a crowd of 100; a zoom reads finer points.
 */
export const MIN_OVERVIEW_POINTS = 64;

/**
 * Points each line of a chart may draw: the chart's budget (`labbook.maxChartPoints`) shared by its
 * lines, never fewer than `floor` a line. Every bucket keeps its lowest and highest point, so a
 * smaller share draws a coarser line but never hides a spike.
 */
export function lineBudget(maxChartPoints: number, lines: number, floor = MIN_OVERVIEW_POINTS): number {
  return Math.max(floor, Math.floor(maxChartPoints / Math.max(lines, 1)));
}

/**
 * Lines the first message draws: the first charts (in key order) up to this many lines, at least
 * one chart; the view asks for the others' lines as they scroll into view. Few runs: every chart.
 */
export const FIRST_MESSAGE_LINES = 240;

/**
 * Keys in the order the view shows their charts: in sections by the part before the first `/`
 * (keys without one in a section named `metrics`), sections by name, keys by name within them.
 */
export function shownOrder(keys: readonly string[]): string[] {
  const section = (key: string) => (key.indexOf('/') > 0 ? key.slice(0, key.indexOf('/')) : 'metrics');
  return [...keys].sort((a, b) => section(a).localeCompare(section(b)) || a.localeCompare(b));
}

/** The keys of the first charts shown (shownOrder) whose lines together stay within `maxLines` (at least the first chart). */
export function firstCharts(keys: readonly string[], linesOf: (key: string) => number, maxLines = FIRST_MESSAGE_LINES): string[] {
  const out: string[] = [];
  let lines = 0;
  for (const key of shownOrder(keys)) {
    const n = linesOf(key);
    if (out.length > 0 && lines + n > maxLines) break;
    out.push(key);
    lines += n;
  }
  return out;
}

/** What the view already has of one line (a run's metric), to send only what is new. */
interface SentLine {
  readonly count: number;
  readonly lastStep: number | null;
  /** Sent downsampled: new points cannot simply be appended. */
  readonly reduced: boolean;
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

type SeriesRow = CompareRunFacts['series'][number];
/** A compared run found in its index: where it is in the list asked for, its colour and what the index holds of it. */
interface Present { readonly source: CompareSource; readonly i: number; readonly color: number; readonly facts: CompareRunFacts }
/** A line to read whole: run `run` (an index into the runs present) and its series `s`. */
interface WholeRead { readonly run: number; readonly source: CompareSource; readonly s: SeriesRow }

/** The series of `wanted` drawn within `[lo, hi]` at most `maxPoints` each: one read of the index per folder, in the order asked. */
async function readLines(wanted: readonly WholeRead[], lo: number, hi: number, maxPoints: number, edges: boolean): Promise<ChartLine[]> {
  const byReads = new Map<CompareReads, number[]>();
  wanted.forEach((w, k) => byReads.set(w.source.reads, [...(byReads.get(w.source.reads) ?? []), k]));
  const out: ChartLine[] = new Array(wanted.length);
  await Promise.all([...byReads].map(async ([reads, ks]) => {
    const drawn = await reads.chartLines(ks.map((k) => wanted[k].s.id), lo, hi, maxPoints, edges);
    ks.forEach((k, j) => (out[k] = drawn[j]));
  }));
  return out;
}

/**
 * Builds what the compare view is sent for a fixed list of runs: everything first (`full`), then
 * only what changed (`next`): a run's metric that did not grow is neither read nor sent, one that
 * grew within its drawing budget sends just its new points. A line that had to be reduced is sent
 * again whole, reduced anew. With many runs only the first charts' lines come with everything
 * (FIRST_MESSAGE_LINES); the view asks for each other chart's (`load`) when it scrolls into view,
 * and from then on that chart's lines are kept up to date as the first ones are.
 */
export class CompareFeed {
  private readonly sent = new Map<string, SentLine>();
  private shape = '';
  private readonly colors: number[];
  /** Charts whose lines the view has (or is being sent). */
  private readonly loaded = new Set<string>();
  /** The runs and series of the last message, for `load`. */
  private last: { present: Present[]; series: SeriesRow[][]; budget: number } | undefined;

  constructor(private readonly sources: readonly CompareSource[]) {
    this.colors = distinctRunColors(sources.map((s) => s.uid));
  }

  /** A new view (nothing drawn yet): only the first charts are sent with the next `full`. */
  restart(): void {
    this.loaded.clear();
  }

  /** Everything; undefined when fewer than two of the runs are left in their index. */
  async full(options: CompareOptions): Promise<ComparePayload | undefined> {
    this.sent.clear();
    const u = await this.collect(options, false);
    if (!u) return undefined;
    const byKey = new Map<string, ComparedLine[]>();
    for (const l of u.lines) {
      const lines = byKey.get(l.key) ?? [];
      lines.push({ run: l.run, steps: l.steps, values: l.values, times: l.times, total: l.total });
      byKey.set(l.key, lines);
    }
    const series = u.keys.filter((key) => this.loaded.has(key)).map((key) => ({ key, lines: byKey.get(key) ?? [] }));
    return { runs: u.runs, params: u.params, metrics: u.metrics, keys: u.keys, series, context: u.context };
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

  /**
   * The lines of charts `keys` the view has not had yet (a chart scrolled into view), for the runs
   * and budget of the last message; from now on they are kept up to date. Keys already sent or
   * unknown give nothing.
   */
  async load(keys: readonly string[]): Promise<ComparedSeries[]> {
    const last = this.last;
    if (!last) return [];
    const known = new Set(last.series.flatMap((list) => list.map((s) => s.key)));
    const wanted = [...new Set(keys)].filter((key) => known.has(key) && !this.loaded.has(key));
    const out: ComparedSeries[] = [];
    for (const key of wanted) {
      this.loaded.add(key);
      const reads: WholeRead[] = last.present.flatMap(({ source }, run) => last.series[run].filter((s) => s.key === key).map((s) => ({ run, source, s })));
      out.push({ key, lines: await this.readWhole(reads, last.budget) });
    }
    return out;
  }

  /**
   * A zoomed chart's lines within steps `[lo, hi]` (one neighbour past each end), at most
   * `maxPoints` each, for the runs of the last message (one read per folder); undefined before
   * the first message.
   */
  async range(key: string, lo: number, hi: number, maxPoints: number): Promise<ComparedLine[] | undefined> {
    const last = this.last;
    if (!last) return undefined;
    const wanted: WholeRead[] = last.present.flatMap(({ source }, run) => last.series[run].filter((s) => s.key === key).map((s) => ({ run, source, s })));
    const drawn = await readLines(wanted, lo, hi, maxPoints, true);
    return drawn.map((d, k) => ({ run: wanted[k].run, steps: d.steps, values: d.values, times: d.times, total: wanted[k].s.count }));
  }

  /**
   * Lines read whole at `budget` through the pyramid (never all their points), one read of the
   * index per folder for all of them, each remembered as sent; in the order asked.
   */
  private async readWhole(wanted: readonly WholeRead[], budget: number): Promise<ComparedLine[]> {
    const drawn = await readLines(wanted, -Infinity, Infinity, budget, false);
    return drawn.map((d, k) => {
      const { run, source, s } = wanted[k];
      // Raw points say exactly what the view has (the series may have grown since it was listed).
      const count = d.reduced ? s.count : d.steps.length;
      const lastStep = d.reduced || count === 0 ? s.lastStep : d.steps[count - 1];
      this.sent.set(`${source.uid}\n${s.key}`, { count, lastStep, reduced: d.reduced });
      return { run, steps: d.steps, values: d.values, times: d.times, total: count };
    });
  }

  /** What the index holds of each compared run (null when gone), one read per folder. */
  private async facts(): Promise<Array<CompareRunFacts | null>> {
    const byReads = new Map<CompareReads, number[]>();
    this.sources.forEach((source, i) => byReads.set(source.reads, [...(byReads.get(source.reads) ?? []), i]));
    const out: Array<CompareRunFacts | null> = this.sources.map(() => null);
    await Promise.all([...byReads].map(async ([reads, is]) => {
      const facts = await reads.compareRuns(is.map((i) => this.sources[i].uid));
      is.forEach((i, k) => (out[i] = facts[k]));
    }));
    return out;
  }

  private async collect(options: CompareOptions, incremental: boolean): Promise<CompareUpdate | undefined> {
    const all = await this.facts();
    const present: Present[] = this.sources.flatMap((source, i) => {
      const facts = all[i];
      return facts ? [{ source, i, color: this.colors[i], facts }] : [];
    });
    if (present.length < 2) return undefined;
    const budget = lineBudget(options.maxChartPoints, present.length);
    const shape = JSON.stringify([present.map((p) => p.i), budget]);
    if (incremental && shape !== this.shape) return undefined;
    this.shape = shape;
    const multiRoot = new Set(present.map((p) => p.source.folder)).size > 1;
    const allParams = present.map((p) => p.facts.params);
    const allSeries = present.map((p) => p.facts.series);
    this.last = { present, series: allSeries, budget };
    const runs: ComparedRun[] = present.map(({ source, facts: { row, tags }, color }) => ({
      id: source.uid,
      name: row.name,
      project: row.experiment,
      status: runStatus(row, options.now, options.heartbeatTimeoutSeconds, options.local),
      folder: multiRoot ? source.folder : '',
      color,
      startTime: row.startTime,
      tags,
    }));
    const params = paramDiff(allParams).map((p) => ({ key: p.key, values: p.values.map(display), differs: p.differs }));
    const linesOf = new Map<string, number>();
    for (const list of allSeries) for (const s of list) linesOf.set(s.key, (linesOf.get(s.key) ?? 0) + 1);
    const keys = [...linesOf.keys()].sort((a, b) => a.localeCompare(b));
    for (const key of firstCharts(keys, (k) => linesOf.get(k)!)) this.loaded.add(key);
    const lines: ComparedLineChange[] = [];
    const whole: WholeRead[] = [];
    const stats = new Map<string, { last: Array<number | null>; min: Array<number | null>; max: Array<number | null> }>();
    const seen = new Set<string>();
    for (const [i, { source }] of present.entries()) {
      for (const s of allSeries[i]) {
        const st = stats.get(s.key) ?? { last: present.map(() => null), min: present.map(() => null), max: present.map(() => null) };
        st.last[i] = s.last ?? null;
        st.min[i] = s.min ?? null;
        st.max[i] = s.max ?? null;
        stats.set(s.key, st);
        // A chart the view has not asked for yet: its values only.
        if (!this.loaded.has(s.key)) continue;
        const id = `${source.uid}\n${s.key}`;
        seen.add(id);
        const before = this.sent.get(id);
        if (before && before.count === s.count && before.lastStep === s.lastStep) continue;
        const grown = before && !before.reduced && before.lastStep !== null && s.count <= budget ? pointsAfter(await source.reads.getPoints(s.id, before.lastStep), before.lastStep) : undefined;
        if (before && grown && grown.steps.length === s.count - before.count) {
          this.sent.set(id, { count: s.count, lastStep: s.lastStep, reduced: false });
          lines.push({ key: s.key, run: i, steps: grown.steps, values: grown.values, times: grown.times, total: s.count, append: true });
        } else {
          if (before && incremental && s.count < before.count) return undefined;
          whole.push({ run: i, source, s });
        }
      }
    }
    const read = await this.readWhole(whole, budget);
    read.forEach((l, k) => lines.push({ ...l, key: whole[k].s.key, append: false }));
    // A metric gone from a run (its log rewritten): start over.
    for (const id of this.sent.keys()) {
      if (seen.has(id)) continue;
      if (incremental) return undefined;
      this.sent.delete(id);
    }
    const metrics = keys.map((key) => ({ key, ...stats.get(key)! }));
    const context = compareContext(present.map(({ facts }) => ({ env: facts.env, datasets: facts.datasets, params: facts.params })));
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
