/**
 * Runs grouped by a param, a tag or the experiment, and each group's lines merged into one: the
 * mean, the minimum and maximum, and the standard deviation across the group's runs at each x.
 * Pure: no DOM.
 */
export type GroupBy = { readonly kind: 'none' } | { readonly kind: 'param'; readonly key: string } | { readonly kind: 'tag' } | { readonly kind: 'experiment' };

export interface GroupableRun { readonly project: string; readonly tags: readonly string[] }

/** The group a run belongs to (its label). `param` is the run's value of the param (null when absent). */
export function groupLabel(by: GroupBy, run: GroupableRun, param: string | null): string {
  if (by.kind === 'experiment') return run.project;
  if (by.kind === 'tag') return run.tags.length ? [...run.tags].sort().join(', ') : '(no tags)';
  if (by.kind === 'param') return param === null ? `${by.key} missing` : `${by.key}=${param}`;
  return '';
}

export interface XYLine { readonly xs: readonly number[]; readonly ys: readonly number[] }
export interface Band { readonly xs: number[]; readonly mean: number[]; readonly min: number[]; readonly max: number[]; readonly std: number[]; readonly count: number[] }

/** y of a line at x, linearly between its neighbours; NaN outside the line's x range or across a gap. */
function at(line: XYLine, x: number, from: { i: number }): number {
  const { xs, ys } = line;
  while (from.i + 1 < xs.length && xs[from.i + 1] <= x) from.i++;
  const i = from.i;
  if (i >= xs.length || xs[i] > x || !(x <= xs[xs.length - 1])) return NaN;
  if (xs[i] === x || i + 1 >= xs.length) return ys[i];
  const t = (x - xs[i]) / (xs[i + 1] - xs[i]);
  return ys[i] + t * (ys[i + 1] - ys[i]);
}

/**
 * The group's band on `points` evenly spaced x values over all its lines' x range. Each x counts
 * the runs that reach it; where none does, the band has a gap (NaN). Lines must be sorted by x.
 */
export function groupBand(lines: readonly XYLine[], points = 400): Band {
  let lo = Infinity;
  let hi = -Infinity;
  for (const l of lines) {
    for (const x of l.xs) {
      if (!Number.isFinite(x)) continue;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  const band: Band = { xs: [], mean: [], min: [], max: [], std: [], count: [] };
  if (!(lo <= hi)) return band;
  const n = lo === hi ? 1 : points;
  const cursors = lines.map(() => ({ i: 0 }));
  for (let k = 0; k < n; k++) {
    const x = n === 1 ? lo : lo + ((hi - lo) * k) / (n - 1);
    let count = 0;
    let sum = 0;
    let sq = 0;
    let min = Infinity;
    let max = -Infinity;
    lines.forEach((l, j) => {
      const y = at(l, x, cursors[j]);
      if (!Number.isFinite(y)) return;
      count++;
      sum += y;
      sq += y * y;
      if (y < min) min = y;
      if (y > max) max = y;
    });
    const mean = count ? sum / count : NaN;
    band.xs.push(x);
    band.mean.push(mean);
    band.min.push(count ? min : NaN);
    band.max.push(count ? max : NaN);
    band.std.push(count ? Math.sqrt(Math.max(0, sq / count - mean * mean)) : NaN);
    band.count.push(count);
  }
  return band;
}
