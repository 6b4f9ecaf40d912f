import type { SeriesData } from '../../src/protocol/runPanel';
import { formatNumber, summarizeMetric } from './metricSummary';
import { naturalCompare } from './metricLayout';
import { el } from '../shared/dom';
import { box } from './pageState';

/** Metrics logged once (a test accuracy, a parameter count) as numbers in a strip above the charts. */
export function summaryStrip(keys: readonly string[], data: ReadonlyMap<string, SeriesData>): HTMLElement | null {
  if (keys.length === 0) return null;
  const strip = el('div', { className: 'summary-strip', attrs: { 'aria-label': 'metrics with one value' } });
  for (const key of keys) {
    const s = data.get(key);
    const v = s && s.values.length ? s.values[s.values.length - 1] : null;
    strip.append(el('div', { className: 'scalar', attrs: { 'data-key': key, title: s && s.steps.length ? `${key} at step ${s.steps[0]}` : key } }, [
      el('span', { className: 'scalar-value', text: formatNumber(v) }),
      el('span', { className: 'scalar-key', text: key }),
    ]));
  }
  return strip;
}

type Column = 'key' | 'last' | 'min' | 'max' | 'bestStep' | 'count';
const COLUMNS: ReadonlyArray<[Column, string]> = [['key', 'metric'], ['last', 'last'], ['min', 'min'], ['max', 'max'], ['bestStep', 'best step'], ['count', 'points']];

/** Every metric's last, lowest and highest value and the step of its best, in a table sorted by a click on a column. */
export class SummaryTable {
  readonly element: HTMLDetailsElement;
  private readonly body = el('div');
  private sortBy: Column = 'key';
  private descending = false;
  private data: ReadonlyMap<string, SeriesData> = new Map();

  constructor() {
    this.element = box('summary-table', 'Metrics summary', false, this.body, 'summary-table');
    this.element.addEventListener('toggle', () => this.render());
  }

  update(data: ReadonlyMap<string, SeriesData>): void {
    this.data = data;
    this.element.hidden = data.size === 0;
    (this.element.querySelector('summary') as HTMLElement).textContent = `Metrics summary (${data.size})`;
    if (this.element.open) this.render();
  }

  private render(): void {
    if (!this.element.open) return;
    const rows = [...this.data.values()].map((s) => summarizeMetric(s.key, s.steps, s.values, s.total));
    const col = this.sortBy;
    rows.sort((a, b) => {
      const r = col === 'key' ? naturalCompare(a.key, b.key) : (a[col] ?? -Infinity) - (b[col] ?? -Infinity);
      return this.descending ? -r : r;
    });
    const head = el('tr', {}, COLUMNS.map(([c, label]) => {
      const th = el('th', { attrs: { scope: 'col', 'aria-sort': c === col ? (this.descending ? 'descending' : 'ascending') : 'none' } });
      const button = el('button', { className: 'link-button', text: `${label}${c === col ? (this.descending ? ' ▾' : ' ▴') : ''}`, attrs: { type: 'button' } });
      button.addEventListener('click', () => {
        this.descending = c === this.sortBy ? !this.descending : false;
        this.sortBy = c;
        this.render();
      });
      th.append(button);
      return th;
    }));
    const table = el('table', { className: 'data-table metrics-table' }, [el('thead', {}, [head])]);
    const tbody = el('tbody');
    for (const r of rows) {
      const best = r.bestStep === null ? '—' : `${r.bestStep} (${r.goal === 'min' ? 'lowest' : 'highest'})`;
      tbody.append(el('tr', { attrs: { 'data-key': r.key } }, [
        el('td', { text: r.key }),
        el('td', { className: 'num', text: formatNumber(r.last) }),
        el('td', { className: 'num', text: formatNumber(r.min) }),
        el('td', { className: 'num', text: formatNumber(r.max) }),
        el('td', { className: 'num', text: best }),
        el('td', { className: 'num', text: r.count.toLocaleString() }),
      ]));
    }
    table.append(tbody);
    this.body.replaceChildren(table);
  }
}
