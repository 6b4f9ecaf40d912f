/** How a cell of the runs table reads: numbers compact, times local, durations in h/m/s, tags joined. */
import type { CellValue, TableColumn } from '../../src/protocol/runsTable';

/** A number with at most 6 significant digits (0.912345, 1.2e-7, 12345.7). */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  const a = Math.abs(n);
  if (a !== 0 && (a < 1e-4 || a >= 1e9)) return n.toExponential(3);
  return String(Number(n.toPrecision(6)));
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function formatTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatCell(col: TableColumn, value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'number') {
    if (col.id === 'attr:start_time') return formatTime(value);
    if (col.id === 'attr:duration') return formatDuration(value);
    return formatNumber(value);
  }
  return String(value);
}

/** The full value, for the cell's tooltip. */
export function cellTitle(col: TableColumn, value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join('\n');
  if (typeof value === 'number' && col.id === 'attr:start_time') return new Date(value * 1000).toString();
  return String(value);
}

/** Extra classes of a cell: numbers right-aligned, statuses coloured. */
export function cellClass(col: TableColumn, value: CellValue | undefined): string {
  if (col.id === 'attr:status' && typeof value === 'string') return ` status-${value.replace(/[^a-z]/g, '')}`;
  if (typeof value === 'number') return ' num';
  return '';
}
