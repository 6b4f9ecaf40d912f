/**
 * How much each parameter of a sweep goes with its objective, from the completed trials alone:
 * a simple, honest measure rather than a model.
 *
 * - numeric parameters: the absolute Spearman rank correlation between the value and the objective
 *   (ties get their average rank); 0 = no monotone relation, 1 = a perfectly monotone one;
 * - categorical ones (strings, booleans, mixed): the correlation ratio η² of a one-way ANOVA, the
 *   share of the objective's variance explained by the groups (between-group sum of squares over the
 *   total); 0 = the groups do not differ, 1 = the group decides the value.
 *
 * Neither says anything about interactions between parameters, and with few trials both are noisy:
 * `trials` says how many values each score rests on.
 */

export interface ParamImportance {
  readonly name: string;
  readonly method: 'spearman' | 'anova';
  /** In [0, 1]; null when it cannot be measured (fewer than 3 trials, or the value never varies). */
  readonly score: number | null;
  readonly trials: number;
}

export interface ScoredTrial {
  readonly params: Readonly<Record<string, unknown>>;
  readonly value: number;
}

export function paramImportance(names: readonly string[], trials: readonly ScoredTrial[]): ParamImportance[] {
  const out = names.map((name) => {
    const pairs = trials.filter((t) => t.params[name] !== undefined && Number.isFinite(t.value)).map((t) => ({ x: t.params[name], y: t.value }));
    const numeric = pairs.length > 0 && pairs.every((p) => typeof p.x === 'number' && Number.isFinite(p.x));
    const score = pairs.length < 3 ? null
      : numeric ? absSpearman(pairs.map((p) => p.x as number), pairs.map((p) => p.y))
      : etaSquared(pairs.map((p) => (typeof p.x === 'string' ? p.x : JSON.stringify(p.x))), pairs.map((p) => p.y));
    return { name, method: numeric ? 'spearman' as const : 'anova' as const, score, trials: pairs.length };
  });
  return out.sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.name.localeCompare(b.name));
}

/** Ranks from 1, ties sharing their average rank. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k][1]] = rank;
    i = j + 1;
  }
  return out;
}

/** |Spearman's ρ| (Pearson's correlation of the ranks); null when either side is constant. */
export function absSpearman(x: readonly number[], y: readonly number[]): number | null {
  const rx = ranks(x);
  const ry = ranks(y);
  const n = rx.length;
  const mx = rx.reduce((a, b) => a + b, 0) / n;
  const my = ry.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) ** 2;
    syy += (ry[i] - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return null;
  return Math.min(1, Math.abs(sxy / Math.sqrt(sxx * syy)));
}

/** η² = between-group sum of squares / total sum of squares; null with one group or a constant objective. */
export function etaSquared(groups: readonly string[], y: readonly number[]): number | null {
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const byGroup = new Map<string, number[]>();
  groups.forEach((g, i) => {
    const list = byGroup.get(g);
    if (list) list.push(y[i]);
    else byGroup.set(g, [y[i]]);
  });
  if (byGroup.size < 2) return null;
  let total = 0;
  for (const v of y) total += (v - mean) ** 2;
  if (total === 0) return null;
  let between = 0;
  for (const values of byGroup.values()) {
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    between += values.length * (m - mean) ** 2;
  }
  return Math.min(1, between / total);
}
