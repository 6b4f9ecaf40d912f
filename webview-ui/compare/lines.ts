/**
 * The lines one chart of the compare view draws, from what the host sent and what the user chose:
 * the x axis, smoothing (raw line faint behind), grouping (mean line with a band), hidden and
 * brushed-out runs. No DOM.
 */
import type { CompareRun } from '../../src/protocol/comparePanel';
import type { Point } from '../shared/charts';
import { groupBand, groupLabel, type GroupBy } from '../shared/grouping';
import { paletteColor } from '../shared/palette';
import { smooth, type SmoothingKind } from '../shared/smoothing';
import { xValues, type XAxisChoice } from '../shared/xAxis';
import type { DrawnLine } from './lineChart';

/** A run's points of one metric as the view holds them. */
export interface HeldLine { steps: number[]; values: number[]; times: Array<number | null>; total: number }

export interface LineOptions {
  readonly xAxis: XAxisChoice;
  readonly smoothing: SmoothingKind;
  readonly weight: number;
  readonly groupBy: GroupBy;
  readonly band: 'minmax' | 'std';
  readonly logY: boolean;
}

export interface RunGroup { readonly label: string; readonly color: string; readonly runs: number[] }

/** The groups of the shown runs (in order of their first run), each in its first run's colour. */
export function groupRuns(runs: readonly CompareRun[], shown: readonly number[], by: GroupBy, paramOf: (run: number) => string | null): RunGroup[] {
  const groups = new Map<string, number[]>();
  for (const i of shown) {
    const label = groupLabel(by, runs[i], by.kind === 'param' ? paramOf(i) : null);
    const list = groups.get(label);
    if (list) list.push(i);
    else groups.set(label, [i]);
  }
  return [...groups].map(([label, members]) => ({ label, color: paletteColor(runs[members[0]].color), runs: members }));
}

/** A run's points on the chosen x axis, sorted by x, with the x-less points left out. */
export function placedPoints(line: HeldLine, run: CompareRun, xAxis: XAxisChoice, xMetric: HeldLine | undefined, logY: boolean): { xs: number[]; ys: number[] } {
  const xs = xValues(xAxis, line, run.startTime, xMetric);
  const order: number[] = [];
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i])) order.push(i);
  let sorted = true;
  for (let k = 1; k < order.length && sorted; k++) sorted = xs[order[k]] >= xs[order[k - 1]];
  if (!sorted) order.sort((a, b) => xs[a] - xs[b] || a - b);
  // On a log y axis, values at or below zero cannot be drawn: gaps.
  const y = (v: number | null) => (v === null || !Number.isFinite(v) || (logY && v <= 0) ? NaN : v);
  return { xs: order.map((i) => xs[i]), ys: order.map((i) => y(line.values[i])) };
}

const toPoints = (xs: readonly number[], ys: readonly number[]): Point[] => xs.map((x, i) => ({ x, y: ys[i] }));

/**
 * The datasets of one chart. `lines` are the metric's lines by run index, `xMetric` the x metric's
 * lines (for an x axis of another metric), `shown` the runs not hidden or brushed out.
 */
export function chartLines(lines: ReadonlyMap<number, HeldLine>, runs: readonly CompareRun[], shown: readonly number[], o: LineOptions, paramOf: (run: number) => string | null, xMetric?: ReadonlyMap<number, HeldLine>): DrawnLine[] {
  const placed = new Map<number, { xs: number[]; ys: number[]; smoothed: number[] }>();
  for (const i of shown) {
    const l = lines.get(i);
    if (!l) continue;
    const p = placedPoints(l, runs[i], o.xAxis, xMetric?.get(i), o.logY);
    placed.set(i, { ...p, smoothed: smooth(o.smoothing, p.xs, p.ys, o.weight) });
  }
  const out: DrawnLine[] = [];
  if (o.groupBy.kind === 'none') {
    for (const [i, p] of placed) {
      const r = runs[i];
      const color = paletteColor(r.color);
      if (o.weight > 0) out.push({ id: r.id, label: r.name, color, role: 'raw', points: toPoints(p.xs, p.ys) });
      out.push({ id: r.id, label: r.name, color, role: 'line', points: toPoints(p.xs, p.smoothed) });
    }
    return out;
  }
  for (const g of groupRuns(runs, shown.filter((i) => placed.has(i)), o.groupBy, paramOf)) {
    const band = groupBand(g.runs.map((i) => ({ xs: placed.get(i)!.xs, ys: placed.get(i)!.smoothed })));
    const id = `group:${g.label}`;
    const label = `${g.label} (${g.runs.length} run${g.runs.length === 1 ? '' : 's'})`;
    const hi = o.band === 'std' ? band.mean.map((m, k) => m + band.std[k]) : band.max;
    const lo = o.band === 'std' ? band.mean.map((m, k) => m - band.std[k]) : band.min;
    if (g.runs.length > 1) {
      out.push({ id, label, color: g.color, role: 'bandHi', points: toPoints(band.xs, hi) });
      out.push({ id, label, color: g.color, role: 'bandLo', points: toPoints(band.xs, lo) });
    }
    out.push({ id, label, color: g.color, role: 'line', points: toPoints(band.xs, band.mean) });
  }
  return out;
}
