import type { RunSummary } from '../../src/protocol/runPanel';
import { el } from '../shared/dom';
import { box } from './pageState';
import { formatBytes } from './previewRender';

/** Sections below the run's title: everything about the run except its charts. */

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

/** What the datasets table asks of the host. */
export interface DatasetActions {
  openDataset(index: number): void;
  openRun(id: string): void;
}

/** Each dataset linked to its file, folder or address, with the other runs that used the same data. */
function datasetsTable(r: RunSummary, on: DatasetActions): HTMLTableElement {
  const table = el('table', { className: 'data-table datasets' });
  table.append(el('tr', {}, ['name', 'context', 'location', 'size', 'sha256', 'description', 'also used by'].map((h) => el('th', { text: h }))));
  r.datasets.forEach((d, i) => {
    const link = el('a', { text: d.location || '(no location)', attrs: { href: '#', title: `Open ${d.location}` } });
    link.addEventListener('click', (e) => {
      e.preventDefault();
      on.openDataset(i);
    });
    const users = el('td');
    const same = d.sameData ?? [];
    same.slice(0, 8).forEach((u, j) => {
      const a = el('a', { text: u.name, attrs: { href: '#', title: `${u.experiment} / ${u.name}` } });
      a.addEventListener('click', (e) => {
        e.preventDefault();
        on.openRun(u.id);
      });
      users.append(...(j ? [document.createTextNode(', ')] : []), a);
    });
    if (same.length > 8) users.append(document.createTextNode(` and ${same.length - 8} more`));
    if (same.length === 0) users.append(el('span', { className: 'muted', text: d.sha256 ? 'no other run' : '—' }));
    table.append(el('tr', {}, [
      el('td', { text: d.name }), el('td', { text: d.context }), el('td', {}, [link]), el('td', { className: 'num', text: formatBytes(d.size) }),
      el('td', {}, [el('code', { text: d.sha256 ? d.sha256.slice(0, 12) : '', attrs: { title: d.sha256 ?? '' } })]), el('td', { text: d.description }), users,
    ]));
  });
  return table;
}

/** Parameters and datasets, below the charts. */
export function renderDetails(r: RunSummary, on: DatasetActions): HTMLElement[] {
  const out: HTMLElement[] = [];
  const params = Object.keys(r.params);
  if (params.length) out.push(box('params', `Parameters (${params.length})`, params.length <= 12, keyValueTable(params.map((k) => [k, display(r.params[k])])), 'params-box'));
  if (r.datasets.length) out.push(box('datasets', `Datasets (${r.datasets.length})`, true, datasetsTable(r, on)));
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
