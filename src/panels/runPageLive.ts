// What the run page holds of each of a run's series, and what to send it when the index changes.
// No `vscode` here: tested directly with an in-process index.
import type { IndexReads } from '../core/worker/indexReads';
import type { SeriesData } from '../protocol/runPanel';
import { seriesForPage } from './runPageSeries';

/** What the page holds of one series: its last step, and how many points. */
interface Held { lastStep: number; count: number }

/**
 * What to send after a change: `resend` when the page must be given everything again (a series
 * gone, or points written inside what it drew); else new points to add at the end of series
 * (`append`, which also brings new series) and series to draw anew (`replace`).
 */
export type LiveUpdate = { readonly resend: true } | { readonly resend: false; readonly append: SeriesData[]; readonly replace: SeriesData[] };

/**
 * One run page's series: the first full read, then only what each change appended, however long
 * the run. A long series is drawn reduced and its new points are added raw at its end; once the page
 * holds half a budget more than the budget, that series is drawn anew through its min/max pyramid
 * (a few reads, whatever its length).
 */
export class LiveSeries {
  private readonly held = new Map<string, Held>();

  /** Every series of the run, each read through its min/max pyramid at the chart budget `max`. */
  async full(reads: IndexReads, runId: number, max: number): Promise<SeriesData[]> {
    const list = await reads.listSeries(runId);
    const lines = await Promise.all(list.map((s) => reads.chartLine(s.id, -Infinity, Infinity, max, false)));
    this.held.clear();
    return list.map((s, i) => this.hold(seriesForPage(s.key, lines[i], s.count, max).data));
  }

  /** What to send for `points` (series key → first step written) of run `runId`. */
  async next(reads: IndexReads, runId: number, points: ReadonlyMap<string, number>, max: number): Promise<LiveUpdate> {
    const seriesByKey = new Map((await reads.listSeries(runId)).map((s) => [s.key, s]));
    const wanted = [];
    for (const [key, fromStep] of points) {
      const s = seriesByKey.get(key);
      const held = this.held.get(key);
      // A series gone, or points inside what the page drew: it cannot simply add them.
      if (!s || (held && fromStep <= held.lastStep)) return { resend: true };
      wanted.push({ s, held, fromStep });
    }
    // Every series' new points at once (one round of reads, not one after another).
    const read = await Promise.all(wanted.map((w) => reads.getPoints(w.s.id, w.fromStep)));
    const append: SeriesData[] = [];
    const replace: SeriesData[] = [];
    for (const [i, { s, held }] of wanted.entries()) {
      const pts = read[i];
      if (pts.steps.length === 0) continue;
      const data = seriesForPage(s.key, pts, s.count, max).data;
      if (!held) append.push(this.hold(data));
      else if (held.count + data.steps.length <= max * 1.5) {
        this.held.set(s.key, { lastStep: data.steps[data.steps.length - 1], count: held.count + data.steps.length });
        append.push(data);
      } else {
        const line = await reads.chartLine(s.id, -Infinity, Infinity, max, false);
        replace.push(this.hold(seriesForPage(s.key, line, s.count, max).data));
      }
    }
    return { resend: false, append, replace };
  }

  /** Notes what the page holds of a series sent whole. */
  private hold(data: SeriesData): SeriesData {
    this.held.set(data.key, { lastStep: data.steps.length ? data.steps[data.steps.length - 1] : -1, count: data.steps.length });
    return data;
  }
}
