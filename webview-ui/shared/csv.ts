/**
 * CSV text of a chart's data (RFC 4180 quoting). A cell that a spreadsheet would take for a
 * formula (starting with =, +, -, @, tab or carriage return) gets a leading apostrophe, unless it
 * is a plain number. Pure: no DOM.
 */
function cell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  let s = v;
  if (/^[=+\-@\t\r]/.test(s) && !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** A file name from a chart title: letters, digits, `-`, `_` and `.` kept, the rest `_`. */
export function fileNameFor(title: string, ext: string): string {
  const base = title.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'chart';
  return `${base}.${ext}`;
}
