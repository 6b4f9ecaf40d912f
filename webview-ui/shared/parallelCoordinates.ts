/**
 * A parallel coordinates plot on a canvas: one vertical axis per column, each run a line through
 * its values in its colour. Drag along an axis to brush a range (runs outside every brush fade
 * and are reported through `onFilter`); click an axis without dragging to clear its brush; click a
 * numeric axis's title to switch it between linear and log. Used by the compare view and the
 * sweep panel. chartjs-chart-pcp draws such plots but has no brushing, hence this small renderer.
 */
import type { Column } from './analysis';
import { axisValue, brushedRuns, pcpAxis, type Brush, type PcpAxis } from './pcpModel';
import { themeColors } from './theme';

export interface PcpRun { readonly label: string; readonly color: string }

const MARGIN = { top: 34, bottom: 26, left: 40, right: 60 };
const fmt = (v: number) => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-2) ? v.toExponential(1) : String(Number(v.toPrecision(3))));

export class ParallelCoordinates {
  readonly canvas: HTMLCanvasElement;
  private columns: Column[] = [];
  private runs: PcpRun[] = [];
  private axes: PcpAxis[] = [];
  private readonly logAxes = new Set<string>();
  private readonly brushes = new Map<string, Brush>();
  private drag: { axis: string; y0: number; y1: number } | undefined;
  private highlighted = -1;

  constructor(private readonly root: HTMLElement, private readonly onFilter: (kept: number[] | null) => void, private readonly height = 280) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'pcp';
    this.canvas.setAttribute('role', 'img');
    root.append(this.canvas);
    this.canvas.addEventListener('mousedown', (e) => this.down(e));
    window.addEventListener('mousemove', (e) => this.move(e));
    window.addEventListener('mouseup', (e) => this.up(e));
    let width = 0;
    new ResizeObserver(() => {
      // Only a new width redraws: drawing sets the height, which must not call back.
      if (root.clientWidth === width) return;
      width = root.clientWidth;
      requestAnimationFrame(() => this.draw());
    }).observe(root);
  }

  /** Runs kept by the brushes (indices into the runs), or null when no brush is set. */
  get kept(): number[] | null {
    return this.brushes.size ? brushedRuns(this.axes, this.brushes, this.runs.length) : null;
  }

  set(columns: Column[], runs: PcpRun[]): void {
    this.columns = columns;
    this.runs = runs;
    this.rebuild();
  }

  /** Draws run `i` on top and thicker (-1: none). */
  highlight(i: number): void {
    if (i === this.highlighted) return;
    this.highlighted = i;
    this.draw();
  }

  clearBrushes(): void {
    this.brushes.clear();
    this.rebuild();
    this.onFilter(null);
  }

  private rebuild(): void {
    this.axes = this.columns.map((c) => pcpAxis(c, this.logAxes.has(c.id) || (c.numeric && this.autoLog(c))));
    for (const id of [...this.brushes.keys()]) if (!this.axes.some((a) => a.id === id)) this.brushes.delete(id);
    this.canvas.setAttribute('aria-label', `parallel coordinates of ${this.runs.length} runs over ${this.axes.map((a) => a.label).join(', ')}`);
    this.canvas.dataset.axes = String(this.axes.length);
    this.canvas.dataset.runs = String(this.runs.length);
    this.draw();
  }

  /** A numeric column spanning two decades or more starts on a log axis (lr, weight decay). */
  private autoLog(c: Column): boolean {
    if (this.logAxes.has(`!${c.id}`)) return false;
    const v = c.values.filter((x): x is number => typeof x === 'number' && x > 0);
    return v.length === c.values.filter((x) => x !== null).length && v.length > 1 && Math.max(...v) / Math.min(...v) >= 100;
  }

  private axisX(i: number, width: number): number {
    const n = this.axes.length;
    return n === 1 ? width / 2 : MARGIN.left + ((width - MARGIN.left - MARGIN.right) * i) / (n - 1);
  }

  private yOf(p: number | null): number {
    return p === null ? this.height - 8 : MARGIN.top + (1 - p) * (this.height - MARGIN.top - MARGIN.bottom);
  }

  private posOf(y: number): number {
    return Math.min(1, Math.max(0, 1 - (y - MARGIN.top) / (this.height - MARGIN.top - MARGIN.bottom)));
  }

  private draw(): void {
    const width = Math.max(200, this.root.clientWidth);
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = width * dpr;
    this.canvas.height = this.height * dpr;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${this.height}px`;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const theme = themeColors();
    ctx.clearRect(0, 0, width, this.height);
    const kept = new Set(this.kept ?? this.runs.map((_, i) => i));
    const line = (i: number, color: string, w: number) => {
      ctx.strokeStyle = color;
      ctx.lineWidth = w;
      ctx.beginPath();
      this.axes.forEach((a, k) => {
        const x = this.axisX(k, width);
        const y = this.yOf(a.positions[i]);
        if (k === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      });
      ctx.stroke();
    };
    ctx.globalAlpha = 0.25;
    for (let i = 0; i < this.runs.length; i++) if (!kept.has(i)) line(i, theme.grid, 1);
    ctx.globalAlpha = this.highlighted >= 0 ? 0.35 : 0.85;
    for (let i = 0; i < this.runs.length; i++) if (kept.has(i) && i !== this.highlighted) line(i, this.runs[i].color, 1.5);
    ctx.globalAlpha = 1;
    if (this.highlighted >= 0 && this.highlighted < this.runs.length) line(this.highlighted, this.runs[this.highlighted].color, 3);
    ctx.font = `11px ${theme.font}`;
    this.axes.forEach((a, k) => {
      const x = this.axisX(k, width);
      ctx.strokeStyle = theme.muted;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(x, MARGIN.top);
      ctx.lineTo(x, this.height - MARGIN.bottom);
      ctx.stroke();
      ctx.fillStyle = theme.foreground;
      ctx.textAlign = 'center';
      ctx.fillText(`${a.label}${a.scale === 'log' ? ' (log)' : ''}`, x, 14, 160);
      ctx.fillStyle = theme.muted;
      ctx.textAlign = 'left';
      const ticks = a.scale === 'category' ? a.categories.map((c, j) => ({ text: c, p: a.categories.length === 1 ? 0.5 : j / (a.categories.length - 1) })) : [0, 0.25, 0.5, 0.75, 1].map((p) => ({ text: fmt(axisValue(a, p)), p }));
      for (const t of ticks) ctx.fillText(t.text, x + 4, this.yOf(t.p) + 4, 90);
      const b = this.drag?.axis === a.id ? { lo: this.posOf(Math.max(this.drag.y0, this.drag.y1)), hi: this.posOf(Math.min(this.drag.y0, this.drag.y1)) } : this.brushes.get(a.id);
      if (b) {
        ctx.fillStyle = theme.foreground;
        ctx.globalAlpha = 0.2;
        ctx.fillRect(x - 7, this.yOf(b.hi), 14, this.yOf(b.lo) - this.yOf(b.hi));
        ctx.globalAlpha = 1;
        ctx.strokeStyle = theme.foreground;
        ctx.strokeRect(x - 7, this.yOf(b.hi), 14, this.yOf(b.lo) - this.yOf(b.hi));
      }
    });
    this.canvas.dataset.kept = String(kept.size);
  }

  private point(e: MouseEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private axisAt(x: number): PcpAxis | undefined {
    const width = Math.max(200, this.root.clientWidth);
    return this.axes.find((_, k) => Math.abs(this.axisX(k, width) - x) <= 14);
  }

  private down(e: MouseEvent): void {
    const p = this.point(e);
    const axis = this.axisAt(p.x);
    if (!axis) return;
    e.preventDefault();
    if (p.y < MARGIN.top - 8) {
      // The title: linear ⇄ log for a numeric axis.
      if (axis.scale === 'category') return;
      const col = this.columns.find((c) => c.id === axis.id)!;
      if (axis.scale === 'log') {
        this.logAxes.delete(col.id);
        this.logAxes.add(`!${col.id}`);
      } else {
        this.logAxes.delete(`!${col.id}`);
        this.logAxes.add(col.id);
      }
      this.brushes.delete(axis.id);
      this.rebuild();
      this.onFilter(this.kept);
      return;
    }
    this.drag = { axis: axis.id, y0: p.y, y1: p.y };
  }

  private move(e: MouseEvent): void {
    if (!this.drag) return;
    this.drag.y1 = this.point(e).y;
    this.draw();
  }

  private up(e: MouseEvent): void {
    if (!this.drag) return;
    const { axis, y0 } = this.drag;
    const y1 = this.point(e).y;
    this.drag = undefined;
    if (Math.abs(y1 - y0) < 3) this.brushes.delete(axis);
    else this.brushes.set(axis, { lo: this.posOf(Math.max(y0, y1)), hi: this.posOf(Math.min(y0, y1)) });
    this.draw();
    this.onFilter(this.kept);
  }
}
