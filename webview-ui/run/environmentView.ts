import type { RunSummary } from '../../src/protocol/runPanel';
import { environmentView, filterPackages, type EnvPackage, type EnvRow } from './environment';
import { el } from '../shared/dom';
import { box } from './pageState';

/** Packages listed at most at once; a search narrows the rest down. */
const MAX_PACKAGES_SHOWN = 400;

function copyButton(value: string): HTMLElement {
  const b = el('button', { className: 'link-button copy', text: 'Copy', attrs: { type: 'button', 'aria-label': 'copy to the clipboard' } });
  b.addEventListener('click', () => {
    void navigator.clipboard.writeText(value).then(
      () => (b.textContent = 'Copied'),
      () => (b.textContent = 'Copy failed'),
    );
    setTimeout(() => (b.textContent = 'Copy'), 1500);
  });
  return b;
}

function rowsTable(rows: readonly EnvRow[]): HTMLTableElement {
  const table = el('table', { className: 'kv' });
  for (const r of rows) {
    const td = el('td', {}, [el(r.copy ? 'code' : 'span', { text: r.value })]);
    if (r.copy) td.append(copyButton(r.value));
    table.append(el('tr', {}, [el('th', { text: r.label }), td]));
  }
  return table;
}

function packageList(packages: readonly EnvPackage[]): HTMLElement {
  const list = el('table', { className: 'kv packages' });
  const note = el('p', { className: 'muted' });
  const search = el('input', { className: 'search', attrs: { type: 'search', placeholder: `Search ${packages.length} packages`, 'aria-label': 'search packages' } });
  const show = () => {
    const found = filterPackages(packages, search.value);
    list.replaceChildren(...found.slice(0, MAX_PACKAGES_SHOWN).map((p) => el('tr', {}, [el('th', { text: p.name }), el('td', { text: p.version })])));
    note.textContent = found.length > MAX_PACKAGES_SHOWN ? `${MAX_PACKAGES_SHOWN} of ${found.length} shown; search to find the others.` : found.length === 0 ? 'No package matches.' : '';
  };
  search.addEventListener('input', show);
  show();
  return el('div', { className: 'package-list' }, [el('h4', { text: `Packages (${packages.length})` }), search, note, list]);
}

/** The run's environment as readable sections: command, git, Python and packages, system, hardware, times. */
export function renderEnvironment(r: RunSummary, openDiff: (file: string) => void): HTMLElement | null {
  const view = environmentView(r.env, { startTime: r.startTime, lastActivity: r.lastActivity, running: r.status === 'running' });
  if (view.sections.length === 0 && view.packages.length === 0) return null;
  const body = el('div', { className: 'environment' });
  for (const s of view.sections) {
    const part = el('section', { className: 'env-section', attrs: { 'data-env': s.id } }, [el('h4', { text: s.title }), rowsTable(s.rows)]);
    if (s.id === 'git' && view.gitDiff) {
      const diff = view.gitDiff;
      const link = el('button', { className: 'link-button', text: `Show the uncommitted changes (${diff})`, attrs: { type: 'button' } });
      link.addEventListener('click', () => openDiff(diff));
      part.append(link);
    }
    if (s.id === 'python' && view.packages.length) part.append(packageList(view.packages));
    body.append(part);
  }
  if (!view.sections.some((s) => s.id === 'python') && view.packages.length) body.append(packageList(view.packages));
  return box('environment', 'Environment', false, body, 'environment-box');
}
