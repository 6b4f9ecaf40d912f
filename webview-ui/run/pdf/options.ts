/**
 * How the run page's PDF viewer opens a PDF. PDFs are untrusted input: PDF.js runs with no eval
 * (fonts are drawn by its interpreter, not compiled to functions; the CSP forbids eval), no XFA forms, no WebAssembly
 * (the page's CSP allows none), no fetches of its own (no font, CMap or ICC URLs), and its
 * scripting sandbox is not shipped. Pages are drawn to canvases only: no annotation or text layer,
 * so nothing in a PDF becomes a link or an element of the page.
 */
export const PDF_DOCUMENT_OPTIONS = {
  /** PDF.js 5 and later compile nothing (the option is gone); kept off should an older one be bundled. */
  isEvalSupported: false,
  enableXfa: false,
  useWasm: false,
  disableAutoFetch: true,
  disableStream: true,
  disableRange: true,
  stopAtErrors: false,
  fontExtraProperties: false,
  /** Largest image inside a PDF that is decoded, in pixels (a 64-megapixel bomb is skipped). */
  maxImageSize: 64 * 1024 * 1024,
  /** Errors only in the webview's console. */
  verbosity: 0,
} as const;

export const PDF_LIMITS = {
  /** Pages laid out on the page at most (a PDF claiming millions of pages lists this many). */
  pagesListed: 300,
  /** Pixels of one page's canvas at most (about 4096 × 4096); past it a page is drawn less sharp. */
  canvasPixels: 16_777_216,
  /** How long opening a PDF may take before its worker is stopped. */
  openMs: 30_000,
  /** How long drawing one page may take before it is given up. */
  pageMs: 20_000,
  /** Zoom, as a factor of the fit-width scale. */
  minZoom: 0.25,
  maxZoom: 5,
  zoomStep: 1.25,
} as const;

/** A message a user reads for an error PDF.js raised while opening a PDF. */
export function openErrorMessage(e: unknown): string {
  const name = e instanceof Error ? e.name : '';
  const message = (e instanceof Error ? e.message : String(e)).trim().replace(/\.$/, '');
  if (name === 'PasswordException') return 'The PDF is protected by a password; open it in the system viewer.';
  if (name === 'InvalidPDFException') return `The file is damaged or not a PDF (${message}).`;
  return `The PDF cannot be read: ${message || 'unknown error'}.`;
}
