/**
 * What the run page's lazily loaded PDF viewer (`dist/webview/pdf-viewer.js`, PDF.js inside) offers
 * the page once its script has run: it puts itself on `globalThis` under PDF_VIEWER_GLOBAL.
 */
export const PDF_VIEWER_GLOBAL = 'labbookPdfViewer';

/** A PDF on the page: closing it stops its worker and frees its pages. */
export interface PdfHandle {
  close(): void;
}

export interface PdfViewerApi {
  /**
   * Draws `data` (the PDF's bytes, taken over by the viewer) into `host`: a toolbar with page
   * navigation, page count and zoom, then the pages, drawn as they scroll into view.
   * `workerUrl` is the extension's copy of PDF.js's worker script.
   */
  open(host: HTMLElement, data: Uint8Array, name: string, workerUrl: string): PdfHandle;
}
