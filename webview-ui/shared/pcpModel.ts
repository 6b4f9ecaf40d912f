/**
 * The model of a parallel coordinates plot: one vertical axis per column (linear, log or
 * categorical), each run a polyline through its values placed in [0, 1] (0 at the bottom), and
 * brushes (a range on an axis) that keep only the runs inside every brush. Pure: no DOM.
 */
import type { Column } from './analysis';

export type AxisScale = 'linear' | 'log' | 'category';

export interface PcpAxis {
  readonly id: string;
  readonly label: string;
  readonly scale: AxisScale;
  /** Numeric axes: the lowest and highest value. */
  readonly min: number;
  readonly max: number;
  /** Categorical axes: the values, bottom to top. */
  readonly categories: readonly string[];
  /** One per run: its position in [0, 1], or null where it has no value (drawn at the axis foot). */
  readonly positions: ReadonlyArray<number | null>;
}

/** An axis for `column`; `log` asks for a log scale (kept only when every value is above 0). */
export function pcpAxis(column: Column, log: boolean): PcpAxis {
  if (!column.numeric) {
    const categories = [...new Set(column.values.filter((v): v is string | number => v !== null).map(String))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    const at = new Map(categories.map((c, i) => [c, categories.length === 1 ? 0.5 : i / (categories.length - 1)]));
    return { id: column.id, label: column.label, scale: 'category', min: 0, max: 0, categories, positions: column.values.map((v) => (v === null ? null : at.get(String(v)) ?? null)) };
  }
  const nums = column.values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const min = nums.length ? Math.min(...nums) : 0;
  const max = nums.length ? Math.max(...nums) : 1;
  const scale: AxisScale = log && min > 0 ? 'log' : 'linear';
  const f = scale === 'log' ? Math.log10 : (v: number) => v;
  const lo = f(min);
  const hi = f(max);
  const positions = column.values.map((v) => (typeof v !== 'number' || !Number.isFinite(v) ? null : hi === lo ? 0.5 : (f(v) - lo) / (hi - lo)));
  return { id: column.id, label: column.label, scale, min, max, categories: [], positions };
}

/** The value at position `p` of a numeric axis (for tick labels). */
export function axisValue(axis: PcpAxis, p: number): number {
  if (axis.scale === 'log') return 10 ** (Math.log10(axis.min) + p * (Math.log10(axis.max) - Math.log10(axis.min)));
  return axis.min + p * (axis.max - axis.min);
}

/** A brush: the positions [lo, hi] kept on one axis. */
export interface Brush { readonly lo: number; readonly hi: number }

/** Whether run `i` lies inside every brush (a run without a value on a brushed axis does not). */
export function passesBrushes(axes: readonly PcpAxis[], brushes: ReadonlyMap<string, Brush>, i: number): boolean {
  for (const a of axes) {
    const b = brushes.get(a.id);
    if (!b) continue;
    const p = a.positions[i];
    if (p === null || p < b.lo - 1e-9 || p > b.hi + 1e-9) return false;
  }
  return true;
}

/** Indices of the runs inside every brush. */
export function brushedRuns(axes: readonly PcpAxis[], brushes: ReadonlyMap<string, Brush>, runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) if (passesBrushes(axes, brushes, i)) out.push(i);
  return out;
}
