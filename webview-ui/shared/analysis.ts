/**
 * Per-run values for the scatter plot, the bar chart, the parallel coordinates and the correlation
 * table: each param or metric as one value per run, numeric when every present value is a number.
 * Pure: no DOM.
 */
export interface Column {
  /** `param:lr` or `metric:val/acc`. */
  readonly id: string;
  readonly label: string;
  readonly source: 'param' | 'metric';
  /** One per run; null where the run has none. Strings for categorical columns. */
  readonly values: ReadonlyArray<number | string | null>;
  readonly numeric: boolean;
}

/** Parameter display texts (JSON for non-strings) as a column: numbers when all present values are. */
export function paramColumn(key: string, texts: ReadonlyArray<string | null>): Column {
  const parsed = texts.map((t) => (t === null || t.trim() === '' ? null : Number(t)));
  const numeric = texts.some((t) => t !== null) && parsed.every((v, i) => texts[i] === null || (v !== null && Number.isFinite(v)));
  return { id: `param:${key}`, label: key, source: 'param', values: numeric ? parsed : texts.slice(), numeric };
}

export function metricColumn(key: string, values: ReadonlyArray<number | null>, which = 'last'): Column {
  return { id: `metric:${key}${which === 'last' ? '' : `:${which}`}`, label: which === 'last' ? key : `${key} (${which})`, source: 'metric', values: values.map((v) => (v === null || !Number.isFinite(v) ? null : v)), numeric: true };
}

/** Pearson correlation over the runs where both are finite numbers; null with fewer than 3 such runs or no spread. */
export function pearson(xs: ReadonlyArray<number | string | null>, ys: ReadonlyArray<number | string | null>): { r: number; n: number } | null {
  const px: number[] = [];
  const py: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    const y = ys[i];
    if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y)) {
      px.push(x);
      py.push(y);
    }
  }
  const n = px.length;
  if (n < 3) return null;
  const mx = px.reduce((a, b) => a + b, 0) / n;
  const my = py.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (px[i] - mx) * (py[i] - my);
    sxx += (px[i] - mx) ** 2;
    syy += (py[i] - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return null;
  return { r: sxy / Math.sqrt(sxx * syy), n };
}

/** Each numeric param's correlation with `target`, strongest first (by |r|); params without one last. */
export function correlations(params: readonly Column[], target: Column): Array<{ key: string; r: number | null; n: number }> {
  return params
    .filter((c) => c.numeric)
    .map((c) => {
      const p = pearson(c.values, target.values);
      return { key: c.label, r: p?.r ?? null, n: p?.n ?? 0 };
    })
    .sort((a, b) => (b.r === null ? -1 : Math.abs(b.r)) - (a.r === null ? -1 : Math.abs(a.r)) || a.key.localeCompare(b.key));
}
