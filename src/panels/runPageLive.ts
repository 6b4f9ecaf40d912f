// What the run page holds of each of a run's series, and what to send it when the index changes.
// No `vscode` here: tested directly with an in-process index.
import type { IndexReads } from '../core/worker/indexReads';
import type { SeriesData } from '../protocol/runPanel';
import { seriesForPage } from './runPageSeries';

/** What the page holds of one series: its last step, and how many points. */
interface Held { lastStep: number; count: number; reduced: boolean }

/**
 * What to send after a change: `resend` when the page must be given everything again (a series
 * gone, or points written inside what it drew); else new points to add at the end of series
 * (`append`, which also brings new series) and series to draw anew (`replace`).
 */
export type LiveUpdate = { readonly resend: true } | { readonly resend: false; readonly append: SeriesData[]; readonly replace: SeriesData[] };

/** One run page's series: the first full read, then only what each change appended. */
export class LiveSeries {
  private readonly held = new Map<string, Held>();

  /** Every series of the run, each read through its min/max pyramid at the chart budget `max`. */
  async full(reads: IndexReads, runId: number, max: number): Promise<SeriesData[]> {
    const list = await reads.listSeries(runId);
    const lines = await Promise.all(list.map((s) => reads.chartLine(s.id, -Infinity, Infinity, max, false)));
    this.held.clear();
    return list.map((s, i) => {
      const { data, reduced } = seriesForPage(s.key, lines[i], s.count, max);
      this.held.set(s.key, { lastStep: data.steps.length ? data.steps[data.steps.length - 1] : -1, count: data.steps.length, reduced });
      return data;
    });
  }

  /** What to send for `points` (series key → first step written) of run `runId`. */
  async next(reads: IndexReads, runId: number, points: ReadonlyMap<string, number>, max: number): Promise<LiveUpdate> {
    const seriesByKey = new Map((await reads.listSeries(runId)).map((s) => [s.key, s]));
    const append: SeriesData[] = [];
    for (const [key, fromStep] of points) {
      const sent = this.held.get(key);
      const s = seriesByKey.get(key);
      // Points inside what was already drawn, or a series that grew past the drawing budget: send it all again.
      if (!s || (sent && (fromStep <= sent.lastStep || sent.reduced || s.count > max))) return { resend: true };
      const pts = await reads.getPoints(s.id, fromStep);
      if (pts.steps.length === 0) continue;
      this.held.set(key, { lastStep: pts.steps[pts.steps.length - 1], count: (sent?.count ?? 0) + pts.steps.length, reduced: false });
      append.push(seriesForPage(key, pts, s.count, Infinity).data);
    }
    return { resend: false, append, replace: [] };
  }
}
