import type { CompareContextRow, CompareRun } from '../../src/protocol/comparePanel';
import { checkbox } from '../shared/controls';
import { clear, el } from '../shared/dom';

export interface DiffState { onlyDifferences: boolean; left: string; right: string }

/**
 * Tables of what differs between the runs: parameters, code (git), environment and datasets, each
 * a row per key with a value per run, differing rows marked, "only differences" by default; and two
 * runs' full configs side by side as a tree (nested keys under their parents).
 */
export class DiffView {
  private drawn = '';
  private last: { runs: CompareRun[]; sections: ReadonlyArray<{ title: string; name: string; rows: readonly CompareContextRow[] }> } = { runs: [], sections: [] };

  constructor(private readonly root: HTMLElement, private readonly state: DiffState, private readonly runLabel: (r: CompareRun) => HTMLElement, private readonly changed: () => void) {}

  render(runs: CompareRun[], sections: ReadonlyArray<{ title: string; name: string; rows: readonly CompareContextRow[] }>, force = false): void {
    const signature = JSON.stringify([runs, sections, this.state]);
    if (signature === this.drawn && !force) return;
    this.drawn = signature;
    this.last = { runs, sections };
    clear(this.root);
    const differing = sections.reduce((n, s) => n + s.rows.filter((r) => r.differs).length, 0);
    this.root.append(el('summary', { text: `Differences (${differing} across parameters, code, environment and datasets)` }));
    this.root.append(checkbox('Only differences', this.state.onlyDifferences, (on) => {
      this.state.onlyDifferences = on;
      this.changed();
      this.render(runs, sections, true);
    }));
    for (const s of sections) this.root.append(this.table(runs, s));
    this.root.append(this.sideBySide(runs, sections.find((s) => s.name === 'params')?.rows ?? []));
  }

  private table(runs: CompareRun[], s: { title: string; name: string; rows: readonly CompareContextRow[] }): HTMLElement {
    const differing = s.rows.filter((r) => r.differs).length;
    const box = el('div', { className: 'diff-section', attrs: { 'data-section': s.name } }, [el('h3', { text: `${s.title} (${differing} of ${s.rows.length} differ)` })]);
    if (s.rows.length === 0) {
      box.append(el('p', { className: 'muted', text: `None of these runs logged ${s.title.toLowerCase()}.` }));
      return box;
    }
    if (this.state.onlyDifferences && differing === 0) {
      box.append(el('p', { className: 'muted', text: `All the same.` }));
      return box;
    }
    const table = el('table', { className: 'kv diff' });
    const head = el('tr', {}, [el('th', { text: s.name === 'params' ? 'parameter' : 'key' })]);
    runs.forEach((r) => head.append(el('th', {}, [this.runLabel(r)])));
    table.append(head);
    for (const p of s.rows) {
      if (this.state.onlyDifferences && !p.differs) continue;
      const row = el('tr', { className: p.differs ? 'differs' : '', attrs: { 'data-param': p.key } }, [el('th', { text: p.key })]);
      for (const v of p.values) row.append(el('td', { className: v === null ? 'missing' : '', text: v ?? '—' }));
      table.append(row);
    }
    box.append(table);
    return box;
  }

  /** Two runs' configs as a tree: `optimizer.lr` under `optimizer`, differing leaves marked. */
  private sideBySide(runs: CompareRun[], rows: readonly CompareContextRow[]): HTMLElement {
    const box = el('div', { className: 'diff-section side-by-side', attrs: { 'data-section': 'configs' } }, [el('h3', { text: 'Two configs side by side' })]);
    const ids = runs.map((r) => r.id);
    if (!ids.includes(this.state.left)) this.state.left = ids[0];
    if (!ids.includes(this.state.right) || this.state.right === this.state.left) this.state.right = ids.find((id) => id !== this.state.left) ?? ids[0];
    const pick = (side: 'left' | 'right') => {
      const s = el('select', { attrs: { 'aria-label': `${side} run` } });
      for (const r of runs) s.append(el('option', { text: r.name, attrs: { value: r.id } }));
      s.value = this.state[side];
      s.addEventListener('change', () => {
        this.state[side] = s.value;
        this.changed();
        this.render(this.last.runs, this.last.sections, true);
      });
      return s;
    };
    box.append(el('div', { className: 'pick-row' }, [pick('left'), el('span', { text: ' vs ' }), pick('right')]));
    const a = ids.indexOf(this.state.left);
    const b = ids.indexOf(this.state.right);
    const table = el('table', { className: 'kv diff tree' });
    table.append(el('tr', {}, [el('th', { text: 'key' }), el('th', {}, [this.runLabel(runs[a])]), el('th', {}, [this.runLabel(runs[b])])]));
    const opened = new Set<string>();
    for (const r of rows) {
      const differs = r.values[a] !== r.values[b];
      if (this.state.onlyDifferences && !differs) continue;
      const parts = r.key.split('.');
      // Each parent not shown yet gets its own row.
      for (let d = 0; d < parts.length - 1; d++) {
        const parent = parts.slice(0, d + 1).join('.');
        if (opened.has(parent)) continue;
        opened.add(parent);
        const th = el('th', { text: `${parts[d]}` });
        th.style.paddingLeft = `${d * 14}px`;
        table.append(el('tr', { className: 'parent' }, [th, el('td'), el('td')]));
      }
      const th = el('th', { text: parts[parts.length - 1] });
      th.style.paddingLeft = `${(parts.length - 1) * 14}px`;
      table.append(el('tr', { className: differs ? 'differs' : '', attrs: { 'data-key': r.key } }, [th, el('td', { className: r.values[a] === null ? 'missing' : '', text: r.values[a] ?? '—' }), el('td', { className: r.values[b] === null ? 'missing' : '', text: r.values[b] ?? '—' })]));
    }
    box.append(table);
    return box;
  }
}
