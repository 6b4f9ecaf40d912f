import { zoomedLine, zoomWindow } from '../core/zoomRange';
import type { IndexReads } from '../core/worker/indexReads';
import type { HostToRunPanel, RunPanelToHost } from '../protocol/runPanel';
import { seriesForPage } from './runPageSeries';

type RangeRequest = Extract<RunPanelToHost, { type: 'range' | 'timeRange' }>;
type RangeAnswer = Extract<HostToRunPanel, { type: 'range' }>;

/** Points a zoomed chart gets per CSS pixel of its width: a bucket's lowest and highest point. */
const POINTS_PER_PIXEL = 2;

/**
 * The answer to a run page chart zoomed to a step range (`range`) or, for a chart drawn against
 * time, a wall-time range in Unix milliseconds (`timeRange`, first turned into the steps of the
 * points inside it, see core/series/timeSpan.ts): the series' points there, as min/max buckets of
 * about two per pixel of the chart (never more than `maxChartPoints`), raw once the range holds no
 * more than that. An unknown key or a range that is not one gets an error instead.
 */
export async function answerRunRange(reads: Pick<IndexReads, 'listSeries' | 'chartLine' | 'getTimeSpan'>, runId: number, m: RangeRequest, maxChartPoints: number): Promise<RangeAnswer> {
  const { requestId, key } = m;
  const asked = zoomWindow(m.from, m.to, m.width * POINTS_PER_PIXEL, maxChartPoints);
  if (!asked) return { type: 'range', requestId, key, error: m.type === 'range' ? 'not a step range' : 'not a time range' };
  const series = (await reads.listSeries(runId)).find((s) => s.key === key);
  if (!series) return { type: 'range', requestId, key, error: 'the run has no such metric' };
  let w = asked;
  if (m.type === 'timeRange') {
    const span = await reads.getTimeSpan(series.id, asked.lo / 1000, asked.hi / 1000);
    if (!span) return { type: 'range', requestId, key, series: { key, steps: [], values: [], total: series.count, times: [] } };
    w = { ...asked, lo: span.lo, hi: span.hi };
  }
  const line = await zoomedLine(reads, series.id, w);
  return { type: 'range', requestId, key, series: seriesForPage(key, line, series.count, Infinity).data };
}
