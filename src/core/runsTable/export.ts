/**
 * The visible runs table as CSV (a file to open in a spreadsheet) and as a Markdown table (to paste
 * into a note, an issue or a pull request).
 */
import type { CellValue, TableColumn } from './columns';
import type { TableRow } from './table';

/** A cell as plain text: numbers as JavaScript writes them, tags joined with `, `, empty as ''. */
export function cellText(value: CellValue | undefined, column?: Pick<TableColumn, 'kind' | 'key'>): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'number' && column?.kind === 'attr' && column.key === 'start_time') return new Date(value * 1000).toISOString();
  return String(value);
}

/**
 * A CSV field. Text a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, or a tab
 * or carriage return before one) gets a leading `'`, so that a run name or param from a log never
 * runs in the spreadsheet of whoever opens the file (OWASP's advice on CSV injection). Numbers are
 * written as numbers, negative ones included. Quoted when it holds a comma, quote or line break.
 */
export function csvField(value: CellValue | undefined, column?: Pick<TableColumn, 'kind' | 'key'>): string {
  let text = cellText(value, column);
  if (typeof value !== 'number' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The table as CSV: a header of column labels, then one line per row, CRLF line ends (RFC 4180). */
export function tableCsv(columns: readonly TableColumn[], rows: readonly TableRow[]): string {
  const lines = [columns.map((c) => csvField(c.label)).join(',')];
  const ids = columns.map((c) => c.id);
  // Only the start time writes a number differently (as a date); any other number is its own field.
  const plainNumbers = columns.map((c) => !(c.kind === 'attr' && c.key === 'start_time'));
  for (const r of rows) {
    let line = '';
    for (let i = 0; i < columns.length; i++) {
      const v = r.cells[ids[i]];
      const field = typeof v === 'number' && plainNumbers[i] ? String(v) : csvField(v, columns[i]);
      line = i === 0 ? field : `${line},${field}`;
    }
    lines.push(line);
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** A Markdown table cell: pipes and backslashes escaped, line breaks as spaces, HTML made inert. */
export function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The table as GitHub-flavoured Markdown; numeric columns are right-aligned. */
export function tableMarkdown(columns: readonly TableColumn[], rows: readonly TableRow[]): string {
  const lines = [
    `| ${columns.map((c) => markdownCell(c.label)).join(' | ')} |`,
    `| ${columns.map((c) => (c.numeric ? '---:' : '---')).join(' | ')} |`,
  ];
  for (const r of rows) lines.push(`| ${columns.map((c) => markdownCell(cellText(r.cells[c.id], c))).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}
