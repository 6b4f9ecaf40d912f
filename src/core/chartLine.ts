/**
 * A series read for drawing through the index's level-of-detail pyramid (`Store.getRange`): the raw
 * points of a step range when they fit the drawing budget, else buckets that each keep their lowest
 * and highest point (and first NaN), never more than the budget. Costs a few positioned reads
 * whatever the length of the series; the run panel, the compare view and its zoom all read this way.
 */
import type { Store } from './store/store';

export interface ChartLine {
  readonly steps: number[];
  readonly values: number[];
  /** Wall time of each point (Unix seconds, NaN where unknown; interpolated inside buckets). */
  readonly times: number[];
  /** Buckets rather than raw points: new points cannot simply be appended to it. */
  readonly reduced: boolean;
}

/**
 * The points of series `seriesId` with steps in `[lo, hi]` (pass `-Infinity, Infinity` for all),
 * at most `maxPoints` of them. With `edges`, one point more on each side of the range.
 */
export function readChartLine(store: Pick<Store, 'getRange'>, seriesId: number, lo: number, hi: number, maxPoints: number, edges = false): ChartLine {
  const budget = Math.max(3, Math.floor(maxPoints));
  // Raw when at most `budget` points; a bucket sends two points (min, max) and a third for a NaN.
  let r = store.getRange(seriesId, lo, hi, Math.floor(budget / 2), edges);
  if (r.bucket > 1 && r.steps.length > budget) r = store.getRange(seriesId, lo, hi, Math.floor(budget / 3), edges);
  return { steps: Array.from(r.steps), values: Array.from(r.values), times: Array.from(r.times), reduced: r.bucket > 1 };
}
