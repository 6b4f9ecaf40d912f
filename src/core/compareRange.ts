/**
 * A zoomed chart's finer data: each compared run's points of one metric within a step range,
 * read through the index's min/max pyramid at the budget of a whole chart line. Each zoom asks
 * again, so zooming into a million-point series ends at the raw points.
 */
import { lineBudget, type CompareSource, type ComparedLine } from './compare';
import type { ComparePanelToHost, HostToComparePanel } from '../protocol/comparePanel';

type RangeRequest = Extract<ComparePanelToHost, { type: 'range' }>;

/** A zoomed chart's points within its step range, finer: a whole chart's budget per line, as the run panel draws one line. */
export async function answerRange(sources: readonly CompareSource[], m: RangeRequest, maxChartPoints: number): Promise<HostToComparePanel> {
  const lo = Math.min(m.lo, m.hi);
  const hi = Math.max(m.lo, m.hi);
  const perLine = lineBudget(maxChartPoints, sources.length, 4);
  return { type: 'range', key: m.key, request: m.request, lines: await compareRange(sources, m.key, lo, hi, perLine) };
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
    // Through the pyramid, with one neighbour past each end so the line reaches the view's sides.
    const drawn = await source.reads.chartLine(series.id, lo, hi, maxPoints, true);
    lines.push({ run, steps: drawn.steps, values: drawn.values, times: drawn.times, total: series.count });
  }
  return lines;
}
