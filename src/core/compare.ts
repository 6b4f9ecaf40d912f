/**
 * What the compare view shows for a set of runs, built from the index: the runs, the parameter
 * table, each metric's last value and range per run, and one chart per metric with a line per run
 * reduced to a drawing budget.
 */
import { downsampleMinMax } from './downsample';
import { paramDiff } from './diff';
import type { RunStatusValue } from './format/records';
import { effectiveStatus, silenceTimeout } from './status';
import type { Store } from './store/store';

/** A run to compare: the index that holds it, its uid and the workspace folder it belongs to. */
export interface CompareSource {
  readonly store: Pick<Store, 'getRun' | 'getParams' | 'listSeries' | 'getPoints'>;
  readonly uid: string;
  /** Workspace folder name (shown only when the runs come from several folders). */
  readonly folder: string;
}

export interface CompareOptions {
  /** Unix seconds, for the heartbeat check. */
  readonly now: number;
  readonly heartbeatTimeoutSeconds: number;
  /** The `labbook.maxChartPoints` setting: points a chart may draw, over all its lines. */
  readonly maxChartPoints: number;
}

export interface ComparedRun {
  readonly id: string;
  readonly name: string;
  readonly project: string;
  readonly status: RunStatusValue;
  readonly folder: string;
  /** Position of the run in the list asked for: its colour, stable while other runs come and go. */
  readonly color: number;
}

export interface ComparedParam { readonly key: string; readonly values: Array<string | null>; readonly differs: boolean }
export interface ComparedMetric { readonly key: string; readonly last: Array<number | null>; readonly min: Array<number | null>; readonly max: Array<number | null> }
export interface ComparedLine { readonly run: number; readonly steps: number[]; readonly values: number[]; readonly total: number }
export interface ComparedSeries { readonly key: string; readonly lines: ComparedLine[] }

export interface ComparePayload {
  readonly runs: ComparedRun[];
  readonly params: ComparedParam[];
  readonly metrics: ComparedMetric[];
  readonly series: ComparedSeries[];
}

/** How a parameter value is shown in the table. */
function display(v: unknown): string | null {
  if (v === undefined) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/**
 * Points each line of a chart may draw: the chart's budget shared by its lines (counting at most
 * eight, so that many runs do not cut every line to a few points), never below 200.
 */
export function lineBudget(maxChartPoints: number, lines: number): number {
  return Math.max(200, Math.floor(maxChartPoints / Math.min(Math.max(lines, 1), 8)));
}

/**
 * The payload for the runs of `sources` still in their index; undefined when fewer than two are
 * left (nothing to compare). Metrics and charts are sorted by key.
 */
export function buildComparePayload(sources: readonly CompareSource[], options: CompareOptions): ComparePayload | undefined {
  const present = sources.flatMap((source, color) => {
    const row = source.store.getRun(source.uid);
    return row ? [{ source, color, row }] : [];
  });
  if (present.length < 2) return undefined;
  const multiRoot = new Set(present.map((p) => p.source.folder)).size > 1;
  const runs: ComparedRun[] = present.map(({ source, row, color }) => ({
    id: source.uid,
    name: row.name,
    project: row.experiment,
    status: effectiveStatus(row.status, row.lastActivity, options.now, silenceTimeout(row.source, options.heartbeatTimeoutSeconds), row.source),
    folder: multiRoot ? source.folder : '',
    color,
  }));
  const params = paramDiff(present.map(({ source, row }) => source.store.getParams(row.id))).map((p) => ({ key: p.key, values: p.values.map(display), differs: p.differs }));
  const budget = lineBudget(options.maxChartPoints, present.length);
  const byKey = new Map<string, ComparedLine[]>();
  const stats = new Map<string, { last: Array<number | null>; min: Array<number | null>; max: Array<number | null> }>();
  present.forEach(({ source, row }, i) => {
    for (const s of source.store.listSeries(row.id)) {
      const pts = source.store.getPoints(s.id);
      const st = stats.get(s.key) ?? { last: present.map(() => null), min: present.map(() => null), max: present.map(() => null) };
      let lowest = Infinity;
      let highest = -Infinity;
      for (const v of pts.values) {
        if (v < lowest) lowest = v;
        if (v > highest) highest = v;
      }
      st.last[i] = pts.values.length ? pts.values[pts.values.length - 1] : null;
      st.min[i] = lowest <= highest ? lowest : null;
      st.max[i] = lowest <= highest ? highest : null;
      stats.set(s.key, st);
      const { steps, values } = downsampleMinMax(pts.steps, pts.values, budget);
      const lines = byKey.get(s.key) ?? [];
      lines.push({ run: i, steps, values, total: s.count });
      byKey.set(s.key, lines);
    }
  });
  const series = [...byKey].sort(([a], [b]) => a.localeCompare(b)).map(([key, lines]) => ({ key, lines }));
  const metrics = [...stats].sort(([a], [b]) => a.localeCompare(b)).map(([key, st]) => ({ key, ...st }));
  return { runs, params, metrics, series };
}
