/**
 * Loads the PDF viewer only when a PDF is previewed: PDF.js is half a megabyte of script that most
 * run pages never need, so it is a bundle of its own (`pdf-viewer.js`), started by a script element
 * carrying this page's nonce (the CSP lets nothing else run), and its worker (`pdf.worker.mjs`) sits
 * beside it. Both come from the extension's own files, found next to the run page's script.
 */
import { el } from '../../shared/dom';
import { PDF_VIEWER_GLOBAL, type PdfHandle, type PdfViewerApi } from './contract';
import './pdfView.css';

/** Read while run.js itself runs: later `document.currentScript` is null. */
const runScript = typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null;
const nonce = runScript?.nonce ?? '';
const base = runScript?.src ?? '';

let viewer: Promise<PdfViewerApi> | undefined;

function loadViewer(): Promise<PdfViewerApi> {
  viewer ??= new Promise<PdfViewerApi>((resolve, reject) => {
    const known = (globalThis as Record<string, unknown>)[PDF_VIEWER_GLOBAL] as PdfViewerApi | undefined;
    if (known) return resolve(known);
    if (!base) return reject(new Error('the PDF viewer cannot be found'));
    const script = document.createElement('script');
    script.nonce = nonce;
    script.src = new URL('pdf-viewer.js', base).href;
    script.addEventListener('load', () => {
      const api = (globalThis as Record<string, unknown>)[PDF_VIEWER_GLOBAL] as PdfViewerApi | undefined;
      if (api) resolve(api);
      else reject(new Error('the PDF viewer did not start'));
    });
    script.addEventListener('error', () => reject(new Error('the PDF viewer could not be loaded')));
    document.head.append(script);
  });
  viewer.catch(() => (viewer = undefined));
  return viewer;
}

/** A PDF's preview: its element now, its pages once the viewer has loaded. `close` stops it. */
export function pdfPreview(data: Uint8Array, name: string): { element: HTMLElement; close(): void } {
  const element = el('div', { className: 'pdf-view', attrs: { 'data-state': 'loading' } }, [el('p', { className: 'muted', text: 'Loading the PDF viewer…' })]);
  let handle: PdfHandle | undefined;
  let closed = false;
  if (!(data instanceof Uint8Array)) {
    element.setAttribute('data-state', 'error');
    element.replaceChildren(el('p', { className: 'muted preview-notice', text: 'The PDF did not arrive whole. Open it in the system viewer instead.' }));
    return { element, close() {} };
  }
  loadViewer().then(
    (api) => {
      if (closed) return;
      element.replaceChildren();
      handle = api.open(element, data, name, new URL('pdf.worker.mjs', base).href);
    },
    (e: Error) => {
      if (closed) return;
      element.setAttribute('data-state', 'error');
      element.replaceChildren(el('p', { className: 'muted preview-notice', text: `The PDF cannot be shown here: ${e.message}. Open it in the system viewer instead.` }));
    },
  );
  return {
    element,
    close() {
      closed = true;
      handle?.close();
    },
  };
}
