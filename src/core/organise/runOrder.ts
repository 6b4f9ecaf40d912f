/**
 * How the Experiments tree orders, filters and pages runs: starred runs first, then the chosen
 * sort (date, name, status or a metric); an experiment with many runs shows them a page at a time.
 */
import type { RunRow } from '../store/store';
import type { RunStatusValue } from '../format/records';

export type SortKey = 'date' | 'name' | 'status' | 'metric';
export const SORT_KEYS: readonly SortKey[] = ['date', 'name', 'status', 'metric'];

export interface TreeSort {
  readonly key: SortKey;
  /** With `metric`: which one (its last value). */
  readonly metric?: string;
  /** Largest first (newest first for dates). */
  readonly descending: boolean;
}

export const DEFAULT_SORT: TreeSort = { key: 'date', descending: true };
/** Runs shown per experiment before "Show more", and how many more each click shows. */
export const RUN_PAGE = 200;

const STATUS_ORDER: Record<string, number> = { running: 0, failed: 1, killed: 2, finished: 3 };

/** Runs in the order the tree shows them. `status` is the status a user sees; `metric` the sort metric's last value. */
export function orderRuns(runs: readonly RunRow[], sort: TreeSort, status: (uid: string) => RunStatusValue, metric?: (uid: string) => number | undefined): RunRow[] {
  const dir = sort.descending ? -1 : 1;
  const byKey = (a: RunRow, b: RunRow): number => {
    switch (sort.key) {
      case 'name': return dir * a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' });
      case 'status': return dir * ((STATUS_ORDER[status(a.uid)] ?? 9) - (STATUS_ORDER[status(b.uid)] ?? 9));
      case 'metric': {
        const x = metric?.(a.uid);
        const y = metric?.(b.uid);
        // Runs without the metric (or NaN) go last in either direction.
        const xm = x === undefined || Number.isNaN(x);
        const ym = y === undefined || Number.isNaN(y);
        if (xm || ym) return xm === ym ? 0 : xm ? 1 : -1;
        return dir * (x - y);
      }
      default: return dir * ((a.startTime ?? 0) - (b.startTime ?? 0));
    }
  };
  return [...runs].sort((a, b) => (Number(b.starred === true) - Number(a.starred === true)) || byKey(a, b) || (b.startTime ?? 0) - (a.startTime ?? 0) || b.id - a.id);
}

/** Experiments in the order the tree shows them, from each one's runs (already ordered). */
export function orderExperiments<T extends { readonly name: string; readonly latest: number; readonly best?: number; readonly running: number }>(list: readonly T[], sort: TreeSort): T[] {
  const dir = sort.descending ? -1 : 1;
  return [...list].sort((a, b) => {
    switch (sort.key) {
      case 'date': return dir * (a.latest - b.latest) || a.name.localeCompare(b.name);
      case 'status': return (b.running - a.running) || a.name.localeCompare(b.name);
      case 'metric': {
        if (a.best === undefined || b.best === undefined) return a.best === b.best ? a.name.localeCompare(b.name) : a.best === undefined ? 1 : -1;
        return dir * (a.best - b.best) || a.name.localeCompare(b.name);
      }
      default: return (sort.descending ? -1 : 1) * a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' });
    }
  });
}

/** "2 h 5 min", "12 min", "40 s": how long a run took or has been running. */
export function durationLabel(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  const h = Math.floor(s / 3600);
  if (h < 48) return `${h} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** "running for …" coarse enough that a row changes at most every few minutes. */
export function runningForLabel(seconds: number): string {
  const s = Math.max(0, seconds);
  if (s < 60) return 'running for < 1 min';
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const step = [45, 30, 20, 15, 10, 5, 2, 1].find((x) => m >= x)!;
    return `running for ${step}+ min`;
  }
  return `running for ${Math.floor(s / 3600)}+ h`;
}

/** A metric value short enough for a row: 4 significant digits. */
export function metricLabel(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (value !== 0 && (Math.abs(value) >= 1e6 || Math.abs(value) < 1e-3)) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}
