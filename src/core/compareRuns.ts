/**
 * What the compare view reads of its runs, in as few trips to the index as it can: everything it
 * shows of each run (row, tags, params, its series, environment and datasets) in one read, and the
 * drawn lines of many series in one read. Through the index worker each read is one message each
 * way, so opening a comparison of 100 runs costs a few round-trips instead of a thousand.
 */
import { readChartLine, type ChartLine } from './chartLine';
import type { Store } from './store/store';
import type { DatasetRow, RunRow, SeriesRow } from './store/storeRows';

/** One compared run as the index holds it. */
export interface CompareRunFacts {
  readonly row: RunRow;
  readonly tags: string[];
  readonly params: Record<string, unknown>;
  readonly series: SeriesRow[];
  readonly env: Record<string, unknown>;
  readonly datasets: DatasetRow[];
}

/** The facts of each run of `uids` (null for a run not in the index), in the order asked. */
export function compareRunFacts(store: Store, uids: readonly string[]): Array<CompareRunFacts | null> {
  const rows = new Map(store.getRuns(uids).map((r) => [r.uid, r]));
  return uids.map((uid) => {
    const row = rows.get(uid);
    if (!row) return null;
    return { row, tags: store.getTags(row.id), params: store.getParams(row.id), series: store.listSeries(row.id), env: store.getEnv(row.id), datasets: store.getDatasets(row.id) };
  });
}

/** The lines of series `ids` within steps `[lo, hi]`, each at most `maxPoints` (see readChartLine), in the order asked. */
export function chartLines(store: Pick<Store, 'getRange'>, ids: readonly number[], lo: number, hi: number, maxPoints: number, edges: boolean): ChartLine[] {
  return ids.map((id) => readChartLine(store, id, lo, hi, maxPoints, edges));
}
