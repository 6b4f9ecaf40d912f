import * as assert from 'assert';

/**
 * Asserts that a reduced series keeps the shape of the original: every original point has, within
 * one bucket width of its step, a kept point at least as high and one at least as low. That holds
 * exactly when each bucket's minimum and maximum survive. `buckets` is how many equal parts the
 * step range is cut into.
 */
export function assertEnvelopeKept(steps: readonly number[], values: readonly number[], out: { steps: readonly number[]; values: readonly number[] }, buckets: number): void {
  const width = (steps[steps.length - 1] - steps[0] + 1) / buckets;
  let lo = 0;
  for (let i = 0; i < steps.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    while (lo < out.steps.length && out.steps[lo] < steps[i] - width) lo++;
    let above = false;
    let below = false;
    for (let k = lo; k < out.steps.length && out.steps[k] <= steps[i] + width; k++) {
      if (out.values[k] >= v) above = true;
      if (out.values[k] <= v) below = true;
    }
    assert.ok(above && below, `point ${i} (step ${steps[i]}, value ${v}) lost: no kept point ${above ? 'below' : 'above'} it within ${width} steps`);
  }
}
