import type { SeriesData } from '../../src/protocol/runPanel';

/** A zoom request the page sent: which chart asked, for which series. */
interface Pending { readonly chart: string; readonly key: string }

/**
 * What the run page's zoomed charts hold: for each chart zoomed on its step axis, the finer points
 * the host sent for the range shown, by series key. Only the answer to a chart's latest request
 * counts; a double-click (reset) drops them all.
 */
export class ChartZoom {
  private requests = 0;
  private readonly pending = new Map<number, Pending>();
  /** Latest request of each chart (its older answers are stale). */
  private readonly latest = new Map<string, Set<number>>();
  /** Per chart and key: the zoomed range's points, and the last step the overview had when they came. */
  private readonly held = new Map<string, Map<string, { series: SeriesData; seen: number }>>();

  /** Request ids for a chart's series, zoomed again (answers to earlier zooms of it are dropped). */
  ask(chart: string, keys: readonly string[]): Array<{ requestId: number; key: string }> {
    const ids = new Set<number>();
    const asked = keys.map((key) => {
      const requestId = ++this.requests;
      this.pending.set(requestId, { chart, key });
      ids.add(requestId);
      return { requestId, key };
    });
    for (const old of this.latest.get(chart) ?? []) this.pending.delete(old);
    this.latest.set(chart, ids);
    return asked;
  }

  /**
   * Keeps an answer (`overview`: the series as the page has it now); the chart it is for, or
   * undefined when stale or unknown.
   */
  answer(requestId: number, series: SeriesData | undefined, overview: (key: string) => SeriesData | undefined): string | undefined {
    const p = this.pending.get(requestId);
    if (!p || !this.latest.get(p.chart)?.has(requestId)) return undefined;
    this.pending.delete(requestId);
    if (!series || series.key !== p.key) return undefined;
    let byKey = this.held.get(p.chart);
    if (!byKey) this.held.set(p.chart, (byKey = new Map()));
    const o = overview(p.key);
    byKey.set(p.key, { series, seen: o?.steps.length ? o.steps[o.steps.length - 1] : -Infinity });
    return p.chart;
  }

  /** Back to the whole range: the chart draws the overview again. */
  reset(chart: string): void {
    for (const id of this.latest.get(chart) ?? []) this.pending.delete(id);
    this.latest.delete(chart);
    this.held.delete(chart);
  }

  isZoomed(chart: string): boolean {
    return this.held.has(chart);
  }

  /**
   * The points chart `chart` draws of `key`: the zoomed range's, followed by the points that arrived
   * since (a live run keeps drawing while zoomed; the view stays where the user put it), else the overview's.
   */
  series(chart: string, key: string, overview: SeriesData | undefined): SeriesData | undefined {
    const held = this.held.get(chart)?.get(key);
    if (!held) return overview;
    const z = held.series;
    if (!overview || overview.steps.length === 0) return z;
    const last = Math.max(held.seen, z.steps.length ? z.steps[z.steps.length - 1] : -Infinity);
    const after = overview.steps.findIndex((s) => s > last);
    if (after < 0) return { ...z, total: overview.total };
    const times = z.times && overview.times ? z.times.concat(overview.times.slice(after)) : z.times;
    return { key, steps: z.steps.concat(overview.steps.slice(after)), values: z.values.concat(overview.values.slice(after)), total: overview.total, ...(times ? { times } : {}) };
  }
}
