/**
 * A zoomed chart's finer data: each compared run's points of one metric within a step range,
 * read as every zoomed chart is (see zoomRange.ts).
 */
import type { CompareSource, ComparedLine } from './compare';
import { zoomedLine } from './zoomRange';

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
