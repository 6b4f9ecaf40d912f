/**
 * PDFs among a run's artifacts: the run page draws them with PDF.js, so the host sends a PDF's
 * bytes to the page, and only when they are a PDF's (a `%PDF-` header at the start), within the
 * size limit, and read inside the run's fence (no link out of the run folder or workspace). The
 * host parses nothing of a PDF: a hostile one (JavaScript, a launch action, millions of pages) goes
 * to the page byte for byte, where PDF.js runs with scripts, eval, XFA and WebAssembly off.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import { PREVIEW_LIMITS, previewKind, readArtifactPreview } from '../../src/core/artifactPreview';
import { RESTRICTED_SETTINGS } from '../../src/core/restrictedSettings';
import { isRunPanelToHost } from '../../src/protocol/runPanel';
import { openErrorMessage, PDF_DOCUMENT_OPTIONS, PDF_LIMITS } from '../../webview-ui/run/pdf/options';
import { leaks, sandbox, SECRET, type Sandbox } from './support/outside';
import { garbagePdf, headerThenGarbage, hugePageCountPdf, javascriptPdf, simplePdf, truncatedPdf } from './support/pdfFiles';

const RUN = { folder: 'labbook/run1', source: 'labbook' } as const;
const read = (sb: Sandbox, p: string, pdfMaxBytes?: number) => readArtifactPreview(sb.root, RUN, p, previewKind(p), { pdfMaxBytes });

describe('hostile artifacts: PDFs', () => {
  let sb: Sandbox;
  beforeEach(() => {
    sb = sandbox();
    sb.write('labbook/run1/events.jsonl', '');
  });

  it('previews a .pdf (any case) as a PDF', () => {
    for (const name of ['report.pdf', 'REPORT.PDF', 'plots/confusion.Pdf']) assert.strictEqual(previewKind(name), 'pdf', name);
    assert.strictEqual(previewKind('report.pdf.txt'), 'text');
    assert.strictEqual(previewKind('pdf'), 'binary');
  });

  it('sends a PDF with JavaScript, a launch action or 50 million pages byte for byte, parsing none of it', async () => {
    for (const [name, bytes] of [['scripted.pdf', javascriptPdf()], ['huge.pdf', hugePageCountPdf()], ['cut.pdf', truncatedPdf()], ['broken.pdf', headerThenGarbage()]] as const) {
      sb.write(`labbook/run1/${name}`, bytes);
      const p = await read(sb, name);
      assert.strictEqual(p.kind, 'pdf', name);
      if (p.kind !== 'pdf') continue;
      assert.strictEqual(p.size, bytes.length);
      assert.ok(Buffer.from(p.data).equals(bytes), `${name}: the bytes as they are`);
      assert.deepStrictEqual(Object.keys(p).sort(), ['data', 'kind', 'size'], 'nothing read out of the PDF');
      // Its own buffer: transferred to the page whole, with nothing of the host's memory around it.
      assert.strictEqual(p.data.byteOffset, 0);
      assert.strictEqual(p.data.buffer.byteLength, bytes.length);
    }
  });

  it('refuses a file that is not a PDF, or is empty, with a message', async () => {
    sb.write('labbook/run1/noise.pdf', garbagePdf());
    sb.write('labbook/run1/empty.pdf', '');
    sb.write('labbook/run1/script.pdf', '<script>alert(1)</script>\n%PDF-1.7 later than a PDF reader looks'.padEnd(2048, ' '));
    await assert.rejects(read(sb, 'noise.pdf'), /not a PDF file/);
    await assert.rejects(read(sb, 'empty.pdf'), /empty, not a PDF/);
    // PDF.js and other readers find a header within the first KB; one later is not taken.
    sb.write('labbook/run1/late.pdf', Buffer.concat([Buffer.alloc(PREVIEW_LIMITS.pdfHeaderWindow + 10, 0x20), simplePdf()]));
    await assert.rejects(read(sb, 'late.pdf'), /not a PDF file/);
    sb.write('labbook/run1/early.pdf', Buffer.concat([Buffer.alloc(200, 0x20), simplePdf()]));
    assert.strictEqual((await read(sb, 'early.pdf')).kind, 'pdf');
  });

  it('does not read a PDF over the size limit, and says which setting raises it', async () => {
    const pdf = simplePdf('big', 20);
    sb.write('labbook/run1/big.pdf', pdf);
    await assert.rejects(read(sb, 'big.pdf', pdf.length - 1), /over the .* MB limit for PDFs .*labbook\.pdfPreviewMaxMB.*system viewer/);
    assert.strictEqual((await read(sb, 'big.pdf', pdf.length)).kind, 'pdf');
    assert.strictEqual(PREVIEW_LIMITS.pdf, 50 * 1024 * 1024, 'the default limit');
    assert.ok(RESTRICTED_SETTINGS.includes('labbook.pdfPreviewMaxMB'), 'an untrusted workspace cannot raise the limit');
    // A sparse file of 60 MB: refused by its size, before anything is read.
    const sparse = sb.write('labbook/run1/sparse.pdf', '%PDF-1.7\n');
    fs.truncateSync(sparse, 60 * 1024 * 1024);
    await assert.rejects(read(sb, 'sparse.pdf'), /^Error: 60 MB is over the 50 MB limit/);
    fs.truncateSync(sparse, 50 * 1024 * 1024 + 400 * 1024);
    await assert.rejects(read(sb, 'sparse.pdf'), /^Error: 50\.4 MB is over the 50 MB limit/);
  });

  it('reads no PDF through a link out of the run folder or the workspace', async () => {
    const secretPdf = Buffer.concat([simplePdf(SECRET), Buffer.from(`% ${SECRET}\n`)]);
    fs.writeFileSync(`${sb.outside}/secret.pdf`, secretPdf);
    sb.write('labbook/other/theirs.pdf', secretPdf);
    sb.link('labbook/run1/home.pdf', `${sb.outside}/secret.pdf`);
    sb.link('labbook/run1/sibling.pdf', `${sb.root}/labbook/other/theirs.pdf`);
    for (const p of ['home.pdf', 'sibling.pdf', '../other/theirs.pdf', `${sb.outside}/secret.pdf`]) {
      const r = await read(sb, p).then((v) => (v.kind === 'pdf' ? Buffer.from(v.data).toString('latin1') : JSON.stringify(v)), (e: Error) => e.message);
      assert.ok(!r.includes(SECRET) && !leaks(r), `${p} leaked`);
      assert.match(r, /outside|leaves|link/, `${p}: ${r.slice(0, 120)}`);
    }
  });

  it('opens PDFs on the page with scripts, eval, XFA and WebAssembly off, and bounded', () => {
    assert.strictEqual(PDF_DOCUMENT_OPTIONS.isEvalSupported, false);
    assert.strictEqual(PDF_DOCUMENT_OPTIONS.enableXfa, false);
    assert.strictEqual(PDF_DOCUMENT_OPTIONS.useWasm, false);
    for (const key of ['cMapUrl', 'standardFontDataUrl', 'wasmUrl', 'iccUrl', 'docBaseUrl', 'url']) assert.ok(!(key in PDF_DOCUMENT_OPTIONS), `${key}: PDF.js fetches nothing`);
    assert.ok(PDF_DOCUMENT_OPTIONS.maxImageSize > 0 && PDF_DOCUMENT_OPTIONS.maxImageSize <= 128 * 1024 * 1024);
    assert.ok(PDF_LIMITS.pagesListed <= 1000 && PDF_LIMITS.canvasPixels <= 64 * 1024 * 1024);
    // PDF.js 5 and later compile nothing from a PDF (fonts are drawn by an interpreter): no eval or
    // Function constructor in the library or the worker shipped, and the page's CSP allows neither.
    for (const file of ['pdfjs-dist/legacy/build/pdf.mjs', 'pdfjs-dist/legacy/build/pdf.worker.min.mjs']) {
      const code = fs.readFileSync(require.resolve(file), 'utf8');
      assert.ok(!/\bnew Function\s*\(|[^.\w]eval\s*\(/.test(code), `${file} evaluates code`);
    }
  });

  it('names what went wrong when PDF.js cannot open a PDF', () => {
    const err = (name: string, message: string) => Object.assign(new Error(message), { name });
    assert.match(openErrorMessage(err('PasswordException', 'No password given')), /password.*system viewer/);
    assert.match(openErrorMessage(err('InvalidPDFException', 'Invalid PDF structure.')), /^The file is damaged or not a PDF \(Invalid PDF structure\)\.$/);
    assert.match(openErrorMessage('boom'), /cannot be read: boom/);
  });

  it('takes the "open in the system viewer" request only as a bounded path string', () => {
    assert.ok(isRunPanelToHost({ type: 'openArtifactExternally', path: 'plots/report.pdf' }));
    for (const bad of [{ type: 'openArtifactExternally' }, { type: 'openArtifactExternally', path: 5 }, { type: 'openArtifactExternally', path: 'x'.repeat(100_000) }]) {
      assert.ok(!isRunPanelToHost(bad), JSON.stringify(bad).slice(0, 80));
    }
  });
});
