/**
 * A zoomed chart's finer data: each compared run's points of one metric within a step range,
 * reduced by the one downsampling function to the budget of a whole chart line. Each zoom asks
 * again, so zooming into a million-point series ends at the raw points.
 */
import type { CompareSource, ComparedLine } from './compare';
import { downsampleRange } from './downsample';

/** The lines of metric `key` between steps `lo` and `hi` (one neighbour past each end), for each run present. */
export function compareRange(sources: readonly CompareSource[], key: string, lo: number, hi: number, maxPoints: number): ComparedLine[] {
  const lines: ComparedLine[] = [];
  // `run` counts the runs present, as the compare payload does.
  let run = -1;
  for (const source of sources) {
    const row = source.store.getRun(source.uid);
    if (!row) continue;
    run++;
    const series = source.store.listSeries(row.id).find((s) => s.key === key);
    if (!series) continue;
    // The store reads from a step on; the points past `hi` are cut by downsampleRange.
    const pts = source.store.getPoints(series.id, Number.isFinite(lo) ? Math.max(0, Math.floor(lo) - 1) : 0);
    const drawn = downsampleRange(pts, lo, hi, maxPoints);
    lines.push({ run, steps: drawn.steps, values: drawn.values, times: drawn.times, total: series.count });
  }
  return lines;
}
