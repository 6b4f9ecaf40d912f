// PDF artifacts on the run page: a real PDF (a two-page training report made by Pillow, with JPEG
// images) and a vector one drawn by hand render their pages on canvases with a page count, page
// navigation and fit-width zoom. Hostile ones (JavaScript and a launch link, a claim of 50 million
// pages, a thousand real ones, cut short, garbage after a PDF header, not a PDF at all, over the
// size limit) show a message or what can be read, run
// nothing, and the page keeps working: the next file still previews.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { activeWebview, editorTab, expand, openViewContainer, screenshot, treeRow, treeView, until } from '../support/browser';
import { repoRoot } from '../support/paths';
import { RunWriter, trainingCurve } from '../support/runWriter';
import { workbenchSuite } from '../support/workbenchSuite';
import { garbagePdf, headerThenGarbage, hugePageCountPdf, javascriptPdf, manyPagesPdf, simplePdf, truncatedPdf } from '../hostile/support/pdfFiles';

function writePdfRun(logRoot: string): void {
  const run = new RunWriter(logRoot, { project: 'reports', name: 'with-pdfs', params: { lr: 0.01 } });
  run.series(0, 10, (s) => trainingCurve(s, 2));
  const files: Record<string, Buffer> = {
    'training-report.pdf': fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'pdf', 'training-report.pdf')),
    'figures/loss-curves.pdf': simplePdf('Validation loss', 3),
    'hostile/scripted.pdf': javascriptPdf(),
    'hostile/huge.pdf': hugePageCountPdf(),
    'hostile/thousand-pages.pdf': manyPagesPdf(1000),
    'hostile/cut.pdf': truncatedPdf(),
    'hostile/broken.pdf': headerThenGarbage(),
    'hostile/noise.pdf': garbagePdf(),
    // Over the 1 MB limit this suite sets: a valid PDF padded after its end.
    'hostile/oversized.pdf': Buffer.concat([simplePdf('Too big'), Buffer.alloc(1_200_000, 0x20)]),
  };
  for (const [name, data] of Object.entries(files)) {
    const file = path.join(run.dir, 'artifacts', ...name.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
    run.record({ t: 'artifact', path: `artifacts/${name}`, name, size: data.length });
  }
  run.finish();
}

describe('Run page PDFs (e2e)', function () {
  this.timeout(120_000);
  const wb = workbenchSuite({
    name: 'runpdf',
    prepare: (workspace) => writePdfRun(path.join(workspace, 'labbook')),
    server: { settings: { 'labbook.pdfPreviewMaxMB': 1 } },
  });
  let page: Page;
  let frame: FrameLocator;

  async function choose(file: string): Promise<void> {
    const box = frame.locator('details[data-box="artifacts"]');
    if (!(await box.evaluate((d) => (d as HTMLDetailsElement).open))) await box.locator('> summary').click();
    await frame.locator('ul.artifact-tree a', { hasText: file }).click();
  }

  /** The PDF view's state once it settled: `ready` (pages laid out) or `error`. */
  async function settled(): Promise<string> {
    return until('the PDF view settles', async () => {
      const kind = await frame.locator('.preview-content').getAttribute('data-kind');
      if (kind === 'error') return 'refused';
      const state = await frame.locator('.preview-content .pdf-view').getAttribute('data-state', { timeout: 1000 }).catch(() => null);
      return state === 'ready' || state === 'error' ? state : undefined;
    }, 45_000);
  }

  /** Whether a canvas of page `n` has drawn pixels that are not all white. */
  async function pageDrawn(n: number): Promise<boolean> {
    return frame.locator(`.pdf-page[data-page="${n}"] canvas`).evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let dark = 0;
      for (let i = 0; i < data.length; i += 4 * 97) if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) dark++;
      return dark > 20;
    });
  }

  before(async () => {
    page = wb.page;
    await openViewContainer(page, 'Labbook');
    const pane = treeView(page, 'Experiments');
    await pane.waitFor({ state: 'visible', timeout: 60_000 });
    await expand(treeRow(pane, 'reports'));
    const row = treeRow(pane, 'with-pdfs');
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await row.dblclick();
    await editorTab(page, 'with-pdfs').waitFor({ state: 'visible', timeout: 30_000 });
    frame = activeWebview(page);
    await frame.locator('details[data-box="artifacts"]').waitFor({ state: 'attached', timeout: 30_000 });
  });

  it('renders a real two-page PDF on canvases, with its page count, fit to the width', async function () {
    await choose('training-report.pdf');
    assert.equal(await settled(), 'ready');
    assert.equal(await frame.locator('.preview-content').getAttribute('data-kind'), 'pdf');
    assert.equal(await frame.locator('.pdf-view').getAttribute('data-pages'), '2');
    assert.equal((await frame.locator('.pdf-page-count').textContent())?.trim(), 'of 2');
    await frame.locator('.pdf-page[data-page="1"][data-state="drawn"] canvas').waitFor({ state: 'visible', timeout: 30_000 });
    assert.ok(await pageDrawn(1), 'page 1 has ink');
    const [pageWidth, paneWidth] = await frame.locator('.pdf-pages').evaluate((p) => [(p.querySelector('.pdf-page') as HTMLElement).offsetWidth, p.clientWidth]);
    assert.ok(pageWidth > paneWidth - 40 && pageWidth <= paneWidth, `fit width: page ${pageWidth} px in a pane of ${paneWidth} px`);
    assert.equal(await frame.locator('.preview-header button', { hasText: 'Open in System Viewer' }).count(), 1);
    await frame.locator('.pdf-view').scrollIntoViewIfNeeded();
    await new Promise((r) => setTimeout(r, 500));
    await screenshot(page, 'runpdf-01-report-page1');
  });

  it('moves between pages and zooms', async function () {
    await frame.locator('.pdf-toolbar button[title="Next page"]').click();
    await until('page 2 drawn', async () => (await frame.locator('.pdf-page[data-page="2"][data-state="drawn"]').count()) === 1 && (await pageDrawn(2)));
    assert.equal(await frame.locator('.pdf-page-input').inputValue(), '2');
    const before = await frame.locator('.pdf-page[data-page="2"]').evaluate((e) => (e as HTMLElement).offsetWidth);
    await frame.locator('.pdf-toolbar button[title="Zoom in"]').click();
    const after = await frame.locator('.pdf-page[data-page="2"]').evaluate((e) => (e as HTMLElement).offsetWidth);
    assert.ok(after > before * 1.2, `zoomed in: ${before} -> ${after} px`);
    await until('page 2 drawn again', async () => (await frame.locator('.pdf-page[data-page="2"][data-state="drawn"]').count()) === 1);
    await frame.locator('.pdf-toolbar button', { hasText: 'Fit width' }).click();
    assert.equal(await frame.locator('.pdf-page[data-page="2"]').evaluate((e) => (e as HTMLElement).offsetWidth), before);
    await new Promise((r) => setTimeout(r, 500));
    await screenshot(page, 'runpdf-02-report-page2');
  });

  it('renders a hand-written vector PDF of three pages', async function () {
    await choose('loss-curves.pdf');
    assert.equal(await settled(), 'ready');
    assert.equal((await frame.locator('.pdf-page-count').textContent())?.trim(), 'of 3');
    await until('page 1 drawn', async () => (await frame.locator('.pdf-page[data-page="1"][data-state="drawn"]').count()) === 1 && (await pageDrawn(1)));
    await frame.locator('.pdf-view').scrollIntoViewIfNeeded();
    await new Promise((r) => setTimeout(r, 300));
    await screenshot(page, 'runpdf-03-vector');
  });

  it('draws a PDF with JavaScript and a launch link, running and following nothing', async function () {
    const title = await frame.locator('body').evaluate(() => document.title);
    await choose('scripted.pdf');
    assert.equal(await settled(), 'ready');
    await until('page 1 drawn', async () => (await frame.locator('.pdf-page[data-page="1"][data-state="drawn"]').count()) === 1);
    await frame.locator('.pdf-page[data-page="1"] canvas').click({ position: { x: 100, y: 60 } });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await frame.locator('body').evaluate(() => document.title), title, 'no script of the PDF ran');
    assert.equal(await frame.locator('.pdf-view a, .pdf-view iframe, .pdf-view section').count(), 0, 'no link or form layer');
    await frame.locator('.pdf-view').scrollIntoViewIfNeeded();
    await screenshot(page, 'runpdf-04-scripted');
  });

  it('counts the pages a PDF has, not the 50 million it claims', async function () {
    await choose('huge.pdf');
    assert.equal(await settled(), 'ready');
    assert.equal((await frame.locator('.pdf-page-count').textContent())?.trim(), 'of 1');
    await until('page 1 drawn', async () => (await frame.locator('.pdf-page[data-page="1"][data-state="drawn"]').count()) === 1);
  });

  it('lays out at most 300 pages of a PDF of 1,000, drawing only those in view', async function () {
    await choose('thousand-pages.pdf');
    assert.equal(await settled(), 'ready');
    assert.equal((await frame.locator('.pdf-page-count').textContent())?.trim(), `of ${(1000).toLocaleString('en-US')}`);
    assert.equal(await frame.locator('.pdf-page').count(), 300);
    assert.match((await frame.locator('.pdf-status').textContent()) ?? '', /first 300 of 1,000 pages.*system viewer/);
    await frame.locator('.pdf-page-input').fill('300');
    await frame.locator('.pdf-page-input').press('Enter');
    await until('page 300 drawn', async () => (await frame.locator('.pdf-page[data-page="300"][data-state="drawn"]').count()) === 1);
    const drawn = await frame.locator('.pdf-page canvas').count();
    assert.ok(drawn <= 8, `${drawn} canvases alive`);
    await frame.locator('.pdf-view').scrollIntoViewIfNeeded();
    await screenshot(page, 'runpdf-05-thousand-pages');
  });

  for (const [file, expected] of [
    ['broken.pdf', /damaged or not a PDF|cannot be read/],
    ['noise.pdf', /not a PDF file/],
    ['oversized.pdf', /1\.\d MB is over the 1 MB limit for PDFs.*labbook\.pdfPreviewMaxMB.*system viewer/],
  ] as const) {
    it(`says why ${file} cannot be shown`, async function () {
      await choose(file);
      const state = await settled();
      assert.ok(state === 'error' || state === 'refused', state);
      assert.match((await frame.locator('.preview-content').textContent()) ?? '', expected);
      await screenshot(page, `runpdf-06-${file.replace('.pdf', '')}`);
    });
  }

  it('shows what a PDF cut short still holds, or says it is damaged; the page keeps working', async function () {
    await choose('cut.pdf');
    const state = await settled();
    assert.ok(state === 'ready' || state === 'error', state);
    if (state === 'error') assert.match((await frame.locator('.pdf-status').textContent()) ?? '', /damaged|cannot be read/);
    await screenshot(page, 'runpdf-07-cut');
    // The page still works: another PDF previews after all the hostile ones.
    await choose('training-report.pdf');
    assert.equal(await settled(), 'ready');
    await until('page 1 drawn', async () => (await frame.locator('.pdf-page[data-page="1"][data-state="drawn"]').count()) === 1);
  });
});
