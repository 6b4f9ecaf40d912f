/**
 * Reduces a series for drawing while keeping its shape: the x range is cut into buckets and each
 * bucket keeps its first, lowest, highest and last point (in step order), so every spike and dip
 * survives, unlike averaging or LTTB which can drop extremes. NaN points are kept (one per bucket)
 * so gaps stay visible.
 */
export function downsampleMinMax(steps: readonly number[], values: readonly number[], maxPoints: number): { steps: number[]; values: number[] } {
  const n = steps.length;
  if (n <= maxPoints || maxPoints < 5) return { steps: steps.slice(), values: values.slice() };
  const buckets = Math.max(1, Math.floor(maxPoints / 5));
  const lo = steps[0];
  const span = steps[n - 1] - lo + 1;
  const outSteps: number[] = [];
  const outValues: number[] = [];
  let i = 0;
  for (let b = 0; b < buckets && i < n; b++) {
    const end = lo + (span * (b + 1)) / buckets;
    const first = i;
    let min = -1;
    let max = -1;
    let nan = -1;
    for (; i < n && (steps[i] < end || b === buckets - 1); i++) {
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
      outSteps.push(steps[k]);
      outValues.push(values[k]);
      prev = k;
    }
  }
  return { steps: outSteps, values: outValues };
}
