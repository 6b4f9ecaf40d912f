/**
 * The runs grid: TanStack Table (table-core) keeps the column model (order, visibility, sizes,
 * pins, multi-column sort); TanStack Virtual (virtual-core) decides which rows and which columns are
 * in view. Only those cells exist in the DOM, each keyed by run and column, so a live update changes
 * a cell's text in place and scrolling 10,000 runs × 300 columns touches a screenful of cells.
 */
import {
  createTable, getCoreRowModel, type ColumnDef, type ColumnOrderState, type ColumnPinningState, type ColumnSizingState,
  type SortingState, type Table, type TableState, type Updater, type VisibilityState,
} from '@tanstack/table-core';
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/virtual-core';
import type { TableColumn, TableRow } from '../../src/protocol/runsTable';
import { el } from '../shared/dom';
import { paletteColor } from '../shared/palette';
import { cellClass, cellTitle, formatCell } from './cells';

export const ROW_HEIGHT = 26;
const HEADER_HEIGHT = 48;

export interface GridState {
  order: ColumnOrderState;
  hidden: Set<string>;
  sizing: ColumnSizingState;
  pinned: string[];
  sorting: SortingState;
}

export interface GridCallbacks {
  /** The layout or sort changed (by a click in the header). */
  onLayout(sortChanged: boolean): void;
  /** Rows `from`–`to` are in view and some are not loaded. */
  needRows(from: number, to: number): void;
  onRowClick(index: number, e: MouseEvent): void;
  onRowOpen(uid: string): void;
}

type Def = ColumnDef<unknown, unknown>;

export class Grid {
  readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly header: HTMLElement;
  private readonly body: HTMLElement;
  private columns: TableColumn[] = [];
  private byId = new Map<string, TableColumn>();
  private table: Table<unknown>;
  private tableState: TableState;
  private rowV: Virtualizer<HTMLElement, HTMLElement>;
  private colV: Virtualizer<HTMLElement, HTMLElement>;
  private order: string[] = [];
  private readonly rows = new Map<string, TableRow>();
  private readonly rowEls = new Map<string, { el: HTMLElement; cells: Map<string, HTMLElement> }>();
  private frame = 0;
  selected = new Set<string>();

  constructor(parent: HTMLElement, readonly state: GridState, private readonly cb: GridCallbacks) {
    this.scroller = el('div', { className: 'grid', attrs: { role: 'grid', tabindex: '0' } });
    this.spacer = el('div', { className: 'spacer' });
    this.header = el('div', { className: 'header', attrs: { role: 'row' } });
    this.body = el('div', { className: 'body' });
    this.spacer.append(this.header, this.body);
    this.scroller.append(this.spacer);
    parent.append(this.scroller);
    this.table = createTable<unknown>({
      data: [], columns: [], getCoreRowModel: getCoreRowModel(), renderFallbackValue: null,
      state: {}, onStateChange: () => undefined, manualSorting: true, enableMultiSort: true, isMultiSortEvent: (e) => (e as MouseEvent).shiftKey,
      columnResizeMode: 'onChange', enableColumnResizing: true,
    });
    this.tableState = { ...this.table.initialState };
    this.table.setOptions((prev) => ({ ...prev, state: this.tableState }));
    this.rowV = new Virtualizer<HTMLElement, HTMLElement>({
      count: 0, getScrollElement: () => this.scroller, estimateSize: () => ROW_HEIGHT, overscan: 10, paddingStart: HEADER_HEIGHT,
      scrollToFn: elementScroll, observeElementRect, observeElementOffset, onChange: () => this.schedule(),
    });
    this.colV = new Virtualizer<HTMLElement, HTMLElement>({
      horizontal: true, count: 0, getScrollElement: () => this.scroller, estimateSize: (i) => this.centerColumns()[i]?.getSize() ?? 120,
      overscan: 3, scrollToFn: elementScroll, observeElementRect, observeElementOffset, onChange: () => this.schedule(),
    });
    this.rowV._didMount();
    this.colV._didMount();
    this.scroller.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('.row');
      if (row?.dataset.index) this.cb.onRowClick(Number(row.dataset.index), e);
    });
    this.scroller.addEventListener('dblclick', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('.row');
      if (row?.dataset.uid) this.cb.onRowOpen(row.dataset.uid);
    });
  }

  /** New columns from the host: kept state applies to those still there; new ones are appended. */
  setColumns(columns: TableColumn[]): void {
    this.columns = columns;
    this.byId = new Map(columns.map((c) => [c.id, c]));
    const known = new Set(this.state.order);
    this.state.order = [...this.state.order.filter((id) => this.byId.has(id)), ...columns.filter((c) => !known.has(c.id)).map((c) => c.id)];
    this.configure();
  }

  get allColumns(): readonly TableColumn[] {
    return this.columns;
  }

  /** Ids of the columns shown, in order, pinned ones first. */
  visibleColumnIds(): string[] {
    return [...this.table.getLeftVisibleLeafColumns(), ...this.table.getCenterVisibleLeafColumns()].map((c) => c.id);
  }

  column(id: string): TableColumn | undefined {
    return this.byId.get(id);
  }

  /** Re-reads `state` into the table model (after the chooser or a saved view changed it). */
  configure(): void {
    const visibility: VisibilityState = {};
    for (const c of this.columns) visibility[c.id] = !this.state.hidden.has(c.id);
    visibility['attr:name'] = true;
    const pinning: ColumnPinningState = { left: this.state.pinned.filter((id) => this.byId.has(id)), right: [] };
    const defs: Def[] = this.columns.map((c) => ({
      id: c.id, accessorFn: () => null, header: c.label, size: this.state.sizing[c.id] ?? defaultWidth(c), minSize: 40, maxSize: 2000,
      enableSorting: c.id !== 'attr:tags', enableMultiSort: true, sortDescFirst: c.numeric,
    }));
    this.tableState = { ...this.tableState, columnOrder: this.state.order, columnVisibility: visibility, columnSizing: this.state.sizing, columnPinning: pinning, sorting: this.state.sorting };
    this.table.setOptions((prev) => ({
      ...prev, columns: defs, state: this.tableState,
      onStateChange: (updater: Updater<TableState>) => this.onTableState(updater),
    }));
    this.colV.setOptions({ ...this.colV.options, count: this.centerColumns().length, paddingStart: this.pinnedWidth() });
    this.colV.measure();
    this.rebuildAll();
  }

  private onTableState(updater: Updater<TableState>): void {
    const next = typeof updater === 'function' ? updater(this.tableState) : updater;
    const sortChanged = next.sorting !== this.tableState.sorting;
    const sizeChanged = next.columnSizing !== this.tableState.columnSizing;
    this.tableState = next;
    this.state.sizing = next.columnSizing;
    this.state.sorting = next.sorting;
    this.state.order = next.columnOrder;
    this.table.setOptions((prev) => ({ ...prev, state: this.tableState }));
    if (sizeChanged) {
      this.colV.setOptions({ ...this.colV.options, paddingStart: this.pinnedWidth() });
      this.colV.measure();
    }
    this.rebuildAll();
    this.cb.onLayout(sortChanged);
  }

  setOrder(order: string[]): void {
    this.order = order;
    this.rowV.setOptions({ ...this.rowV.options, count: order.length });
    this.rowV.measure();
    this.rebuildAll();
  }

  get runOrder(): readonly string[] {
    return this.order;
  }

  /** Rows from the host: cells already in the DOM change in place. */
  putRows(rows: readonly TableRow[], replaceAll = false): void {
    if (replaceAll) this.rows.clear();
    for (const r of rows) this.rows.set(r.uid, r);
    this.schedule();
  }

  getRow(uid: string): TableRow | undefined {
    return this.rows.get(uid);
  }

  private centerColumns() {
    return this.table.getCenterVisibleLeafColumns();
  }

  private pinnedWidth(): number {
    return this.table.getLeftVisibleLeafColumns().reduce((w, c) => w + c.getSize(), 0);
  }

  private rebuildAll(): void {
    for (const r of this.rowEls.values()) r.el.remove();
    this.rowEls.clear();
    this.schedule();
  }

  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    this.rowV._willUpdate();
    this.colV._willUpdate();
    const left = this.table.getLeftVisibleLeafColumns();
    const center = this.centerColumns();
    const vcols = this.colV.getVirtualItems();
    const scrollLeft = this.scroller.scrollLeft;
    const pinnedWidth = this.pinnedWidth();
    const totalWidth = pinnedWidth + center.reduce((w, c) => w + c.getSize(), 0);
    this.spacer.style.width = `${totalWidth}px`;
    this.spacer.style.height = `${this.rowV.getTotalSize()}px`;
    const shown: Array<{ id: string; left: number; width: number; pinned: boolean }> = [];
    let x = 0;
    for (const c of left) {
      shown.push({ id: c.id, left: x + scrollLeft, width: c.getSize(), pinned: true });
      x += c.getSize();
    }
    for (const v of vcols) {
      const c = center[v.index];
      if (c) shown.push({ id: c.id, left: v.start, width: c.getSize(), pinned: false });
    }
    this.renderHeader(shown, totalWidth);
    const items = this.rowV.getVirtualItems();
    const keep = new Set<string>();
    let missingFrom = -1;
    let missingTo = -1;
    for (const item of items) {
      const uid = this.order[item.index];
      if (uid === undefined) continue;
      keep.add(uid);
      const row = this.rows.get(uid);
      if (!row) {
        if (missingFrom < 0) missingFrom = item.index;
        missingTo = item.index + 1;
      }
      let r = this.rowEls.get(uid);
      if (!r) {
        r = { el: el('div', { className: 'row', attrs: { role: 'row' } }), cells: new Map() };
        r.el.dataset.uid = uid;
        this.body.append(r.el);
        this.rowEls.set(uid, r);
      }
      r.el.dataset.index = String(item.index);
      r.el.style.transform = `translateY(${item.start}px)`;
      r.el.style.width = `${totalWidth}px`;
      r.el.classList.toggle('selected', this.selected.has(uid));
      r.el.classList.toggle('loading', !row);
      const used = new Set<string>();
      for (const s of shown) {
        used.add(s.id);
        let cell = r.cells.get(s.id);
        if (!cell) {
          cell = el('div', { attrs: { role: 'gridcell' } });
          cell.dataset.col = s.id;
          r.el.append(cell);
          r.cells.set(s.id, cell);
        }
        const col = this.byId.get(s.id);
        cell.style.left = `${s.left}px`;
        cell.style.width = `${s.width}px`;
        const className = `cell${s.pinned ? ' pinned' : ''}${col ? cellClass(col, row?.cells[s.id]) : ''}`;
        if (cell.className !== className) cell.className = className;
        updateCell(cell, col, row);
      }
      for (const [id, cell] of r.cells) {
        if (!used.has(id)) {
          cell.remove();
          r.cells.delete(id);
        }
      }
    }
    for (const [uid, r] of this.rowEls) {
      if (!keep.has(uid)) {
        r.el.remove();
        this.rowEls.delete(uid);
      }
    }
    if (missingFrom >= 0) this.cb.needRows(missingFrom, missingTo);
  }

  private renderHeader(shown: ReadonlyArray<{ id: string; left: number; width: number; pinned: boolean }>, totalWidth: number): void {
    this.header.replaceChildren();
    this.header.style.width = `${totalWidth}px`;
    const sortIndex = new Map(this.state.sorting.map((s, i) => [s.id, { i, desc: s.desc }]));
    let lastGroup = '';
    for (const s of shown) {
      const col = this.byId.get(s.id);
      const tc = this.table.getColumn(s.id);
      if (!col || !tc) continue;
      if (col.group !== lastGroup || s.pinned) {
        lastGroup = col.group;
        const g = el('div', { className: `group-label group-${col.group}${s.pinned ? ' pinned' : ''}`, text: col.group });
        g.style.left = `${s.left}px`;
        this.header.append(g);
      }
      const sort = sortIndex.get(s.id);
      const arrow = sort ? `${sort.desc ? ' \u25BC' : ' \u25B2'}${this.state.sorting.length > 1 ? String(sort.i + 1) : ''}` : '';
      const h = el('div', { className: `head${s.pinned ? ' pinned' : ''}${col.numeric ? ' num' : ''} group-${col.group}`, attrs: { role: 'columnheader', title: `${col.label}\n${col.group}${col.differs ? '' : ' · the same in every run shown'}\nClick to sort, Shift-click to add to the sort, drag to move, right-click to pin` } }, [
        el('span', { className: 'label', text: col.label }), el('span', { className: 'sort', text: arrow }),
      ]);
      h.dataset.column = s.id;
      h.style.left = `${s.left}px`;
      h.style.width = `${s.width}px`;
      h.draggable = true;
      if (tc.getCanSort()) h.addEventListener('click', (e) => tc.toggleSorting(undefined, e.shiftKey));
      h.addEventListener('contextmenu', (e) => {
        e.preventDefault();
        this.togglePin(s.id);
      });
      h.addEventListener('dragstart', (e) => e.dataTransfer?.setData('text/x-column', s.id));
      h.addEventListener('dragover', (e) => e.preventDefault());
      h.addEventListener('drop', (e) => {
        e.preventDefault();
        const moved = e.dataTransfer?.getData('text/x-column');
        if (moved && moved !== s.id) this.moveColumn(moved, s.id);
      });
      const header = this.table.getFlatHeaders().find((x) => x.column.id === s.id);
      const grip = el('div', { className: 'resizer' });
      if (header) {
        grip.addEventListener('mousedown', (e) => {
          e.stopPropagation();
          header.getResizeHandler()(e);
        });
      }
      grip.addEventListener('click', (e) => e.stopPropagation());
      h.append(grip);
      this.header.append(h);
    }
  }

  togglePin(id: string): void {
    this.state.pinned = this.state.pinned.includes(id) ? this.state.pinned.filter((x) => x !== id) : [...this.state.pinned, id];
    this.configure();
    this.cb.onLayout(false);
  }

  /** Moves column `id` to where `before` is. */
  moveColumn(id: string, before: string): void {
    const order = this.state.order.filter((x) => x !== id);
    const at = order.indexOf(before);
    order.splice(at < 0 ? order.length : at, 0, id);
    this.state.order = order;
    this.configure();
    this.cb.onLayout(false);
  }

  scrollToRow(index: number): void {
    this.rowV.scrollToIndex(index);
  }
}

function defaultWidth(c: TableColumn): number {
  if (c.id === 'attr:name') return 220;
  if (c.id === 'attr:note' || c.id === 'attr:tags') return 200;
  if (c.id === 'attr:start_time') return 150;
  return Math.min(220, Math.max(90, c.label.length * 7 + 30));
}

function updateCell(cell: HTMLElement, col: TableColumn | undefined, row: TableRow | undefined): void {
  if (!col || !row) {
    if (cell.textContent !== '') cell.textContent = '';
    return;
  }
  const value = row.cells[col.id];
  if (col.id === 'attr:name') {
    let swatch = cell.firstElementChild as HTMLElement | null;
    if (!swatch || !swatch.classList.contains('swatch')) {
      cell.replaceChildren(el('span', { className: 'swatch' }), el('span', { className: 'name' }));
      swatch = cell.firstElementChild as HTMLElement;
    }
    const colour = paletteColor(row.color);
    if (swatch.style.backgroundColor !== colour) swatch.style.backgroundColor = colour;
    const name = cell.lastElementChild as HTMLElement;
    const text = formatCell(col, value);
    if (name.textContent !== text) name.textContent = text;
    cell.title = text;
    return;
  }
  const text = formatCell(col, value);
  if (cell.textContent !== text) {
    cell.textContent = text;
    cell.title = cellTitle(col, value);
  }
}
