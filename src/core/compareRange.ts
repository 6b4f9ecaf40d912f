/**
 * A zoomed chart's finer data: each compared run's points of one metric within a step range,
 * read through the index's min/max pyramid at the budget of a whole chart line. Each zoom asks
 * again, so zooming into a million-point series ends at the raw points.
 */
import type { CompareSource, ComparedLine } from './compare';

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
