import type { ArtifactPreviewData, HostToRunPanel, RunSummary } from '../../src/protocol/runPanel';
import { artifactTree, sameImageAcrossSteps, type ArtifactFacts, type TreeFolder } from './artifactTree';
import { el } from '../shared/dom';
import { isImageName } from '../shared/imageGroups';
import { box, pageState, savePageState } from './pageState';
import { formatBytes, renderPreview } from './previewRender';
import { pdfPreview } from './pdf/loader';

type PreviewReply = Extract<HostToRunPanel, { type: 'artifactPreview' }>;

/** What the page asks of the host for an artifact. */
export interface ArtifactRequests {
  preview(requestId: number, path: string): void;
  open(path: string): void;
  reveal(path: string): void;
  saveAs(path: string): void;
  /** Opens the file with the operating system's viewer (PDFs, beside the page's own view of them). */
  openExternally(path: string): void;
}

/** Images of one series shown side by side at most. */
const MAX_COMPARED = 6;

/**
 * The run's artifacts: a file tree (folders first, natural order, sizes) beside a preview of the
 * file chosen in it. Previews are read by the host and kept while the page lives.
 */
export class ArtifactsView {
  private readonly tree = el('ul', { className: 'artifacts artifact-tree', attrs: { role: 'tree', 'aria-label': 'artifacts' } });
  private readonly preview = el('div', { className: 'artifact-preview', attrs: { 'aria-live': 'polite' } });
  private readonly body = el('div', { className: 'artifacts-layout' }, [this.tree, this.preview]);
  private artifacts: readonly ArtifactFacts[] = [];
  private signature = '';
  private selected: string | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, (reply: PreviewReply) => void>();
  private readonly cache = new Map<string, PreviewReply>();
  /** The PDF on show: closed (its worker stopped) when another file is chosen. */
  private openPdf: { close(): void } | undefined;

  constructor(private readonly requests: ArtifactRequests) {}

  /** The Artifacts box, or null when the run recorded none. */
  render(r: RunSummary): HTMLElement | null {
    if (r.artifacts.length === 0) return null;
    const signature = r.artifacts.map((a) => `${a.path}\u0000${a.size}`).join('\n');
    if (signature !== this.signature) {
      this.signature = signature;
      this.artifacts = r.artifacts;
      this.cache.clear();
      this.tree.replaceChildren(...this.folderItems(artifactTree(r.artifacts)));
      if (this.selected && !r.artifacts.some((a) => a.path === this.selected)) this.selected = undefined;
      if (this.selected) this.show(this.selected);
      else this.preview.replaceChildren(el('p', { className: 'muted', text: 'Choose a file to preview it here.' }));
    }
    const total = r.artifacts.reduce((n, a) => n + (a.size ?? 0), 0);
    return box('artifacts', `Artifacts (${r.artifacts.length}, ${formatBytes(total)})`, r.artifacts.length <= 8, this.body, 'artifacts-box');
  }

  onPreview(m: PreviewReply): void {
    const done = this.pending.get(m.requestId);
    if (!done) return;
    this.pending.delete(m.requestId);
    // A PDF's bytes go to its viewer (which takes them over) and are read again when it is chosen again.
    if (m.preview?.kind !== 'pdf') this.cache.set(m.path, m);
    done(m);
  }

  private folderItems(folder: TreeFolder): HTMLElement[] {
    return folder.children.map((node) => {
      if (node.kind === 'folder') {
        const key = `artifact-folder:${node.path}`;
        const sub = el('ul', { attrs: { role: 'group' } }, this.folderItems(node));
        const d = el('details', { className: 'tree-folder' }, [
          el('summary', {}, [el('span', { text: node.label }), el('span', { className: 'muted', text: ` ${node.files} file${node.files === 1 ? '' : 's'}, ${formatBytes(node.size)}` })]),
          sub,
        ]);
        const openByDefault = node.files <= 20;
        d.open = pageState.open[key] ?? openByDefault;
        d.addEventListener('toggle', () => {
          if (pageState.open[key] === undefined && d.open === openByDefault) return;
          pageState.open[key] = d.open;
          savePageState();
        });
        return el('li', { attrs: { role: 'treeitem' } }, [d]);
      }
      const a = node.artifact;
      const link = el('a', { text: node.label, attrs: { href: '#', title: a.name, 'data-path': a.path } });
      link.addEventListener('click', (e) => {
        e.preventDefault();
        this.show(a.path);
      });
      return el('li', { attrs: { role: 'treeitem' } }, [link, el('span', { className: 'muted', text: ` ${formatBytes(a.size)}` })]);
    });
  }

  private request(path: string, then: (reply: PreviewReply) => void): void {
    const known = this.cache.get(path);
    if (known) {
      then(known);
      return;
    }
    const id = this.nextId++;
    this.pending.set(id, then);
    this.requests.preview(id, path);
  }

  private show(path: string): void {
    this.openPdf?.close();
    this.openPdf = undefined;
    this.selected = path;
    for (const a of this.tree.querySelectorAll('a[data-path]')) a.classList.toggle('selected', a.getAttribute('data-path') === path);
    const artifact = this.artifacts.find((a) => a.path === path);
    if (!artifact) return;
    const button = (text: string, action: () => void) => {
      const b = el('button', { className: 'link-button', text, attrs: { type: 'button' } });
      b.addEventListener('click', action);
      return b;
    };
    const header = el('div', { className: 'preview-header' }, [
      el('strong', { text: artifact.name }),
      el('span', { className: 'muted', text: formatBytes(artifact.size) }),
      button('Open', () => this.requests.open(path)),
      button('Reveal', () => this.requests.reveal(path)),
      button('Save As…', () => this.requests.saveAs(path)),
    ]);
    // The page draws a PDF itself (PDF.js); the system's viewer opens it on request, for forms, links and search.
    if (/\.pdf$/i.test(artifact.name)) header.append(button('Open in System Viewer', () => this.requests.openExternally(path)));
    const content = el('div', { className: 'preview-content', attrs: { 'data-path': path } }, [el('p', { className: 'muted', text: 'loading…' })]);
    this.preview.replaceChildren(header, content);
    this.request(path, (m) => {
      if (this.selected !== path || content.parentNode !== this.preview) return;
      if (m.preview?.kind === 'pdf') {
        const pdf = pdfPreview(m.preview.data, artifact.name);
        this.openPdf = pdf;
        content.replaceChildren(pdf.element);
      } else content.replaceChildren(m.preview ? renderPreview(m.preview, artifact.name) : el('p', { className: 'muted', text: `Cannot be shown: ${m.error ?? 'unknown'}` }));
      content.setAttribute('data-kind', m.preview?.kind ?? 'error');
      if (m.preview?.kind === 'image') this.preview.append(this.compare(artifact));
    });
  }

  /** The same image at other steps (`samples/step_3.png`, `samples/step_40.png`), side by side. */
  private compare(artifact: ArtifactFacts): HTMLElement {
    const series = sameImageAcrossSteps(artifact.name, this.artifacts).filter((a) => isImageName(a.name));
    const wrap = el('div', { className: 'compare-steps' });
    if (series.length < 2) return wrap;
    const picks = series.length <= MAX_COMPARED ? series : Array.from({ length: MAX_COMPARED }, (_, i) => series[Math.round((i * (series.length - 1)) / (MAX_COMPARED - 1))]);
    wrap.append(el('h4', { text: `Across steps (${picks.length} of ${series.length})` }));
    const row = el('div', { className: 'compare-row' });
    for (const a of picks) {
      const cell = el('figure', { className: a.path === artifact.path ? 'current' : '' }, [el('figcaption', { className: 'muted', text: a.name.slice(a.name.lastIndexOf('/') + 1) })]);
      row.append(cell);
      this.request(a.path, (m) => {
        const p: ArtifactPreviewData | undefined = m.preview;
        if (p && p.kind === 'image') {
          const img = el('img', { attrs: { src: p.dataUrl, alt: a.name, title: `${a.name}: click to preview` } });
          img.addEventListener('click', () => this.show(a.path));
          cell.prepend(img);
        } else cell.prepend(el('p', { className: 'muted', text: m.error ?? 'cannot be shown' }));
      });
    }
    wrap.append(row);
    return wrap;
  }
}
