/**
 * The column chooser: search, a group filter (attributes / params / metrics / system), show or hide
 * each column or every match at once, pin to the left, move up and down.
 */
import type { TableColumn } from '../../src/protocol/runsTable';
import { el } from '../shared/dom';
import type { Grid } from './grid';

/** Most columns listed at once (a search narrows the rest). */
const MAX_LISTED = 500;

export class ColumnChooser {
  readonly root: HTMLElement;
  private readonly list: HTMLElement;
  private readonly search: HTMLInputElement;
  private readonly count: HTMLElement;
  private group = '';

  constructor(private readonly grid: Grid, private readonly changed: () => void) {
    this.search = el('input', { className: 'chooser-search', attrs: { type: 'search', placeholder: 'Search columns', 'aria-label': 'Search columns' } });
    this.search.addEventListener('input', () => this.render());
    const groups = el('div', { className: 'chooser-groups' });
    for (const [value, label] of [['', 'All'], ['attributes', 'Attributes'], ['params', 'Params'], ['metrics', 'Metrics'], ['system', 'System']]) {
      const b = el('button', { className: `chip${value === '' ? ' on' : ''}`, text: label });
      b.addEventListener('click', () => {
        this.group = value;
        for (const x of groups.children) x.classList.toggle('on', x === b);
        this.render();
      });
      groups.append(b);
    }
    const showAll = el('button', { className: 'link-button', text: 'Show all matching' });
    showAll.addEventListener('click', () => this.setMatching(true));
    const hideAll = el('button', { className: 'link-button', text: 'Hide all matching' });
    hideAll.addEventListener('click', () => this.setMatching(false));
    this.count = el('span', { className: 'muted' });
    this.list = el('div', { className: 'chooser-list', attrs: { role: 'list' } });
    this.root = el('div', { className: 'chooser', attrs: { role: 'dialog', 'aria-label': 'Columns' } }, [
      this.search, groups, el('div', { className: 'chooser-actions' }, [showAll, hideAll, this.count]), this.list,
    ]);
    this.root.hidden = true;
  }

  toggle(): void {
    this.root.hidden = !this.root.hidden;
    if (!this.root.hidden) {
      this.render();
      this.search.focus();
    }
  }

  private matching(): TableColumn[] {
    const words = this.search.value.toLowerCase().split(/\s+/).filter(Boolean);
    const byId = new Map(this.grid.allColumns.map((c) => [c.id, c]));
    return this.grid.state.order.flatMap((id) => byId.get(id) ?? []).filter((c) =>
      (!this.group || c.group === this.group) && words.every((w) => c.label.toLowerCase().includes(w) || c.group.includes(w)));
  }

  private setMatching(show: boolean): void {
    for (const c of this.matching()) {
      if (c.id === 'attr:name') continue;
      if (show) this.grid.state.hidden.delete(c.id);
      else this.grid.state.hidden.add(c.id);
    }
    this.apply();
  }

  private apply(): void {
    this.grid.configure();
    this.changed();
    this.render();
  }

  render(): void {
    if (this.root.hidden) return;
    const cols = this.matching();
    this.count.textContent = `${cols.length} column${cols.length === 1 ? '' : 's'}${cols.length > MAX_LISTED ? `, first ${MAX_LISTED} listed` : ''}`;
    const items = cols.slice(0, MAX_LISTED).map((c) => {
      const shown = el('input', { attrs: { type: 'checkbox', 'aria-label': `Show ${c.label}` } });
      shown.checked = !this.grid.state.hidden.has(c.id);
      shown.disabled = c.id === 'attr:name';
      shown.addEventListener('change', () => {
        if (shown.checked) this.grid.state.hidden.delete(c.id);
        else this.grid.state.hidden.add(c.id);
        this.apply();
      });
      const pinned = this.grid.state.pinned.includes(c.id);
      const pin = el('button', { className: `icon-button${pinned ? ' on' : ''}`, text: pinned ? 'Unpin' : 'Pin', attrs: { title: pinned ? 'Unpin' : 'Pin to the left' } });
      pin.addEventListener('click', () => {
        this.grid.togglePin(c.id);
        this.render();
      });
      const up = el('button', { className: 'icon-button', text: '\u2191', attrs: { title: 'Move left', 'aria-label': `Move ${c.label} left` } });
      up.addEventListener('click', () => this.move(c.id, -1));
      const down = el('button', { className: 'icon-button', text: '\u2193', attrs: { title: 'Move right', 'aria-label': `Move ${c.label} right` } });
      down.addEventListener('click', () => this.move(c.id, 1));
      return el('label', { className: `chooser-item${c.differs ? '' : ' same'}`, attrs: { role: 'listitem' } }, [
        shown, el('span', { className: `group-tag group-${c.group}`, text: c.group.slice(0, 1).toUpperCase() }), el('span', { className: 'chooser-label', text: c.label }), pin, up, down,
      ]);
    });
    this.list.replaceChildren(...items);
  }

  private move(id: string, by: number): void {
    const order = [...this.grid.state.order];
    const i = order.indexOf(id);
    const j = i + by;
    if (i < 0 || j < 0 || j >= order.length) return;
    [order[i], order[j]] = [order[j], order[i]];
    this.grid.state.order = order;
    this.apply();
  }
}
