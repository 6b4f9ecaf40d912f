/**
 * A zoomed chart's finer data: each compared run's points of one metric within a step range,
 * read as every zoomed chart is (see zoomRange.ts).
 */
import { MIN_LINE_POINTS, lineBudget, type CompareFeed, type CompareSource, type ComparedLine } from './compare';
import { zoomedLine, zoomWindow } from './zoomRange';
import type { ComparePanelToHost, HostToComparePanel } from '../protocol/comparePanel';

type RangeRequest = Extract<ComparePanelToHost, { type: 'range' }>;

/**
 * A zoomed chart's points within its step range, finer: the chart's budget shared by its lines, at
 * least MIN_LINE_POINTS a line. With the panel's `feed`, the runs and series of its last message
 * are read in one read per folder; without, each run is looked up.
 */
export async function answerRange(sources: readonly CompareSource[], m: RangeRequest, maxChartPoints: number, feed?: Pick<CompareFeed, 'range'>): Promise<HostToComparePanel> {
  const w = zoomWindow(m.lo, m.hi, lineBudget(maxChartPoints, sources.length, MIN_LINE_POINTS), maxChartPoints);
  const lines = w ? (await feed?.range(m.key, w.lo, w.hi, w.maxPoints)) ?? (await compareRange(sources, m.key, w.lo, w.hi, w.maxPoints)) : [];
  return { type: 'range', key: m.key, request: m.request, lines };
}

/** The lines of metric `key` between steps `lo` and `hi` (one neighbour past each end), for each run present. */
export async function compareRange(sources: readonly CompareSource[], key: string, lo: number, hi: number, maxPoints: number): Promise<ComparedLine[]> {
  const lines: ComparedLine[] = [];
  // `run` counts the runs present, as the compare payload does.
  let run = -1;
  for (const source of sources) {
    const row = await source.reads.getRun(source.uid);
    if (!row) continue;
    run++;
    const series = (await source.reads.listSeries(row.id)).find((s) => s.key === key);
    if (!series) continue;
    const drawn = await zoomedLine(source.reads, series.id, { lo, hi, maxPoints });
    lines.push({ run, steps: drawn.steps, values: drawn.values, times: drawn.times, total: series.count });
  }
  return lines;
}
