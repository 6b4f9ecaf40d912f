import Papa from 'papaparse';
import type { ArtifactPreviewData } from '../../src/protocol/runPanel';
import { naturalCompare } from './metricLayout';
import { el } from '../shared/dom';
import { renderMarkdown } from '../shared/markdown';

/**
 * The inline preview of one artifact, built from what the host read. Every string from the file
 * goes through textContent or the Markdown sanitizer; images, SVG, audio and video are shown only
 * by `<img>`, `<audio>` and `<video>` from data: URLs, where no script of theirs runs.
 */

/** Rows of a CSV/TSV shown at most. */
export const MAX_TABLE_ROWS = 500;
/** Children of a JSON/YAML node listed at most when it is opened. */
const MAX_TREE_CHILDREN = 500;

export function formatBytes(n: number | null): string {
  if (n === null) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

function notice(text: string): HTMLElement {
  return el('p', { className: 'muted preview-notice', text });
}

/** An image that fills the page on a click (and goes back on another click or Escape). */
export function enlargeableImage(src: string, alt: string): HTMLElement {
  const img = el('img', { className: 'preview-image', attrs: { src, alt, title: 'Click to enlarge' } });
  img.addEventListener('click', () => {
    const big = el('img', { attrs: { src, alt } });
    const overlay = el('div', { className: 'lightbox', attrs: { role: 'dialog', 'aria-label': alt, tabindex: '0' } }, [big]);
    const close = () => overlay.remove();
    overlay.addEventListener('click', close);
    overlay.addEventListener('keydown', (e) => e.key === 'Escape' && close());
    document.body.append(overlay);
    overlay.focus();
  });
  return img;
}

/** A CSV/TSV as a table of its first rows, sorted by a click on a column header. */
export function csvTable(text: string, delimiter: ',' | '\t', truncated: boolean): HTMLElement {
  const parsed = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: true, preview: MAX_TABLE_ROWS + 1 });
  const rows = parsed.data;
  if (rows.length === 0) return notice('The file is empty.');
  const header = rows[0];
  const body = rows.slice(1, MAX_TABLE_ROWS + 1);
  const lineCount = text.split('\n').filter((l) => l.trim() !== '').length - 1;
  const wrap = el('div', { className: 'preview-table' });
  let sortCol = -1;
  let descending = false;
  const table = el('table', { className: 'data-table' });
  const draw = () => {
    const sorted = sortCol < 0 ? body : [...body].sort((a, b) => {
      const x = a[sortCol] ?? '';
      const y = b[sortCol] ?? '';
      const nx = Number(x);
      const ny = Number(y);
      const r = x !== '' && y !== '' && Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : naturalCompare(x, y);
      return descending ? -r : r;
    });
    const head = el('tr', {}, header.map((h, i) => {
      const b = el('button', { className: 'link-button', text: `${h}${i === sortCol ? (descending ? ' ▾' : ' ▴') : ''}`, attrs: { type: 'button' } });
      b.addEventListener('click', () => {
        descending = i === sortCol ? !descending : false;
        sortCol = i;
        draw();
      });
      return el('th', { attrs: { scope: 'col' } }, [b]);
    }));
    const tbody = el('tbody', {}, sorted.map((r) => el('tr', {}, header.map((_, i) => el('td', { text: r[i] ?? '' })))));
    table.replaceChildren(el('thead', {}, [head]), tbody);
  };
  draw();
  const more = body.length < lineCount || truncated;
  if (more) wrap.append(notice(`The first ${body.length.toLocaleString()} rows${truncated ? ' (the file is longer than what is read for a preview)' : ` of ${lineCount.toLocaleString()}`}; open the file to see all.`));
  wrap.append(table);
  return wrap;
}

function scalarText(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  return String(v);
}

/** A JSON or YAML value as a tree: objects and arrays are folded (`<details>`), opened on demand. */
export function valueTree(value: unknown, label = '', depth = 0): HTMLElement {
  if (value === null || typeof value !== 'object') {
    return el('div', { className: 'tree-leaf' }, [label ? el('span', { className: 'tree-key', text: `${label}: ` }) : null, el('span', { className: `tree-value tree-${value === null ? 'null' : typeof value}`, text: scalarText(value) })]);
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
  const kind = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  const details = el('details', { className: 'tree-node' }, [el('summary', {}, [label ? el('span', { className: 'tree-key', text: `${label} ` }) : null, el('span', { className: 'muted', text: kind })])]);
  let filled = false;
  const fill = () => {
    if (filled) return;
    filled = true;
    const list = el('div', { className: 'tree-children' });
    for (const [k, v] of entries.slice(0, MAX_TREE_CHILDREN)) list.append(valueTree(v, k, depth + 1));
    if (entries.length > MAX_TREE_CHILDREN) list.append(notice(`${entries.length - MAX_TREE_CHILDREN} more not shown`));
    details.append(list);
  };
  details.addEventListener('toggle', () => details.open && fill());
  if (depth < 2) {
    details.open = true;
    fill();
  }
  return details;
}

/** The preview's content (without the header with name and buttons). */
export function renderPreview(p: ArtifactPreviewData, name: string): HTMLElement {
  switch (p.kind) {
    case 'image':
    case 'svg':
      return el('div', { className: 'preview-media' }, [enlargeableImage(p.dataUrl, name)]);
    case 'audio':
      return el('audio', { attrs: { controls: '', src: p.dataUrl, preload: 'metadata' } });
    case 'video':
      return el('video', { className: 'preview-video', attrs: { controls: '', src: p.dataUrl, preload: 'metadata' } });
    case 'markdown':
      return el('div', {}, [p.truncated ? notice('Only the start of the file is shown.') : null, renderMarkdown(p.text)]);
    case 'csv':
    case 'tsv':
      return csvTable(p.text, p.kind === 'csv' ? ',' : '\t', p.truncated);
    case 'json':
    case 'yaml':
      if (p.value !== undefined && !p.error) return el('div', { className: 'value-tree' }, [valueTree(p.value)]);
      return el('div', {}, [notice(p.error ?? 'cannot be read'), el('pre', { className: 'preview-text', text: p.text })]);
    case 'text':
      return el('div', {}, [p.truncated ? notice(`Only the first ${formatBytes(p.text.length)} of ${formatBytes(p.size)} are shown.`) : null, el('pre', { className: 'preview-text', text: p.text })]);
    case 'pdf':
      // Drawn by the PDF viewer (artifactsView.ts), which loads on demand; this is never reached there.
      return notice(`A PDF of ${formatBytes(p.size)}.`);
    case 'binary':
      return el('table', { className: 'kv' }, [
        el('tr', {}, [el('th', { text: 'size' }), el('td', { text: `${formatBytes(p.size)} (${p.size.toLocaleString()} bytes)` })]),
        el('tr', {}, [el('th', { text: 'SHA-256' }), el('td', {}, [el('code', { text: p.sha256 ?? 'not computed (the file is very large)' })])]),
      ]);
  }
}
