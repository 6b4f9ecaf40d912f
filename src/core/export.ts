/**
 * A run's metrics as CSV, one row per step and one column per metric (the wide table pandas,
 * spreadsheets and MLflow's "download CSV" users expect). Steps a metric has no value at stay empty;
 * NaN and ±Infinity are written as `NaN`, `Infinity`, `-Infinity`.
 */

export interface ExportSeries {
  readonly key: string;
  /** Ascending. */
  readonly steps: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

/** A CSV field: quoted when it holds a comma, quote, or line break (RFC 4180). */
function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function number(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return String(v);
}

export function metricsCsv(series: readonly ExportSeries[]): string {
  const sorted = [...series].sort((a, b) => a.key.localeCompare(b.key));
  const steps = new Set<number>();
  for (const s of sorted) for (let i = 0; i < s.steps.length; i++) steps.add(s.steps[i]);
  const allSteps = [...steps].sort((a, b) => a - b);
  const cursor = sorted.map(() => 0);
  const lines = [['step', ...sorted.map((s) => field(s.key))].join(',')];
  for (const step of allSteps) {
    const row = [String(step)];
    sorted.forEach((s, j) => {
      let i = cursor[j];
      while (i < s.steps.length && s.steps[i] < step) i++;
      cursor[j] = i;
      row.push(i < s.steps.length && s.steps[i] === step ? number(s.values[i]) : '');
    });
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}
