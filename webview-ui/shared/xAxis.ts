/**
 * What a chart's x axis measures, and how a line's points are placed on it. Pure: no DOM.
 *   step      the step each point was logged at
 *   wall      the wall-clock time of each point (Unix seconds)
 *   relative  seconds since the run started (its start time, else its first point)
 *   metric    another metric of the same run (`epoch`, `tokens_seen`) at the point's step: linear
 *             between its two logged values around that step, its last value after its last step,
 *             none before its first
 */
export type XAxisKind = 'step' | 'wall' | 'relative' | 'metric';
export interface XAxisChoice { readonly kind: XAxisKind; /** The metric, for `metric`. */ readonly metric?: string }

/** A line as sent: steps, and wall times (null or NaN where unknown). */
export interface TimedLine { readonly steps: readonly number[]; readonly times: ReadonlyArray<number | null> }
export interface SteppedValues { readonly steps: readonly number[]; readonly values: readonly number[] }

const num = (v: number | null | undefined): number => (typeof v === 'number' ? v : NaN);

/**
 * The x of each point of `line` (NaN where it has none: no time logged, or a step before the x
 * metric's first point). `startTime` is the run's; `xMetric` is the run's line of the x metric.
 */
export function xValues(choice: XAxisChoice, line: TimedLine, startTime: number | null, xMetric?: SteppedValues): number[] {
  const n = line.steps.length;
  if (choice.kind === 'step') return line.steps.slice();
  if (choice.kind === 'wall') return Array.from({ length: n }, (_, i) => num(line.times[i]));
  if (choice.kind === 'relative') {
    let t0 = startTime ?? NaN;
    if (!Number.isFinite(t0)) for (let i = 0; i < n && !Number.isFinite(t0); i++) t0 = num(line.times[i]);
    return Array.from({ length: n }, (_, i) => num(line.times[i]) - t0);
  }
  const out = new Array<number>(n).fill(NaN);
  if (!xMetric) return out;
  // Both step lists ascend: one walk.
  let j = -1;
  for (let i = 0; i < n; i++) {
    while (j + 1 < xMetric.steps.length && xMetric.steps[j + 1] <= line.steps[i]) j++;
    if (j < 0) continue;
    // Between two logged values: linear, so steps within an epoch get fractional epochs.
    const s0 = xMetric.steps[j];
    const next = j + 1 < xMetric.steps.length ? j + 1 : -1;
    const v0 = xMetric.values[j];
    out[i] = next < 0 || s0 === line.steps[i] ? v0 : v0 + ((line.steps[i] - s0) / (xMetric.steps[next] - s0)) * (xMetric.values[next] - v0);
  }
  return out;
}

/**
 * The steps a zoomed view covers: the lowest and highest step of the points whose x lies in
 * `[a, b]`, widened to their neighbours outside it; undefined when no point lies in it.
 */
export function stepSpan(xs: readonly number[], steps: readonly number[], a: number, b: number): { lo: number; hi: number } | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    if (!(xs[i] >= a && xs[i] <= b)) continue;
    lo = Math.min(lo, steps[Math.max(0, i - 1)]);
    hi = Math.max(hi, steps[Math.min(steps.length - 1, i + 1)]);
  }
  return lo <= hi ? { lo, hi } : undefined;
}

/** Tick text of an x value. */
export function formatX(kind: XAxisKind, v: number): string {
  if (kind === 'wall') {
    const d = new Date(v * 1000);
    const p = (k: number) => String(k).padStart(2, '0');
    return `${d.getMonth() + 1}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  }
  if (kind === 'relative') return formatDuration(v);
  return formatAxisNumber(v);
}

/**
 * A step or metric value on an axis: `2,500,000` with separators; a zoomed axis's fractional edges
 * from 1,000 up as whole numbers (`49,746`, not `49,746.1`); small fractions with 4 significant digits.
 */
export function formatAxisNumber(v: number): string {
  if (!Number.isFinite(v)) return '';
  if (Number.isInteger(v) || Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  return String(Number(v.toPrecision(4)));
}

/** Seconds as `45s`, `12m05s`, `3h02m`. */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '';
  const sign = s < 0 ? '-' : '';
  const a = Math.abs(s);
  if (a < 60) return `${sign}${Number(a.toPrecision(3))}s`;
  const m = Math.floor(a / 60);
  if (m < 60) return `${sign}${m}m${String(Math.floor(a % 60)).padStart(2, '0')}s`;
  return `${sign}${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function xAxisTitle(choice: XAxisChoice): string {
  if (choice.kind === 'wall') return 'wall time';
  if (choice.kind === 'relative') return 'time since start';
  if (choice.kind === 'metric') return choice.metric ?? 'metric';
  return 'step';
}
