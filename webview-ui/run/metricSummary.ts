/**
 * One row per metric for the run page's summary table: last value, lowest, highest and the step of
 * the best value. Which end is best is told from the name (losses, errors and perplexities go
 * down; accuracies and scores go up). The series may be reduced for drawing; the reduction keeps
 * each bucket's lowest and highest point and the last point, so these stay exact.
 */

export interface MetricRow {
  readonly key: string;
  readonly last: number | null;
  readonly lastStep: number | null;
  readonly min: number | null;
  readonly max: number | null;
  /** `min` or `max`, or null when the name says nothing (system metrics, learning rates). */
  readonly goal: 'min' | 'max' | null;
  readonly bestStep: number | null;
  /** Points in the index. */
  readonly count: number;
}

const LOWER = /loss|err|mse|mae|rmse|perplexity|ppl|wer|cer|nll|bpd|distance|regret|fid\b/i;
const HIGHER = /acc|f1|precision|recall|auc|score|iou|map\b|bleu|rouge|reward|return|r2|dice|top\d|psnr|ssim/i;

/** Whether lower or higher values of a metric are better, from its name; null when unclear. */
export function metricGoal(key: string): 'min' | 'max' | null {
  if (key.startsWith('system/')) return null;
  const name = key.slice(key.lastIndexOf('/') + 1);
  if (LOWER.test(name)) return 'min';
  if (HIGHER.test(name)) return 'max';
  return null;
}

export function summarizeMetric(key: string, steps: readonly number[], values: readonly number[], count = steps.length): MetricRow {
  let min: number | null = null;
  let max: number | null = null;
  let minStep: number | null = null;
  let maxStep: number | null = null;
  let last: number | null = null;
  let lastStep: number | null = null;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (min === null || v < min) {
      min = v;
      minStep = steps[i];
    }
    if (max === null || v > max) {
      max = v;
      maxStep = steps[i];
    }
    last = v;
    lastStep = steps[i];
  }
  const goal = metricGoal(key);
  return { key, last, lastStep, min, max, goal, bestStep: goal === 'min' ? minStep : goal === 'max' ? maxStep : null, count };
}

/** A number as a person reads it in a table: up to 5 significant digits, exponent when tiny or huge. */
export function formatNumber(v: number | null): string {
  if (v === null || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (Number.isInteger(v) && Math.abs(v) < 1e12) return v.toLocaleString('en-US');
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e9)) return v.toExponential(3);
  return String(Number(v.toPrecision(5)));
}
