import { el } from '../shared/dom';
import { getState, setState } from '../shared/vscodeApi';
import type { SectionState } from './metricSections';

/** What the run page keeps across reloads and re-renders (the webview state of its panel). */
export interface PageState extends SectionState {
  filter: string;
  logScale: boolean;
}

const saved = getState<Partial<PageState>>() ?? {};
export const pageState: PageState = {
  filter: typeof saved.filter === 'string' ? saved.filter : '',
  logScale: saved.logScale === true,
  open: saved.open && typeof saved.open === 'object' ? { ...saved.open } : {},
  pinned: Array.isArray(saved.pinned) ? saved.pinned.filter((p): p is string => typeof p === 'string') : [],
};

export function savePageState(): void {
  setState(pageState);
}

/**
 * A collapsible box of the page whose open or closed state is remembered under `id`
 * (`defaultOpen` until the user toggles it).
 */
export function box(id: string, title: string, defaultOpen: boolean, content: Node, className = ''): HTMLDetailsElement {
  const d = el('details', { className: `box ${className}`.trim(), attrs: { 'data-box': id } }, [el('summary', { text: title }), content]);
  d.open = pageState.open[id] ?? defaultOpen;
  d.addEventListener('toggle', () => {
    if (d.open === (pageState.open[id] ?? defaultOpen) && pageState.open[id] === undefined) return;
    pageState.open[id] = d.open;
    savePageState();
  });
  return d;
}
