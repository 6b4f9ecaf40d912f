/**
 * Where a wall-time range lies in a series stored by step: the step span a chart drawn against time
 * (system metrics) reads when zoomed, found by bisection over the time column of the stored points,
 * one chunk read per probe (about 2 × log2(count / 64) chunk reads, whatever the length).
 *
 * Bisection assumes that time does not go back as steps grow. That holds for system metrics (each
 * sample is taken on one clock, its step counts the samples) and for every importer's wall times.
 * Where it does not hold (a clock set back, two processes writing one series), each bisection still
 * ends where the time column crosses the view's edge, and the span is the steps between those two
 * places: one unbroken slice of the series. Its points whose time lies outside the view fall off the
 * chart's sides; points elsewhere whose time lies inside the view are not read, and are back in the
 * overview once the zoom is reset. A point whose time is unknown (NaN) takes the time of the nearest
 * known one in its chunk (the next one first); a chunk with no known time counts as earlier than any time.
 */
import { POINT_F64 } from './pyramid';

/** Points read at a time by a probe (the record files' chunk). */
export const PROBE_POINTS = 64;

/** Reads stored points `[from, to)` as interleaved (step, value, time) Float64s. */
export type PointReader = (from: number, to: number) => Float64Array;

/** First and last step of the points to read for a time range; `lo <= hi`. */
export interface StepSpan { readonly lo: number; readonly hi: number }

/** The time column of `count` stored points, read a chunk at a time (the last chunk kept). */
class TimeColumn {
  private chunk = -1;
  private pts: Float64Array = new Float64Array(0);

  constructor(private readonly read: PointReader, readonly count: number) {}

  private load(i: number): number {
    const c = Math.floor(i / PROBE_POINTS);
    if (c !== this.chunk) {
      this.pts = this.read(c * PROBE_POINTS, Math.min(this.count, (c + 1) * PROBE_POINTS));
      this.chunk = c;
    }
    return c * PROBE_POINTS;
  }

  /** Step of point `i`. */
  step(i: number): number {
    const base = this.load(i);
    return this.pts[(i - base) * POINT_F64];
  }

  /** Time that places point `i`: its own, else the nearest known one in its chunk (later first), else NaN. */
  time(i: number): number {
    const base = this.load(i);
    const n = this.pts.length / POINT_F64;
    for (let j = i - base; j < n; j++) if (!Number.isNaN(this.pts[j * POINT_F64 + 2])) return this.pts[j * POINT_F64 + 2];
    for (let j = i - base - 1; j >= 0; j--) if (!Number.isNaN(this.pts[j * POINT_F64 + 2])) return this.pts[j * POINT_F64 + 2];
    return NaN;
  }

  /** Index of the first point whose time is ≥ `t` (> `t` with `after`); `count` when there is none. */
  bisect(t: number, after: boolean): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const x = this.time(mid);
      // An unplaceable point (NaN) counts as earlier.
      const before = Number.isNaN(x) || (after ? x <= t : x < t);
      if (before) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * The steps to read for the points of `count` stored ones whose times lie in `[t0, t1]` (either
 * order): from the first such point to the last. When none lies inside (a view between two samples,
 * or past either end), the one or two points around the view, so that the line still crosses it.
 * Undefined for an empty series or an end that is not a number.
 */
export function stepSpanOfTimes(read: PointReader, count: number, t0: number, t1: number): StepSpan | undefined {
  if (count <= 0 || Number.isNaN(t0) || Number.isNaN(t1)) return undefined;
  const col = new TimeColumn(read, count);
  const first = col.bisect(Math.min(t0, t1), false);
  const end = col.bisect(Math.max(t0, t1), true);
  const clamp = (i: number) => Math.min(count - 1, Math.max(0, i));
  let a = clamp(Math.min(first, end));
  let b = clamp(Math.max(first, end) - 1);
  if (b < a) [a, b] = [clamp(a - 1), a];
  const lo = col.step(a);
  const hi = col.step(b);
  return { lo: Math.min(lo, hi), hi: Math.max(lo, hi) };
}
