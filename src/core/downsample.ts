/**
 * Reduces a series for drawing while keeping its shape: the x range is cut into buckets and each
 * bucket keeps its first, lowest, highest and last point (in step order), so every spike and dip
 * survives, unlike averaging or LTTB which can drop extremes. NaN points are kept (one per bucket)
 * so gaps stay visible. This is the one downsampling function of Labbook: the run panel, the
 * compare view and its zoomed ranges all draw through it.
 */
export function downsampleIndices(steps: readonly number[], values: readonly number[], maxPoints: number, from = 0, to = steps.length): number[] {
  const n = to - from;
  if (n <= maxPoints || maxPoints < 5) return Array.from({ length: Math.max(0, n) }, (_, i) => from + i);
  const buckets = Math.max(1, Math.floor(maxPoints / 5));
  const lo = steps[from];
  const span = steps[to - 1] - lo + 1;
  const out: number[] = [];
  let i = from;
  for (let b = 0; b < buckets && i < to; b++) {
    const end = lo + (span * (b + 1)) / buckets;
    const first = i;
    let min = -1;
    let max = -1;
    let nan = -1;
    for (; i < to && (steps[i] < end || b === buckets - 1); i++) {
      const v = values[i];
      if (Number.isNaN(v)) {
        if (nan < 0) nan = i;
        continue;
      }
      if (min < 0 || v < values[min]) min = i;
      if (max < 0 || v > values[max]) max = i;
    }
    const last = i - 1;
    if (last < first) continue;
    const picks = [first, min, max, nan, last].filter((k) => k >= 0).sort((a, b2) => a - b2);
    let prev = -1;
    for (const k of picks) {
      if (k === prev) continue;
      out.push(k);
      prev = k;
    }
  }
  return out;
}

export function downsampleMinMax(steps: readonly number[], values: readonly number[], maxPoints: number): { steps: number[]; values: number[] } {
  const picked = downsampleIndices(steps, values, maxPoints);
  return { steps: picked.map((k) => steps[k]), values: picked.map((k) => values[k]) };
}

/** A series with the wall-clock time of each point (Unix seconds, NaN where unknown). */
export interface TimedPoints { readonly steps: readonly number[]; readonly values: readonly number[]; readonly times: readonly number[] }

/** First index whose step is at least `step` (steps ascending). */
export function lowerBound(steps: readonly number[], step: number): number {
  let a = 0;
  let b = steps.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (steps[m] < step) a = m + 1;
    else b = m;
  }
  return a;
}

/** First index whose step is above `step` (steps ascending). */
export function upperBound(steps: readonly number[], step: number): number {
  let a = 0;
  let b = steps.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (steps[m] <= step) a = m + 1;
    else b = m;
  }
  return a;
}

/**
 * The points of the step range `[lo, hi]`, with one neighbour on each side so the line reaches the
 * edges of the view, reduced to `maxPoints` by {@link downsampleIndices}. Zooming in far enough
 * yields the raw points.
 */
export function downsampleRange(pts: TimedPoints, lo: number, hi: number, maxPoints: number): { steps: number[]; values: number[]; times: number[] } {
  const from = Math.max(0, lowerBound(pts.steps, lo) - 1);
  const to = Math.min(pts.steps.length, upperBound(pts.steps, hi) + 1);
  const picked = to > from ? downsampleIndices(pts.steps, pts.values, maxPoints, from, to) : [];
  return { steps: picked.map((k) => pts.steps[k]), values: picked.map((k) => pts.values[k]), times: picked.map((k) => pts.times[k]) };
}
