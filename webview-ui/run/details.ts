import type { RunSummary } from '../../src/protocol/runPanel';
import { el } from '../shared/dom';
import { box } from './pageState';

/** Sections below the run's title: everything about the run except its charts. */

function formatBytes(n: number | null): string {
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

function keyValueTable(rows: Array<[string, string]>): HTMLTableElement {
  const table = el('table', { className: 'kv' });
  for (const [k, v] of rows) table.append(el('tr', {}, [el('th', { text: k }), el('td', { text: v })]));
  return table;
}

function display(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** What needs attention first, under the run's title: why it failed, and its alerts. */
export function renderAlerts(r: RunSummary): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (r.status === 'failed' && r.statusMessage) out.push(box('failure', 'Why it failed', true, el('pre', { className: 'trace', text: r.statusMessage }), 'failure'));
  const triggered = r.alerts.filter((a) => a.triggeredStep !== null);
  if (r.alerts.length) {
    const list = el('ul', { className: 'alerts' });
    for (const a of r.alerts) {
      const state = a.triggeredStep === null ? 'watching' : `triggered at step ${a.triggeredStep} (value ${a.triggeredValue ?? 'NaN'})`;
      list.append(el('li', { className: `alert alert-${a.level}${a.triggeredStep === null ? '' : ' triggered'}` }, [
        el('code', { text: a.condition }),
        el('span', { text: ` — ${state}${a.message ? `: ${a.message}` : ''}` }),
      ]));
    }
    out.push(box('alerts', `Alerts (${triggered.length} of ${r.alerts.length} triggered)`, triggered.length > 0, list));
  }
  return out;
}

/** Parameters and datasets, below the charts. */
export function renderDetails(r: RunSummary): HTMLElement[] {
  const out: HTMLElement[] = [];
  const params = Object.keys(r.params);
  if (params.length) out.push(box('params', `Parameters (${params.length})`, params.length <= 12, keyValueTable(params.map((k) => [k, display(r.params[k])])), 'params-box'));
  if (r.datasets.length) {
    const table = el('table', { className: 'kv' });
    table.append(el('tr', {}, ['name', 'context', 'location', 'size', 'sha256', 'description'].map((h) => el('th', { text: h }))));
    for (const d of r.datasets) {
      table.append(el('tr', {}, [d.name, d.context, d.location, formatBytes(d.size), d.sha256 ? d.sha256.slice(0, 12) : '', d.description].map((t) => el('td', { text: t }))));
    }
    out.push(box('datasets', `Datasets (${r.datasets.length})`, true, table));
  }
  return out;
}

/** Console output in a <pre>, following its end while the user has not scrolled up. */
export class ConsoleView {
  readonly element: HTMLDetailsElement;
  private readonly pre = el('pre', { className: 'console', attrs: { tabindex: '0', 'aria-label': 'console output' } });
  private readonly note = el('p', { className: 'muted' });

  constructor() {
    this.element = box('console', 'Console output', false, el('div', {}, [this.note, this.pre]));
    this.element.hidden = true;
  }

  update(text: string, skipped: number): void {
    const atEnd = this.pre.scrollTop + this.pre.clientHeight >= this.pre.scrollHeight - 4;
    this.element.hidden = text === '';
    this.note.textContent = skipped > 0 ? `The first ${formatBytes(skipped)} are left out; the file is console.log in the run folder.` : '';
    this.pre.textContent = text;
    if (atEnd) this.pre.scrollTop = this.pre.scrollHeight;
  }
}
