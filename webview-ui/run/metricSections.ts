import type { SeriesData } from '../../src/protocol/runPanel';
import type { ChartPlan, PagePlan, SectionPlan } from './metricLayout';
import { formatDuration } from './environment';
import { MetricChart, STEP_AXIS, type ChartLine, type Point, type XAxis } from '../shared/charts';
import { el } from '../shared/dom';
import { paletteColor } from '../shared/palette';
import { ChartZoom } from './chartZoom';
import { LiveRedraw, type Screen } from './liveRedraw';

/** What the page remembers across reloads (in the webview state): closed/opened sections and pinned charts. */
export interface SectionState {
  /** Section id → open; absent = its default. */
  open: Record<string, boolean>;
  pinned: string[];
}

/** `1:02:05` or `4:05`: seconds since the run started, for the ticks of a time axis. */
export function clockLabel(seconds: number): string {
  if (!Number.isFinite(seconds)) return '';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

const TIME_AXIS: XAxis = { title: 'time since start (h:mm:ss)', tooltip: (x) => `${formatDuration(x)} after the start`, tick: clockLabel };

interface Card { readonly plan: ChartPlan; readonly card: HTMLElement; readonly count: HTMLElement; chart?: MetricChart; signature: string }
interface Section { readonly details: HTMLDetailsElement; readonly summary: HTMLElement; readonly grid: HTMLElement; plan: SectionPlan }

/**
 * The run's charts in collapsible sections (Pinned, one per metric group, System last), drawn
 * from a PagePlan. A chart is made only when its section is open, so a run with hundreds of
 * system series opens fast; charts that stay keep their canvas across updates.
 */
export class MetricSections {
  private readonly sections = new Map<string, Section>();
  private readonly cards = new Map<string, Card>();
  private data = new Map<string, SeriesData>();
  private startTime = 0;
  private query = '';
  private readonly zoom = new ChartZoom();
  /** Charts with new points, drawn once per frame and only on screen. */
  private readonly live = new LiveRedraw(browserScreen, (id) => {
    const c = this.cards.get(id);
    if (c?.chart) this.update(c);
  });

  /**
   * Asks the host for series `key`'s points between steps `from` and `to` (on a `time` axis: Unix
   * milliseconds) for a chart `width` pixels wide.
   */
  onRange: ((requestId: number, key: string, from: number, to: number, width: number, axis: 'step' | 'time') => void) | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly systemRoot: HTMLElement,
    private readonly state: SectionState,
    private readonly saveState: () => void,
    private logScale: boolean,
  ) {}

  /** Charts shown (made or not) and points drawn, for the page's data attributes. */
  get chartCount(): number {
    return this.cards.size;
  }

  render(plan: PagePlan, data: Map<string, SeriesData>, startTime: number): void {
    this.data = data;
    this.startTime = startTime;
    const wantedCards = new Set(plan.sections.flatMap((s) => s.charts.map((c) => c.id)));
    for (const [id, c] of this.cards) {
      if (wantedCards.has(id) && c.card.closest('[data-section]')?.getAttribute('data-section') === plan.sections.find((s) => s.charts.some((x) => x.id === id))?.id) continue;
      c.chart?.destroy();
      c.card.remove();
      this.live.forget(id);
      this.cards.delete(id);
      this.zoom.reset(id);
    }
    const wantedSections = new Set(plan.sections.map((s) => s.id));
    for (const [id, s] of this.sections) {
      if (wantedSections.has(id)) continue;
      s.details.remove();
      this.sections.delete(id);
    }
    let index = 0;
    for (const sp of plan.sections) {
      const s = this.section(sp);
      s.plan = sp;
      s.summary.textContent = `${sp.title} (${sp.charts.length})`;
      const parent = sp.id === 'system' ? this.systemRoot : this.root;
      placeAt(parent, s.details, sp.id === 'system' ? 0 : index++);
      sp.charts.forEach((cp, j) => {
        let c = this.cards.get(cp.id);
        if (!c) {
          c = this.card(cp);
          this.cards.set(cp.id, c);
        }
        placeAt(s.grid, c.card, j);
      });
      // The page's points were all sent again: charts already made draw them too (on the next frame, when on screen).
      this.live.mark(sp.charts.filter((cp) => this.cards.get(cp.id)?.chart).map((cp) => cp.id));
      if (s.details.open) this.draw(s);
    }
    this.applyFilter();
  }

  /** New points arrived for these keys: the charts that show them redraw (on the next frame, when on screen). */
  refresh(keys: Iterable<string>): void {
    const changed = new Set(keys);
    this.live.mark([...this.cards.values()].filter((c) => c.plan.keys.some((k) => changed.has(k))).map((c) => c.plan.id));
  }

  /** The host's answer to a zoomed chart's request: that chart draws the finer points (a stale answer is dropped). */
  applyRange(requestId: number, series: SeriesData | undefined): void {
    const id = this.zoom.answer(requestId, series, (key) => this.data.get(key));
    const c = id === undefined ? undefined : this.cards.get(id);
    if (!c?.chart) return;
    this.update(c);
    c.card.setAttribute('data-range-drawn', c.card.getAttribute('data-drawn') ?? '[]');
  }

  /**
   * A zoomed chart asks for finer points of its range: of its steps, or on a time axis (seconds
   * since the start) of the wall times in it, as whole milliseconds that cover it.
   */
  private zoomed(c: Card, min: number, max: number): void {
    if (!c.chart || !Number.isFinite(min) || !Number.isFinite(max)) return;
    const byTime = this.axis(c.plan) === TIME_AXIS;
    const [from, to] = byTime ? [Math.floor((this.startTime + min) * 1000), Math.ceil((this.startTime + max) * 1000)] : [Math.floor(min), Math.ceil(max)];
    const width = Math.max(1, Math.round(c.chart.width));
    for (const { requestId, key } of this.zoom.ask(c.plan.id, c.plan.keys)) this.onRange?.(requestId, key, from, to, width, byTime ? 'time' : 'step');
  }

  private unzoomed(c: Card): void {
    this.zoom.reset(c.plan.id);
    c.card.removeAttribute('data-range-drawn');
    if (c.chart) this.update(c);
  }

  setLogScale(on: boolean): void {
    this.logScale = on;
    for (const c of this.cards.values()) c.chart?.setLogScale(on);
  }

  restyle(): void {
    for (const c of this.cards.values()) c.chart?.restyle();
  }

  filter(query: string): void {
    this.query = query.trim().toLowerCase();
    this.applyFilter();
  }

  /** Points drawn over all made charts. */
  pointsDrawn(): number {
    let n = 0;
    for (const c of this.cards.values()) n += c.chart?.pointCount ?? 0;
    return n;
  }

  private applyFilter(): void {
    const q = this.query;
    for (const c of this.cards.values()) c.card.hidden = q !== '' && !c.plan.keys.some((k) => k.toLowerCase().includes(q)) && !c.plan.title.toLowerCase().includes(q);
    for (const s of this.sections.values()) {
      s.details.hidden = [...s.grid.children].every((c) => (c as HTMLElement).hidden);
      // A filter that finds charts in a closed section shows them.
      if (q && !s.details.hidden && !s.details.open) {
        s.details.open = true;
        this.draw(s);
      }
    }
  }

  private section(sp: SectionPlan): Section {
    const known = this.sections.get(sp.id);
    if (known) return known;
    const summary = el('summary', { className: 'section-title' });
    const grid = el('div', { className: 'grid' });
    const details = el('details', { className: 'group metric-section', attrs: { 'data-section': sp.id, 'data-group': sp.title } }, [summary, grid]);
    details.open = this.state.open[sp.id] ?? sp.openByDefault;
    const s: Section = { details, summary, grid, plan: sp };
    details.addEventListener('toggle', () => {
      if (details.open !== (this.state.open[sp.id] ?? s.plan.openByDefault) || this.state.open[sp.id] !== undefined) {
        this.state.open[sp.id] = details.open;
        this.saveState();
      }
      if (details.open) this.draw(s);
    });
    this.sections.set(sp.id, s);
    return s;
  }

  private card(cp: ChartPlan): Card {
    const count = el('span', { className: 'count' });
    const pinned = this.state.pinned.includes(cp.id);
    const pin = el('button', { className: 'pin', text: pinned ? 'Unpin' : 'Pin', attrs: { type: 'button', title: pinned ? 'Move back to its section' : 'Keep this chart at the top', 'aria-pressed': String(pinned) } });
    pin.addEventListener('click', () => this.onPin?.(cp.id));
    const card = el('div', { className: 'chart', attrs: { 'data-key': cp.id, 'data-lines': String(cp.keys.length), 'data-x': cp.x } }, [
      el('div', { className: 'chart-title' }, [el('span', { className: 'chart-name', text: cp.title, attrs: { title: cp.keys.join('\n') } }), count, pin]),
      el('div', { className: 'canvas-box' }),
    ]);
    this.live.watch(cp.id, card);
    return { plan: cp, card, count, signature: '' };
  }

  /** Called with a chart id when its Pin/Unpin button is pressed. */
  onPin: ((id: string) => void) | undefined;

  private draw(s: Section): void {
    for (const cp of s.plan.charts) {
      const c = this.cards.get(cp.id);
      if (!c) continue;
      if (!c.chart) {
        const canvas = el('canvas', { attrs: { role: 'img', 'aria-label': `chart of ${cp.title}` } });
        c.card.querySelector('.canvas-box')!.append(canvas);
        const card = c;
        c.chart = new MetricChart(canvas, cp.id, this.lines(cp), this.logScale, this.axis(cp), { zoomed: (min, max) => this.zoomed(card, min, max), reset: () => this.unzoomed(card) });
        this.counted(c);
      }
    }
  }

  private update(c: Card): void {
    c.chart!.setLines(this.lines(c.plan));
    this.counted(c);
  }

  private counted(c: Card): void {
    const drawn = c.chart?.pointCount ?? 0;
    const all = c.plan.keys.reduce((n, k) => n + (this.data.get(k)?.total ?? 0), 0);
    c.card.setAttribute('data-points', String(drawn));
    const lines = c.chart?.drawn ?? [];
    c.card.setAttribute('data-drawn', JSON.stringify(lines));
    // When the chart first drew its current last step (ms since the epoch): how long a live point takes to show.
    const last = String(Math.max(-1, ...lines.map((l) => l.last ?? -1)));
    if (c.card.getAttribute('data-last-step') !== last) {
      c.card.setAttribute('data-last-step', last);
      c.card.setAttribute('data-drawn-at', String(Date.now()));
    }
    const points = (n: number) => `${n.toLocaleString()} point${n === 1 ? '' : 's'}`;
    const zoomed = this.zoom.isZoomed(c.plan.id) ? ' · zoomed' : '';
    c.count.textContent = `${drawn < all ? `${drawn.toLocaleString()} of ${points(all)}` : points(all)}${zoomed}`;
  }

  private axis(cp: ChartPlan): XAxis {
    return cp.x === 'time' && this.hasTimes(cp) ? TIME_AXIS : STEP_AXIS;
  }

  private hasTimes(cp: ChartPlan): boolean {
    return cp.keys.some((k) => this.data.get(k)?.times?.some((t) => Number.isFinite(t)));
  }

  private lines(cp: ChartPlan): ChartLine[] {
    const byTime = cp.x === 'time' && this.hasTimes(cp);
    return cp.keys.map((key, i) => {
      const s = this.zoom.series(cp.id, key, this.data.get(key));
      const points: Point[] = [];
      if (s) {
        for (let j = 0; j < s.steps.length; j++) {
          const x = byTime ? (s.times?.[j] ?? NaN) - this.startTime : s.steps[j];
          if (!Number.isFinite(x)) continue;
          const v = s.values[j];
          points.push({ x, y: Number.isFinite(v) ? v : NaN });
        }
      }
      return { id: key, label: cp.labels[i] ?? key, color: paletteColor(cp.keys.length > 1 ? i : 0), points };
    });
  }
}

/** The page's screen: an element is on screen when it intersects the viewport (IntersectionObserver). */
const browserScreen: Screen = {
  follow(element, seen) {
    const observer = new IntersectionObserver((entries) => {
      for (const e of entries) seen(e.isIntersecting);
    });
    observer.observe(element as Element);
    return () => observer.disconnect();
  },
  nextFrame: (run) => void requestAnimationFrame(run),
};

/** Puts `child` at position `index` among `parent`'s children, moving it only when it is elsewhere. */
function placeAt(parent: HTMLElement, child: HTMLElement, index: number): void {
  const at = parent.children[index];
  if (at === child) return;
  parent.insertBefore(child, at ?? null);
}
