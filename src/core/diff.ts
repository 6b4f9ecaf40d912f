/**
 * Parameter differences between runs, as a comparison table shows them: one row per parameter
 * (nested objects flattened with `.`), a value per run (undefined where a run lacks it), and
 * whether the runs disagree.
 */

export interface ParamRow {
  readonly key: string;
  /** One per run, in the order given; undefined when that run has no such parameter. */
  readonly values: unknown[];
  /** True when not every run has the same value (a missing value differs from any value). */
  readonly differs: boolean;
}

/** Nested plain objects flattened with `.` (`{optimizer: {lr: 1}}` → `optimizer.lr`); arrays stay values. */
export function flattenParams(params: Readonly<Record<string, unknown>>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(params)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) flattenParams(v as Record<string, unknown>, key, out);
    else out[key] = v;
  }
  return out;
}

/** A canonical text of a value, so that `{a:1,b:2}` equals `{b:2,a:1}` and 1 equals 1.0. */
function canonical(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return JSON.stringify(v);
}

export function paramDiff(runs: ReadonlyArray<Readonly<Record<string, unknown>>>): ParamRow[] {
  const flat = runs.map((p) => flattenParams(p));
  const keys = new Set<string>();
  for (const f of flat) for (const k of Object.keys(f)) keys.add(k);
  return [...keys].sort().map((key) => {
    const values = flat.map((f) => (Object.prototype.hasOwnProperty.call(f, key) ? f[key] : undefined));
    const first = canonical(values[0]);
    return { key, values, differs: values.some((v) => canonical(v) !== first) };
  });
}
