import { MetricChart, type ChartLine } from './charts';
import { el } from './dom';
import { groupOf } from './groups';

/** What one chart card shows: its metric, its lines, and the text beside its title. */
export interface ChartSpec {
  readonly key: string;
  /** The chart's lines, asked for only when the chart is new or `changed`. */
  readonly lines: () => ChartLine[];
  /** False when the lines are those the chart already draws (nothing to redraw). */
  readonly changed: boolean;
  readonly ariaLabel: string;
  /** Text beside the title (points or runs shown); left as it is when undefined. */
  readonly count?: string;
  /** Set on the card as `data-*` attributes. */
  readonly data?: Readonly<Record<string, string>>;
}

interface Card {
  readonly chart: MetricChart;
  readonly card: HTMLElement;
  readonly count: HTMLElement;
  readonly canvas: HTMLCanvasElement;
}

/**
 * The charts of a panel, one card per metric, grouped in sections by the prefix before `/`.
 * `sync` brings it to a new list of metrics in place: a chart that stays keeps its canvas and its
 * chart.js instance (only its points change), new metrics get a card, gone ones lose theirs. So a
 * live run never makes a chart flicker or a tooltip vanish.
 */
export class ChartGrid {
  private readonly cards = new Map<string, Card>();
  private readonly sections = new Map<string, { section: HTMLElement; grid: HTMLElement }>();
  private readonly empty: HTMLElement;
  private logScale: boolean;

  constructor(private readonly root: HTMLElement, emptyText: string, logScale: boolean) {
    this.empty = el('p', { className: 'empty', text: emptyText });
    this.logScale = logScale;
  }

  get size(): number {
    return this.cards.size;
  }

  get(key: string): Card | undefined {
    return this.cards.get(key);
  }

  entries(): IterableIterator<[string, Card]> {
    return this.cards.entries();
  }

  /** Shows exactly `specs` (in this order within each group; groups sorted by name). */
  sync(specs: readonly ChartSpec[]): void {
    const wanted = new Set(specs.map((s) => s.key));
    for (const [key, c] of this.cards) {
      if (wanted.has(key)) continue;
      c.chart.destroy();
      c.card.remove();
      this.cards.delete(key);
    }
    const byGroup = new Map<string, ChartSpec[]>();
    for (const s of specs) {
      const g = groupOf(s.key);
      const list = byGroup.get(g);
      if (list) list.push(s);
      else byGroup.set(g, [s]);
    }
    for (const [group, { section }] of this.sections) {
      if (byGroup.has(group)) continue;
      section.remove();
      this.sections.delete(group);
    }
    if (specs.length === 0) {
      if (this.empty.parentElement !== this.root) this.root.append(this.empty);
      return;
    }
    this.empty.remove();
    const groups = [...byGroup.keys()].sort((a, b) => a.localeCompare(b));
    groups.forEach((group, i) => {
      let s = this.sections.get(group);
      if (!s) {
        const grid = el('div', { className: 'grid' });
        s = { section: el('section', { className: 'group', attrs: { 'data-group': group } }, [el('h2', { text: group }), grid]), grid };
        this.sections.set(group, s);
      }
      placeAt(this.root, s.section, i);
      const grid = s.grid;
      byGroup.get(group)!.forEach((spec, j) => {
        let c = this.cards.get(spec.key);
        if (c) {
          if (spec.changed) c.chart.setLines(spec.lines());
          placeAt(grid, c.card, j);
        } else {
          const canvas = el('canvas', { attrs: { role: 'img' } });
          const count = el('span', { className: 'count' });
          const card = el('div', { className: 'chart', attrs: { 'data-key': spec.key } }, [
            el('div', { className: 'chart-title' }, [el('span', { text: spec.key }), count]),
            el('div', { className: 'canvas-box' }, [canvas]),
          ]);
          // chart.js measures its canvas: the card goes into the page first.
          placeAt(grid, card, j);
          c = { chart: new MetricChart(canvas, spec.key, spec.lines(), this.logScale), card, count, canvas };
          this.cards.set(spec.key, c);
        }
        c.canvas.setAttribute('aria-label', spec.ariaLabel);
        if (spec.count !== undefined) c.count.textContent = spec.count;
        for (const [k, v] of Object.entries(spec.data ?? {})) c.card.setAttribute(`data-${k}`, v);
      });
    });
  }

  setLogScale(on: boolean): void {
    this.logScale = on;
    for (const c of this.cards.values()) c.chart.setLogScale(on);
  }

  /** After a theme change: axis and grid colours. */
  restyle(): void {
    for (const c of this.cards.values()) c.chart.restyle();
  }

  /** Hides the cards whose key does not contain `query`, and sections left empty. */
  filter(query: string): void {
    const q = query.trim().toLowerCase();
    for (const [key, c] of this.cards) c.card.hidden = q !== '' && !key.toLowerCase().includes(q);
    for (const { section, grid } of this.sections.values()) section.hidden = [...grid.children].every((c) => (c as HTMLElement).hidden);
  }
}

/** Puts `child` at position `index` among `parent`'s children, moving it only when it is elsewhere. */
function placeAt(parent: HTMLElement, child: HTMLElement, index: number): void {
  const at = parent.children[index];
  if (at === child) return;
  parent.insertBefore(child, at ?? null);
}
