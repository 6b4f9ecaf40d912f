/**
 * The run page's PDF viewer (its own bundle, `pdf-viewer.js`, loaded on the first PDF preview):
 * PDF.js draws the pages of a PDF the host read from the run folder onto canvases, one after
 * another in a scrolling pane, each drawn when it comes near the view and freed when it leaves.
 * A toolbar moves between pages, shows the page count and zooms (fit width by default).
 *
 * PDF.js parses in a worker of its own per PDF (stopped when the preview closes or opening takes
 * too long), with the options in options.ts: no eval, no scripts, no XFA, no links. A damaged PDF
 * shows a message in place of its pages, a page that cannot be drawn a message in place of it.
 */
import { AnnotationMode, getDocument, PDFWorker, type PDFDocumentLoadingTask, type PDFDocumentProxy, type RenderTask } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { el } from '../../shared/dom';
import { PDF_VIEWER_GLOBAL, type PdfHandle, type PdfViewerApi } from './contract';
import { openErrorMessage, PDF_DOCUMENT_OPTIONS, PDF_LIMITS } from './options';

/** CSS pixels per PDF point at 100 % (PDF.js's own viewer uses the same). */
const CSS_PER_POINT = 96 / 72;
/** Room around the pages inside their pane, in CSS pixels. */
const PAD = 12;
/** A US Letter page, until the first page says its size. */
const DEFAULT_PAGE = { width: 612, height: 792 };

let workerScript: Promise<string> | undefined;

/**
 * PDF.js's worker as a blob: URL. A webview's own files are served from another origin than the
 * page, and a worker must be same-origin, so its script is fetched (CSP `connect-src` allows the
 * extension's files) and started from a blob: URL (`worker-src blob:`), once per page.
 */
function workerBlobUrl(src: string): Promise<string> {
  workerScript ??= fetch(src).then(async (r) => {
    if (!r.ok) throw new Error(`the PDF worker could not be loaded (${r.status})`);
    return URL.createObjectURL(new Blob([await r.arrayBuffer()], { type: 'text/javascript' }));
  });
  workerScript.catch(() => (workerScript = undefined));
  return workerScript;
}

interface PageSlot {
  readonly n: number;
  readonly el: HTMLElement;
  /** The page's size in points, once it was read. */
  size?: { width: number; height: number };
  /** The scale the page was drawn at (0: not drawn), and the one it is being drawn at. */
  drawnAt: number;
  drawing: number;
  task?: RenderTask;
}

function button(text: string, title: string, action: () => void): HTMLButtonElement {
  const b = el('button', { className: 'pdf-button', text, attrs: { type: 'button', title, 'aria-label': title } });
  b.addEventListener('click', action);
  return b;
}

class PdfView implements PdfHandle {
  private readonly pageInput = el('input', { className: 'pdf-page-input', attrs: { type: 'number', min: '1', value: '1', 'aria-label': 'page number' } });
  private readonly pageCount = el('span', { className: 'pdf-page-count muted', text: 'of …' });
  private readonly zoomLabel = el('span', { className: 'pdf-zoom-label muted', text: '' });
  private readonly status = el('p', { className: 'muted preview-notice pdf-status', attrs: { role: 'status' } });
  private readonly pane = el('div', { className: 'pdf-pages', attrs: { tabindex: '0', 'aria-label': 'PDF pages' } });
  private readonly toolbar: HTMLElement;
  private task?: PDFDocumentLoadingTask;
  private worker?: Worker;
  private doc?: PDFDocumentProxy;
  private closed = false;
  private zoom = 1;
  private base = DEFAULT_PAGE;
  private slots: PageSlot[] = [];
  private readonly visible = new Set<PageSlot>();
  private observer?: IntersectionObserver;
  private resizer?: ResizeObserver;
  private laidOutWidth = 0;
  private scrollPending = false;

  constructor(private readonly host: HTMLElement, data: Uint8Array, name: string, workerSrc: string) {
    this.toolbar = el('div', { className: 'pdf-toolbar', attrs: { role: 'toolbar', 'aria-label': `${name} pages and zoom` } }, [
      button('‹', 'Previous page', () => this.goTo(this.currentPage() - 1)),
      this.pageInput,
      this.pageCount,
      button('›', 'Next page', () => this.goTo(this.currentPage() + 1)),
      el('span', { className: 'pdf-separator' }),
      button('−', 'Zoom out', () => this.setZoom(this.zoom / PDF_LIMITS.zoomStep)),
      button('Fit width', 'Fit the page width', () => this.setZoom(1)),
      button('+', 'Zoom in', () => this.setZoom(this.zoom * PDF_LIMITS.zoomStep)),
      this.zoomLabel,
    ]);
    this.pageInput.addEventListener('change', () => this.goTo(Number(this.pageInput.value)));
    this.pane.addEventListener('scroll', () => this.onScroll(), { passive: true });
    this.status.textContent = 'Opening the PDF…';
    host.setAttribute('data-state', 'loading');
    host.replaceChildren(this.toolbar, this.status, this.pane);
    void this.start(data, workerSrc);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.observer?.disconnect();
    this.resizer?.disconnect();
    for (const slot of this.slots) this.release(slot);
    void this.task?.destroy().catch(() => undefined);
    this.worker?.terminate();
  }

  private async start(data: Uint8Array, workerSrc: string): Promise<void> {
    const timer = setTimeout(() => this.fail('Opening the PDF took too long: it may be damaged or very complex. Open it in the system viewer.'), PDF_LIMITS.openMs);
    try {
      const worker = new Worker(await workerBlobUrl(workerSrc), { type: 'module', name: 'pdf.js' });
      if (this.closed) {
        worker.terminate();
        return;
      }
      this.worker = worker;
      worker.addEventListener('error', () => this.fail('The PDF viewer stopped while reading this file. Open it in the system viewer.'));
      // The worker is ours: PDF.js neither starts one itself nor falls back to parsing on the page.
      this.task = getDocument({ ...PDF_DOCUMENT_OPTIONS, data, worker: new PDFWorker({ port: worker as unknown as null }) });
      const doc = await this.task.promise;
      if (this.closed) return;
      this.doc = doc;
      try {
        const first = (await doc.getPage(1)).getViewport({ scale: 1 });
        if (first.width > 0 && first.height > 0) this.base = { width: first.width, height: first.height };
      } catch {
        // The first page is damaged: it says so in its place, the others are laid out at Letter size.
      }
      if (this.closed) return;
      clearTimeout(timer);
      this.layOut(doc);
    } catch (e) {
      this.fail(openErrorMessage(e));
    } finally {
      clearTimeout(timer);
    }
  }

  /** Shows why the PDF cannot be shown, and stops reading it. */
  private fail(message: string): void {
    if (this.closed || this.host.getAttribute('data-state') === 'ready') return;
    this.host.setAttribute('data-state', 'error');
    this.status.textContent = message;
    this.status.classList.remove('muted');
    this.toolbar.remove();
    this.pane.remove();
    this.close();
  }

  private layOut(doc: PDFDocumentProxy): void {
    const listed = Math.min(doc.numPages, PDF_LIMITS.pagesListed);
    this.pageCount.textContent = `of ${doc.numPages.toLocaleString()}`;
    this.pageInput.max = String(listed);
    if (listed === 0) {
      this.fail('The PDF has no pages.');
      return;
    }
    this.status.textContent = doc.numPages > listed ? `The first ${listed} of ${doc.numPages.toLocaleString()} pages are shown here; open it in the system viewer for the rest.` : '';
    this.status.hidden = doc.numPages <= listed;
    this.observer = new IntersectionObserver((entries) => this.onIntersect(entries), { root: this.pane, rootMargin: '100% 0px' });
    this.slots = Array.from({ length: listed }, (_, i) => {
      const slot: PageSlot = { n: i + 1, el: el('div', { className: 'pdf-page', attrs: { 'data-page': String(i + 1) } }), drawnAt: 0, drawing: 0 };
      return slot;
    });
    this.sizeSlots();
    this.pane.replaceChildren(...this.slots.map((s) => s.el));
    for (const slot of this.slots) this.observer.observe(slot.el);
    this.resizer = new ResizeObserver(() => {
      if (this.zoom === 1 && Math.abs(this.pane.clientWidth - this.laidOutWidth) > 8) this.setZoom(1, true);
    });
    this.resizer.observe(this.pane);
    this.host.setAttribute('data-state', 'ready');
    this.host.setAttribute('data-pages', String(doc.numPages));
  }

  /** CSS pixels per point: the first page fits the pane's width at zoom 1. */
  private scale(): number {
    const width = this.pane.clientWidth || 600;
    const fit = Math.max(50, width - 2 * PAD) / this.base.width;
    return fit * this.zoom;
  }

  private sizeSlots(): void {
    const scale = this.scale();
    this.laidOutWidth = this.pane.clientWidth;
    for (const slot of this.slots) {
      const size = slot.size ?? this.base;
      slot.el.style.width = `${Math.round(size.width * scale)}px`;
      slot.el.style.height = `${Math.round(size.height * scale)}px`;
    }
    this.zoomLabel.textContent = `${Math.round((scale / CSS_PER_POINT) * 100)} %`;
  }

  private setZoom(zoom: number, force = false): void {
    const next = Math.min(PDF_LIMITS.maxZoom, Math.max(PDF_LIMITS.minZoom, zoom));
    if (!this.doc || (next === this.zoom && !force)) return;
    const page = this.currentPage();
    const slot = this.slots[page - 1];
    const within = slot ? (this.pane.scrollTop - slot.el.offsetTop) / Math.max(1, slot.el.offsetHeight) : 0;
    this.zoom = next;
    for (const s of this.slots) this.release(s);
    this.sizeSlots();
    if (slot) this.pane.scrollTop = slot.el.offsetTop + within * slot.el.offsetHeight;
    for (const s of this.visible) void this.draw(s);
  }

  private onIntersect(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      const slot = this.slots[Number((entry.target as HTMLElement).dataset.page) - 1];
      if (!slot) continue;
      if (entry.isIntersecting) {
        this.visible.add(slot);
        void this.draw(slot);
      } else {
        this.visible.delete(slot);
        this.release(slot);
      }
    }
  }

  private async draw(slot: PageSlot): Promise<void> {
    const doc = this.doc;
    const scale = this.scale();
    if (!doc || this.closed || slot.drawnAt === scale || slot.drawing === scale) return;
    slot.task?.cancel();
    slot.drawing = scale;
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const page = await doc.getPage(slot.n);
      if (this.closed || slot.drawing !== scale) return;
      const viewport = page.getViewport({ scale });
      const firstSize = !slot.size;
      slot.size = { width: viewport.width / scale, height: viewport.height / scale };
      if (firstSize) {
        slot.el.style.width = `${Math.round(viewport.width)}px`;
        slot.el.style.height = `${Math.round(viewport.height)}px`;
      }
      let ratio = window.devicePixelRatio || 1;
      const area = viewport.width * viewport.height;
      if (area * ratio * ratio > PDF_LIMITS.canvasPixels) ratio = Math.sqrt(PDF_LIMITS.canvasPixels / area);
      const canvas = el('canvas', { attrs: { 'aria-label': `page ${slot.n}` } });
      canvas.width = Math.max(1, Math.floor(viewport.width * ratio));
      canvas.height = Math.max(1, Math.floor(viewport.height * ratio));
      canvas.style.width = `${Math.round(viewport.width)}px`;
      canvas.style.height = `${Math.round(viewport.height)}px`;
      const task = page.render({ canvas, viewport: page.getViewport({ scale: scale * ratio }), annotationMode: AnnotationMode.ENABLE, intent: 'display' });
      slot.task = task;
      timer = setTimeout(() => {
        timedOut = true;
        task.cancel();
      }, PDF_LIMITS.pageMs);
      await task.promise;
      if (this.closed || slot.drawing !== scale) return;
      slot.el.replaceChildren(canvas);
      slot.el.setAttribute('data-state', 'drawn');
      slot.drawnAt = scale;
    } catch (e) {
      if (this.closed || slot.drawing !== scale) return;
      if ((e as Error)?.name === 'RenderingCancelledException' && !timedOut) return;
      const why = timedOut ? 'drawing it took too long' : (e as Error)?.message || String(e);
      slot.el.replaceChildren(el('p', { className: 'muted pdf-page-error', text: `Page ${slot.n} cannot be drawn: ${why}.` }));
      slot.el.setAttribute('data-state', 'error');
      slot.drawnAt = scale;
    } finally {
      clearTimeout(timer);
      if (slot.drawing === scale) {
        slot.drawing = 0;
        slot.task = undefined;
      }
    }
  }

  /** Frees a page's canvas (it is drawn again when it comes back into view). */
  private release(slot: PageSlot): void {
    slot.task?.cancel();
    slot.task = undefined;
    slot.drawing = 0;
    if (slot.drawnAt === 0) return;
    slot.drawnAt = 0;
    for (const canvas of slot.el.querySelectorAll('canvas')) {
      canvas.width = 0;
      canvas.height = 0;
    }
    slot.el.replaceChildren();
    slot.el.removeAttribute('data-state');
    void this.doc?.getPage(slot.n).then((p) => p.cleanup(), () => undefined);
  }

  /** The page at the top of the pane (the one a third of the way down it). */
  private currentPage(): number {
    const mark = this.pane.scrollTop + this.pane.clientHeight / 3;
    let lo = 0;
    let hi = this.slots.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.slots[mid].el.offsetTop <= mark) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  private goTo(page: number): void {
    if (!Number.isFinite(page) || this.slots.length === 0) return;
    const slot = this.slots[Math.min(this.slots.length, Math.max(1, Math.round(page))) - 1];
    this.pane.scrollTop = slot.el.offsetTop - PAD;
    this.pageInput.value = String(slot.n);
  }

  private onScroll(): void {
    if (this.scrollPending) return;
    this.scrollPending = true;
    requestAnimationFrame(() => {
      this.scrollPending = false;
      if (document.activeElement !== this.pageInput && this.slots.length > 0) this.pageInput.value = String(this.currentPage());
    });
  }
}

const api: PdfViewerApi = {
  open: (host, data, name, workerUrl) => new PdfView(host, data, name, workerUrl),
};
(globalThis as Record<string, unknown>)[PDF_VIEWER_GLOBAL] = api;
