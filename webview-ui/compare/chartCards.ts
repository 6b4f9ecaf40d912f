import { el } from '../shared/dom';
import { groupOf } from '../shared/groups';
import { LineChart, type AxisOptions, type ChartHooks, type DrawnLine } from './lineChart';

/** What one chart card shows. */
export interface CardSpec {
  readonly key: string;
  /** The chart's lines, asked for only when the card is new or `changed`; undefined while the host has not sent them. */
  readonly lines: (() => DrawnLine[]) | undefined;
  readonly changed: boolean;
  readonly count: string;
}

export interface CardActions {
  png(key: string, chart: LineChart): void;
  csv(key: string): void;
}

/** A chart's card; its chart is made once its lines are there (a card waiting for them shows its title only). */
interface Card { chart: LineChart | undefined; readonly card: HTMLElement; readonly canvas: HTMLCanvasElement; readonly count: HTMLElement }

/** How far below (and above) the visible part of the page a waiting card asks for its lines. */
const NEAR_VIEW = '400px 0px';

/**
 * The compare view's charts: one card per metric, in sections by the prefix before `/`, each with
 * Save PNG and Save CSV. Hovering one chart shows the crosshair and values at that x in all of them,
 * and highlights the hovered run's line everywhere (`onHighlight` tells the rest of the view). A card
 * whose lines the host has not sent asks for them (`onWanted`) when it comes near the view.
 */
export class ChartCards {
  private readonly cards = new Map<string, Card>();
  private readonly sections = new Map<string, { section: HTMLElement; grid: HTMLElement }>();
  private readonly empty: HTMLElement;
  private frame = 0;
  private pending: { from: LineChart; x: number | null; id: string | null } | undefined;
  private readonly near: IntersectionObserver;

  constructor(private readonly root: HTMLElement, emptyText: string, private axes: AxisOptions, private readonly hooks: Pick<ChartHooks, 'zoomed' | 'reset'>, private readonly actions: CardActions, private readonly onHighlight: (id: string | null) => void, onWanted: (key: string) => void) {
    this.empty = el('p', { className: 'empty', text: emptyText });
    this.near = new IntersectionObserver((entries) => {
      for (const e of entries) {
        const key = (e.target as HTMLElement).dataset.key;
        if (e.isIntersecting && key !== undefined && !this.cards.get(key)?.chart) onWanted(key);
      }
    }, { rootMargin: NEAR_VIEW });
  }

  get(key: string): LineChart | undefined {
    return this.cards.get(key)?.chart;
  }

  charts(): LineChart[] {
    return [...this.cards.values()].flatMap((c) => (c.chart ? [c.chart] : []));
  }

  private readonly chartHooks: ChartHooks = {
    hover: (from, x, id) => {
      // Synced once a frame: moving the pointer over 10 charts of 100 runs stays smooth.
      this.pending = { from, x, id };
      if (this.frame) return;
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        const p = this.pending;
        this.pending = undefined;
        if (!p) return;
        for (const c of this.cards.values()) if (c.chart && c.chart !== p.from && !c.card.hidden) c.chart.syncTo(p.x);
        this.highlight(p.id);
        this.onHighlight(p.id);
      });
    },
    zoomed: (chart, min, max) => this.hooks.zoomed(chart, min, max),
    reset: (chart) => this.hooks.reset(chart),
  };

  highlight(id: string | null): void {
    for (const c of this.cards.values()) c.chart?.highlight(id);
  }

  sync(specs: readonly CardSpec[]): void {
    const wanted = new Set(specs.map((s) => s.key));
    for (const [key, c] of this.cards) {
      if (wanted.has(key)) continue;
      c.chart?.destroy();
      this.near.unobserve(c.card);
      c.card.remove();
      this.cards.delete(key);
    }
    const byGroup = new Map<string, CardSpec[]>();
    for (const s of specs) byGroup.set(groupOf(s.key), [...(byGroup.get(groupOf(s.key)) ?? []), s]);
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
    [...byGroup.keys()].sort((a, b) => a.localeCompare(b)).forEach((group, i) => {
      let s = this.sections.get(group);
      if (!s) {
        const grid = el('div', { className: 'grid' });
        s = { section: el('section', { className: 'group', attrs: { 'data-group': group } }, [el('h2', { text: group }), grid]), grid };
        this.sections.set(group, s);
      }
      placeAt(this.root, s.section, i);
      byGroup.get(group)!.forEach((spec, j) => {
        let c = this.cards.get(spec.key);
        if (c) placeAt(s.grid, c.card, j);
        else {
          c = this.newCard(spec, s.grid, j);
          this.cards.set(spec.key, c);
        }
        if (!spec.lines) this.wait(c);
        else if (!c.chart) this.draw(c, spec.key, spec.lines);
        else if (spec.changed) c.chart.setLines(spec.lines());
        c.count.textContent = spec.count;
        const chart = c.chart;
        c.card.dataset.points = String(chart?.pointCount ?? 0);
        c.card.dataset.lines = String(chart?.lineCount ?? 0);
        c.card.dataset.drawn = JSON.stringify(chart?.drawn ?? []);
        c.card.dataset.rawLines = String(chart?.rawCount ?? 0);
      });
    });
  }

  /** A card without its lines (yet, or again after the view started over): no chart, and it asks when near the view. */
  private wait(c: Card): void {
    if (c.card.dataset.waiting === 'true') return;
    c.chart?.destroy();
    c.chart = undefined;
    c.card.dataset.waiting = 'true';
    this.near.observe(c.card);
  }

  /** Waiting cards near the view ask again (the view started over and forgot what it asked for). */
  askAgain(): void {
    for (const c of this.cards.values()) {
      if (c.chart) continue;
      this.near.unobserve(c.card);
      this.near.observe(c.card);
    }
  }

  /** The card's chart, made now that its lines are there. */
  private draw(c: Card, key: string, lines: () => DrawnLine[]): void {
    this.near.unobserve(c.card);
    delete c.card.dataset.waiting;
    c.chart = new LineChart(c.canvas, key, this.axes, this.chartHooks);
    c.chart.setLines(lines());
  }

  private newCard(spec: CardSpec, grid: HTMLElement, at: number): Card {
    const canvas = el('canvas', { attrs: { role: 'img', 'aria-label': `chart of ${spec.key}` } });
    const count = el('span', { className: 'count' });
    const png = el('button', { className: 'chart-action', text: 'PNG', attrs: { type: 'button', title: 'Save this chart as a PNG image' } });
    const csv = el('button', { className: 'chart-action', text: 'CSV', attrs: { type: 'button', title: 'Save the points this chart draws as CSV' } });
    const card = el('div', { className: 'chart', attrs: { 'data-key': spec.key } }, [
      el('div', { className: 'chart-title' }, [el('span', { text: spec.key }), count, el('span', { className: 'chart-actions' }, [png, csv])]),
      el('div', { className: 'canvas-box' }, [canvas]),
    ]);
    // chart.js measures its canvas: the card goes into the page before its chart is made.
    placeAt(grid, card, at);
    const c: Card = { chart: undefined, card, canvas, count };
    png.addEventListener('click', () => {
      if (c.chart) this.actions.png(spec.key, c.chart);
    });
    csv.addEventListener('click', () => this.actions.csv(spec.key));
    return c;
  }

  setAxes(axes: AxisOptions): void {
    this.axes = axes;
    for (const c of this.cards.values()) c.chart?.setAxes(axes);
  }

  restyle(): void {
    for (const c of this.cards.values()) c.chart?.restyle();
  }

  /** Hides the cards whose key does not contain `query`, and sections left empty. */
  filter(query: string): void {
    const q = query.trim().toLowerCase();
    for (const [key, c] of this.cards) c.card.hidden = q !== '' && !key.toLowerCase().includes(q);
    for (const { section, grid } of this.sections.values()) section.hidden = [...grid.children].every((c) => (c as HTMLElement).hidden);
  }
}

function placeAt(parent: HTMLElement, child: HTMLElement, index: number): void {
  const at = parent.children[index];
  if (at === child) return;
  parent.insertBefore(child, at ?? null);
}
