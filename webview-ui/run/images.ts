import type { HostToRunPanel, RunSummary } from '../../src/protocol/runPanel';
import { imageGroups, type ImageGroup } from '../shared/imageGroups';
import { clear, el } from '../shared/dom';

type ImageReply = Extract<HostToRunPanel, { type: 'image' }>;

/** Groups shown at most; the others stay reachable from the Artifacts list. */
const MAX_GROUPS = 60;
/** Images kept decoded in the page (the oldest fetched go first). */
const MAX_CACHED = 200;

/**
 * The run's image artifacts, one card per tag with a step slider (newest step shown, and followed
 * while the run logs more). Images come from the host as data: URLs, fetched when a card shows them.
 */
export class ImagesView {
  readonly element: HTMLDetailsElement;
  private readonly summary = el('summary');
  private readonly body = el('div', { className: 'image-grid' });
  private groups: ImageGroup[] = [];
  private signature = '';
  /** Chosen entry per group key; absent = follow the newest. */
  private readonly chosen = new Map<string, number>();
  private readonly cache = new Map<string, { url?: string; error?: string }>();
  private readonly pending = new Map<number, string>();
  private readonly waiting = new Set<string>();
  private nextId = 1;

  constructor(
    private readonly request: (requestId: number, path: string) => void,
    private readonly open: (path: string) => void,
  ) {
    this.element = el('details', { className: 'box images-box' }, [this.summary, this.body]);
    this.element.open = true;
    this.element.hidden = true;
    this.element.addEventListener('toggle', () => this.render());
  }

  update(run: RunSummary): void {
    const groups = imageGroups(run.artifacts);
    const signature = groups.map((g) => `${g.key}:${g.entries.map((e) => e.path).join('|')}`).join('\n');
    if (signature === this.signature) return;
    this.signature = signature;
    this.groups = groups;
    const images = groups.reduce((n, g) => n + g.entries.length, 0);
    this.summary.textContent = `Images (${images})`;
    this.element.hidden = images === 0;
    this.render();
  }

  onImage(m: ImageReply): void {
    const path = this.pending.get(m.requestId);
    if (path === undefined) return;
    this.pending.delete(m.requestId);
    this.waiting.delete(path);
    this.cache.set(path, m.dataUrl ? { url: m.dataUrl } : { error: m.error ?? 'cannot be shown' });
    while (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    for (const card of this.body.querySelectorAll<HTMLElement>('.image-card')) if (card.dataset.path === path) this.fill(card, path, card.dataset.name ?? path);
  }

  private render(): void {
    clear(this.body);
    if (!this.element.open) return;
    for (const g of this.groups.slice(0, MAX_GROUPS)) this.body.append(this.card(g));
    if (this.groups.length > MAX_GROUPS) this.body.append(el('p', { className: 'muted', text: `${this.groups.length - MAX_GROUPS} more in the Artifacts list.` }));
  }

  private card(g: ImageGroup): HTMLElement {
    const last = g.entries.length - 1;
    let index = Math.min(this.chosen.get(g.key) ?? last, last);
    const label = el('span', { className: 'muted' });
    const frame = el('div', { className: 'image-card', attrs: { 'data-key': g.key } });
    const caption = el('p', { className: 'image-caption muted' });
    const card = el('figure', { className: 'image-group' }, [el('figcaption', {}, [el('span', { className: 'image-key', text: g.key }), label]), frame, caption]);
    const show = (): void => {
      const e = g.entries[index];
      label.textContent = e.step !== null ? ` step ${e.step}${g.entries.length > 1 ? ` (${index + 1} of ${g.entries.length})` : ''}` : '';
      frame.dataset.path = e.path;
      frame.title = `${e.name} (click to open)`;
      caption.textContent = e.caption ?? '';
      caption.hidden = !e.caption;
      this.fill(frame, e.path, e.name);
    };
    if (g.entries.length > 1) {
      const slider = el('input', { attrs: { type: 'range', min: '0', max: String(last), step: '1', 'aria-label': `step of ${g.key}` } });
      slider.value = String(index);
      slider.addEventListener('input', () => {
        index = Number(slider.value);
        if (index === last) this.chosen.delete(g.key);
        else this.chosen.set(g.key, index);
        show();
      });
      card.append(slider);
    }
    frame.addEventListener('click', () => this.open(g.entries[index].path));
    show();
    return card;
  }

  /** Puts the image (or its error, or a wait) into a card, asking the host when it is not known yet. */
  private fill(frame: HTMLElement, path: string, name: string): void {
    clear(frame);
    frame.dataset.name = name;
    const known = this.cache.get(path);
    if (known?.url) {
      frame.append(el('img', { attrs: { src: known.url, alt: name } }));
    } else if (known?.error) {
      frame.append(el('p', { className: 'muted', text: known.error }));
    } else {
      frame.append(el('p', { className: 'muted', text: 'loading…' }));
      if (!this.waiting.has(path)) {
        this.waiting.add(path);
        const id = this.nextId++;
        this.pending.set(id, path);
        this.request(id, path);
      }
    }
  }
}
