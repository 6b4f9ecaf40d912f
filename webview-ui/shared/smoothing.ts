/**
 * Smoothing of a drawn line (the stored data never changes). Pure: no DOM, unit-tested against
 * TensorBoard's formula.
 *   ema      TensorBoard's exponential moving average, debiased so the first points are not pulled
 *            toward zero: last = last·w + (1−w)·y; smoothed = last / (1 − w^n) for the n-th finite point.
 *   timeEma  the same average where each point's weight decays with the x distance it covers, so
 *            unevenly logged steps (or wall time) are smoothed evenly: a = w^(Δx / median Δx),
 *            num = num·a + y, den = den·a + 1, smoothed = num / den. On even steps it equals `ema`.
 *   mean     running average of the last k points, k = round(1 / (1 − w)): the window whose
 *            memory matches the EMA of the same weight (w = 0.9 → 10 points).
 * NaN and ±Infinity points are passed through and do not enter the average; a constant line stays as it is.
 */
export type SmoothingKind = 'ema' | 'timeEma' | 'mean';

export const SMOOTHING_KINDS: ReadonlyArray<{ kind: SmoothingKind; label: string }> = [
  { kind: 'ema', label: 'EMA (TensorBoard)' },
  { kind: 'timeEma', label: 'Time-weighted EMA' },
  { kind: 'mean', label: 'Running average' },
];

/** TensorBoard's debiased exponential moving average with weight `w` in [0, 1). */
export function emaSmooth(ys: readonly number[], w: number): number[] {
  const constant = ys.every((v) => v === ys[0]);
  let last = 0;
  let n = 0;
  return ys.map((y) => {
    if (constant || !Number.isFinite(y)) return y;
    last = last * w + (1 - w) * y;
    n++;
    const debias = w === 1 ? 1 : 1 - Math.pow(w, n);
    return last / debias;
  });
}

/** The median distance between neighbouring x values (1 when there is none). */
function typicalGap(xs: readonly number[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[i - 1]) gaps.push(xs[i] - xs[i - 1]);
  if (gaps.length === 0) return 1;
  gaps.sort((a, b) => a - b);
  return gaps[gaps.length >> 1];
}

/** An EMA whose decay follows the x distance between points (see the file comment). */
export function timeWeightedEma(xs: readonly number[], ys: readonly number[], w: number): number[] {
  const n = xs.length;
  if (n === 0) return [];
  const constant = ys.every((v) => v === ys[0]);
  const meanGap = typicalGap(xs);
  let num = 0;
  let den = 0;
  let prevX = xs[0];
  return ys.map((y, i) => {
    if (constant || !Number.isFinite(y)) return y;
    const gap = meanGap > 0 ? (xs[i] - prevX) / meanGap : 1;
    const a = den === 0 ? 0 : Math.pow(w, Math.max(0, gap));
    num = num * a + y;
    den = den * a + 1;
    prevX = xs[i];
    return num / den;
  });
}

/** The running average of the last `window` finite points. */
export function runningMean(ys: readonly number[], window: number): number[] {
  const k = Math.max(1, Math.floor(window));
  const kept: number[] = [];
  let head = 0;
  let sum = 0;
  return ys.map((y) => {
    if (!Number.isFinite(y)) return y;
    kept.push(y);
    sum += y;
    if (kept.length - head > k) sum -= kept[head++];
    return sum / (kept.length - head);
  });
}

/** The window of the running average that matches weight `w`. */
export function windowFor(w: number): number {
  return Math.max(1, Math.round(1 / (1 - Math.min(w, 0.999))));
}

/** Smooths `ys` (at `xs`) with `kind` and weight `w`; w = 0 returns the line as it is. */
export function smooth(kind: SmoothingKind, xs: readonly number[], ys: readonly number[], w: number): number[] {
  if (w <= 0) return ys.slice();
  if (kind === 'timeEma') return timeWeightedEma(xs, ys, w);
  if (kind === 'mean') return runningMean(ys, windowFor(w));
  return emaSmooth(ys, w);
}
