import { el } from '../shared/dom';
import { renderMarkdown } from '../shared/markdown';

/** The run's Markdown note: shown rendered, edited in a textarea, saved through the host (into the run's edits file). */
export class NoteView {
  private readonly root = el('section', { className: 'note-box', attrs: { 'aria-label': 'note' } });
  private editing = false;
  private text = '';

  constructor(private readonly save: (text: string) => void) {}

  render(text: string): HTMLElement {
    this.text = text;
    if (!this.editing) this.show();
    return this.root;
  }

  private show(): void {
    this.root.replaceChildren();
    const edit = el('button', { className: 'link-button', text: this.text ? 'Edit note' : 'Add a note', attrs: { type: 'button' } });
    edit.addEventListener('click', () => this.edit());
    if (this.text) this.root.append(el('div', { className: 'note' }, [renderMarkdown(this.text)]));
    this.root.append(edit);
  }

  edit(): void {
    this.editing = true;
    const area = el('textarea', { className: 'note-editor', attrs: { rows: '6', 'aria-label': 'note (Markdown)', placeholder: 'Markdown: what you tried, what you saw…' } });
    area.value = this.text;
    const save = el('button', { text: 'Save', attrs: { type: 'button' } });
    const cancel = el('button', { className: 'secondary', text: 'Cancel', attrs: { type: 'button' } });
    const done = (saved: boolean) => {
      this.editing = false;
      if (saved && area.value !== this.text) {
        this.text = area.value;
        this.save(area.value);
      }
      this.show();
    };
    save.addEventListener('click', () => done(true));
    cancel.addEventListener('click', () => done(false));
    area.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) done(true);
      if (e.key === 'Escape') done(false);
    });
    this.root.replaceChildren(area, el('div', { className: 'note-actions' }, [save, cancel]));
    area.focus();
  }
}
