/**
 * A zoomed chart's finer points, shared by the compare view and the run page: the step range a
 * view asked for, put in order and its point budget bounded, then read through the index's min/max
 * pyramid (one neighbour past each end so the line reaches the view's sides). Each zoom asks again,
 * so zooming into a million-point series ends at its raw points.
 */
import type { ChartLine } from './chartLine';
import { MIN_LINE_POINTS } from './compare';
import type { IndexReads } from './worker/indexReads';

/** Fewest points a zoomed line is read with, whatever the view says (as few as a compared line gets). */
export const MIN_ZOOM_POINTS = MIN_LINE_POINTS;

/** A step range to read and how many points at most; both ends finite, `lo <= hi`. */
export interface ZoomWindow { readonly lo: number; readonly hi: number; readonly maxPoints: number }

/**
 * The window of a zoom from `from` to `to` (either order) with a budget of `wanted` points, never
 * more than `maxChartPoints` nor fewer than MIN_ZOOM_POINTS; undefined when an end or the budget
 * is not a finite number.
 */
export function zoomWindow(from: number, to: number, wanted: number, maxChartPoints: number): ZoomWindow | undefined {
  if (!Number.isFinite(from) || !Number.isFinite(to) || !Number.isFinite(wanted)) return undefined;
  const cap = Math.max(MIN_ZOOM_POINTS, Number.isFinite(maxChartPoints) ? Math.floor(maxChartPoints) : MIN_ZOOM_POINTS);
  return { lo: Math.min(from, to), hi: Math.max(from, to), maxPoints: Math.min(cap, Math.max(MIN_ZOOM_POINTS, Math.floor(wanted))) };
}

/** Series `seriesId`'s points in the window, raw when they fit its budget, else min/max buckets. */
export function zoomedLine(reads: Pick<IndexReads, 'chartLine'>, seriesId: number, w: ZoomWindow): Promise<ChartLine> {
  return reads.chartLine(seriesId, w.lo, w.hi, w.maxPoints, true);
}
