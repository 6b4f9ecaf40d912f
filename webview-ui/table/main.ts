/**
 * The runs table webview: a query box (errors shown under it at the offending token), free-text search,
 * status and tag chips, saved views and recent queries, the column chooser, bulk actions, and the grid.
 */
import { TABLE_ACTIONS, type FilterMessage, type HostToRunsTable, type MetricStat, type QueryProblem, type RunsTableToHost, type SavedView, type TableAction, type TableFilter, type TableLayout } from '../../src/protocol/runsTable';
import { el } from '../shared/dom';
import { getState, onHostMessage, post, setState } from '../shared/vscodeApi';
import { ColumnChooser } from './chooser';
import { Grid, type GridState } from './grid';
import { errorCaret } from './queryError';
import { selectionActions } from './selectionActions';
import '../shared/panel.css';
import './style.css';

const send = (m: RunsTableToHost) => post(m);
const ALL_STATS: MetricStat[] = ['metric.min', 'metric.max', 'metric.best_step'];
const STATUSES = ['running', 'finished', 'failed', 'killed'];

interface Persisted { query: string; freeText: string; statuses: string[]; tags: string[]; includeArchived: boolean; onlyDiffering: boolean; stats: boolean; hidden: string[]; order: string[]; pinned: string[]; sizing: Record<string, number>; sorting: Array<{ id: string; desc: boolean }> }
const saved = getState<Persisted>();
const ui = {
  query: saved?.query ?? '', freeText: saved?.freeText ?? '', statuses: new Set(saved?.statuses ?? []), tags: new Set(saved?.tags ?? []),
  includeArchived: saved?.includeArchived ?? false, onlyDiffering: saved?.onlyDiffering ?? false, stats: saved?.stats ?? false,
};
const gridState: GridState = {
  order: saved?.order ?? [], hidden: new Set(saved?.hidden ?? []), sizing: saved?.sizing ?? {}, pinned: saved?.pinned ?? ['attr:name'], sorting: saved?.sorting ?? [],
};
let experiment: string | undefined;
let views: SavedView[] = [];
let seq = 0;
let anchor = -1;
/** What the status line says about the last result (columns shown change with the chooser). */
let last = { total: 0, columns: 0, ms: '' };

const app = document.getElementById('app')!;
const queryInput = el('input', { className: 'query', attrs: { type: 'text', spellcheck: 'false', placeholder: 'metrics.val_acc > 0.9 and params.lr < 0.01 order by metrics.val_acc desc', 'aria-label': 'Query', list: 'recent-queries' } });
queryInput.value = ui.query;
const recentList = el('datalist', { attrs: { id: 'recent-queries' } });
const errorBox = el('div', { className: 'query-error', attrs: { role: 'alert' } });
errorBox.hidden = true;
const searchInput = el('input', { className: 'search', attrs: { type: 'search', placeholder: 'Search names, tags, notes', 'aria-label': 'Search names, tags and notes' } });
searchInput.value = ui.freeText;
const runButton = el('button', { className: 'button', text: 'Apply' });
const viewSelect = el('select', { className: 'views', attrs: { 'aria-label': 'Saved views' } });
const saveViewButton = el('button', { className: 'button secondary', text: 'Save view\u2026' });
const deleteViewButton = el('button', { className: 'button secondary', text: 'Delete view' });
const chips = el('div', { className: 'chips' });
const columnsButton = el('button', { className: 'button secondary', text: 'Columns\u2026' });
const toggles = el('div', { className: 'toggles' });
const actions = el('div', { className: 'actions' });
const compareButton = el('button', { className: 'button', text: 'Compare' });
const tagButton = el('button', { className: 'button secondary', text: 'Tag\u2026' });
const archiveButton = el('button', { className: 'button secondary', text: 'Archive', attrs: { title: 'Archive the selected runs: hidden until "Archived runs" is ticked' } });
const deleteButton = el('button', { className: 'button secondary', text: 'Delete\u2026', attrs: { title: 'Move the selected runs to the trash ("Restore from Trash" brings them back)' } });
const actionButtons: Record<TableAction, HTMLButtonElement> = { compare: compareButton, tag: tagButton, archive: archiveButton, delete: deleteButton };
const csvButton = el('button', { className: 'button secondary', text: 'Export CSV' });
const mdButton = el('button', { className: 'button secondary', text: 'Copy as Markdown' });
const status = el('div', { className: 'status-line', attrs: { 'aria-live': 'polite' } });
const gridBox = el('div', { className: 'grid-box' });

app.append(
  el('div', { className: 'query-row' }, [el('div', { className: 'query-box' }, [queryInput, recentList, errorBox]), runButton, searchInput]),
  el('div', { className: 'tool-row' }, [chips]),
  el('div', { className: 'tool-row' }, [columnsButton, toggles, el('span', { className: 'spacer-flex' }), viewSelect, saveViewButton, deleteViewButton]),
  el('div', { className: 'tool-row' }, [actions, el('span', { className: 'spacer-flex' }), status]),
  gridBox,
);
actions.append(compareButton, tagButton, archiveButton, deleteButton, csvButton, mdButton);

const grid = new Grid(gridBox, gridState, {
  onLayout: (sortChanged) => {
    persist();
    showStatus();
    if (sortChanged) apply();
    else if (chooser) chooser.render();
  },
  needRows: (from, to) => requestRows(from, to),
  onRowClick: (index, e) => select(index, e),
  onRowOpen: (uid) => send({ type: 'openRun', id: uid }),
});
const chooser = new ColumnChooser(grid, () => {
  persist();
  showStatus();
});
gridBox.append(chooser.root);

function toggle(label: string, get: () => boolean, set: (v: boolean) => void, refilter: boolean): void {
  const box = el('input', { attrs: { type: 'checkbox' } });
  box.checked = get();
  box.addEventListener('change', () => {
    set(box.checked);
    persist();
    if (refilter) apply();
  });
  toggles.append(el('label', { className: 'toggle' }, [box, el('span', { text: label })]));
}
toggle('Only columns that differ', () => ui.onlyDiffering, (v) => (ui.onlyDiffering = v), true);
toggle('Min, max, best step', () => ui.stats, (v) => (ui.stats = v), true);
toggle('Archived runs', () => ui.includeArchived, (v) => (ui.includeArchived = v), true);

function persist(): void {
  setState<Persisted>({
    query: queryInput.value, freeText: searchInput.value, statuses: [...ui.statuses], tags: [...ui.tags], includeArchived: ui.includeArchived,
    onlyDiffering: ui.onlyDiffering, stats: ui.stats, hidden: [...gridState.hidden], order: gridState.order, pinned: gridState.pinned, sizing: gridState.sizing, sorting: gridState.sorting,
  });
}

function showStatus(): void {
  status.textContent = `${last.total.toLocaleString()} run${last.total === 1 ? '' : 's'} \u00b7 ${grid.visibleColumnIds().length} of ${last.columns} columns${last.ms}`;
}

function currentFilter(): TableFilter {
  return {
    query: queryInput.value, freeText: searchInput.value, statuses: [...ui.statuses], tags: [...ui.tags], experiment, includeArchived: ui.includeArchived,
    sort: gridState.sorting.map((s) => ({ column: s.id, descending: s.desc })),
  };
}

function currentLayout(): TableLayout {
  return { columns: grid.visibleColumnIds(), pinned: gridState.pinned, widths: gridState.sizing, metricStats: ui.stats ? ALL_STATS : [], onlyDiffering: ui.onlyDiffering };
}

function apply(): void {
  persist();
  const message: FilterMessage = { filter: currentFilter(), layout: currentLayout() };
  send({ type: 'filter', seq: ++seq, json: JSON.stringify(message) });
}

let rowRequest = 0;
function requestRows(from: number, to: number): void {
  clearTimeout(rowRequest);
  rowRequest = window.setTimeout(() => send({ type: 'rows', from: Math.max(0, from - 20), to: to + 40 }), 30);
}

function showError(e: QueryProblem | undefined): void {
  errorBox.hidden = !e;
  queryInput.classList.toggle('invalid', !!e);
  if (!e) return;
  const { before, marked } = errorCaret(queryInput.value, e.start, e.end);
  errorBox.replaceChildren(
    el('div', { className: 'caret-line' }, [el('span', { className: 'caret-pad', text: before }), el('span', { className: 'caret', text: marked })]),
    el('div', { className: 'error-message', text: /\bcolumn \d/.test(e.message) ? e.message : `${e.message} (column ${e.start + 1})` }),
  );
}

function renderChips(statuses: Record<string, number>, tags: Array<{ tag: string; count: number }>): void {
  const chip = (label: string, count: number | undefined, on: boolean, onClick: () => void, cls = '') => {
    const b = el('button', { className: `chip${on ? ' on' : ''}${cls}`, text: count === undefined ? label : `${label} ${count}`, attrs: { 'aria-pressed': String(on) } });
    b.addEventListener('click', onClick);
    return b;
  };
  const flip = (set: Set<string>, v: string) => () => {
    if (set.has(v)) set.delete(v);
    else set.add(v);
    apply();
  };
  chips.replaceChildren(
    el('span', { className: 'muted', text: 'Status' }),
    ...STATUSES.map((s) => chip(s, statuses[s] ?? 0, ui.statuses.has(s), flip(ui.statuses, s), ` status-${s}`)),
    el('span', { className: 'muted', text: 'Tags' }),
    ...[...new Set([...ui.tags, ...tags.map((t) => t.tag)])].map((t) => chip(t, tags.find((x) => x.tag === t)?.count, ui.tags.has(t), flip(ui.tags, t))),
  );
}

function renderViews(): void {
  viewSelect.replaceChildren(el('option', { text: 'Saved views', attrs: { value: '' } }), ...views.map((v) => el('option', { text: v.name, attrs: { value: v.name } })));
}

function renderRecent(recent: string[]): void {
  recentList.replaceChildren(...recent.map((q) => el('option', { attrs: { value: q } })));
}

function updateActions(): void {
  const states = selectionActions(grid.selected.size);
  for (const action of TABLE_ACTIONS) {
    actionButtons[action].textContent = states[action].label;
    actionButtons[action].disabled = states[action].disabled;
  }
}

function select(index: number, e: MouseEvent): void {
  const order = grid.runOrder;
  const uid = order[index];
  if (uid === undefined) return;
  if (e.shiftKey && anchor >= 0) {
    const [a, b] = anchor < index ? [anchor, index] : [index, anchor];
    if (!(e.ctrlKey || e.metaKey)) grid.selected.clear();
    for (let i = a; i <= b; i++) grid.selected.add(order[i]);
  } else if (e.ctrlKey || e.metaKey) {
    if (grid.selected.has(uid)) grid.selected.delete(uid);
    else grid.selected.add(uid);
    anchor = index;
  } else {
    grid.selected = new Set([uid]);
    anchor = index;
  }
  grid.schedule();
  updateActions();
  send({ type: 'selection', json: JSON.stringify([...grid.selected]) });
}

function useView(v: SavedView): void {
  queryInput.value = v.query;
  if (v.columns.length) {
    const shown = new Set(v.columns);
    gridState.hidden = new Set(grid.allColumns.map((c) => c.id).filter((id) => !shown.has(id)));
    gridState.order = [...v.columns, ...gridState.order.filter((id) => !shown.has(id))];
  } else gridState.hidden = new Set();
  gridState.pinned = [...v.pinned];
  gridState.sizing = { ...v.widths };
  gridState.sorting = v.sort.map((s) => ({ id: s.column, desc: s.descending }));
  ui.stats = v.metricStats.length > 0;
  grid.configure();
  apply();
}

queryInput.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') apply();
});
queryInput.addEventListener('input', () => persist());
runButton.addEventListener('click', () => apply());
let searchTimer = 0;
searchInput.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = window.setTimeout(apply, 200);
});
columnsButton.addEventListener('click', () => chooser.toggle());
viewSelect.addEventListener('change', () => {
  const v = views.find((x) => x.name === viewSelect.value);
  if (v) useView(v);
});
saveViewButton.addEventListener('click', () => send({ type: 'saveView', json: JSON.stringify({ filter: currentFilter(), layout: currentLayout() }) }));
deleteViewButton.addEventListener('click', () => {
  if (viewSelect.value) send({ type: 'deleteView', name: viewSelect.value });
});
for (const action of TABLE_ACTIONS) {
  actionButtons[action].addEventListener('click', () => send({ type: 'action', action, json: JSON.stringify([...grid.selected]) }));
}
csvButton.addEventListener('click', () => send({ type: 'export', format: 'csv', json: JSON.stringify(grid.visibleColumnIds()) }));
mdButton.addEventListener('click', () => send({ type: 'export', format: 'markdown', json: JSON.stringify(grid.visibleColumnIds()) }));
document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === 'a' && document.activeElement === grid.scroller) {
    e.preventDefault();
    grid.selected = new Set(grid.runOrder);
    grid.schedule();
    updateActions();
    send({ type: 'selection', json: JSON.stringify([...grid.selected]) });
  }
});

onHostMessage<HostToRunsTable>((m) => {
  switch (m.type) {
    case 'init':
      experiment = m.filter.experiment;
      views = m.views;
      renderViews();
      renderRecent(m.recent);
      saveViewButton.title = `Views are kept in ${m.viewsFile}`;
      apply();
      break;
    case 'result': {
      if (m.seq !== -1 && m.seq !== seq) return;
      showError(undefined);
      const shownColumns = ui.onlyDiffering ? m.columns.filter((c) => c.differs || c.id === 'attr:name') : m.columns;
      grid.setColumns(shownColumns);
      grid.putRows(m.rows, true);
      grid.setOrder(m.order);
      const present = new Set(m.order);
      for (const uid of grid.selected) if (!present.has(uid)) grid.selected.delete(uid);
      renderChips(m.statuses, m.tags);
      updateActions();
      last = { total: m.total, columns: m.columns.length, ms: m.seq === -1 ? last.ms : ` \u00b7 ${m.ms} ms` };
      showStatus();
      if (chooser) chooser.render();
      break;
    }
    case 'queryError':
      if (m.seq === seq) showError(m.error);
      break;
    case 'rows':
      grid.putRows(m.rows);
      break;
    case 'views':
      views = m.views;
      renderViews();
      renderRecent(m.recent);
      break;
    case 'select':
      grid.selected = new Set(m.uids);
      grid.schedule();
      updateActions();
      break;
  }
});

updateActions();
send({ type: 'ready' });
