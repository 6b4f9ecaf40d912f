/**
 * Issue 16: artifacts previewed inline on the run page stay inert and inside their run folder.
 * The host side reads through the run's fence with size limits; the page (bundled as the webview
 * gets it, run in jsdom) shows HTML as text, SVG only as an <img>, names with markup as text.
 */
import * as assert from 'assert';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';
import { JSDOM } from 'jsdom';
import { PREVIEW_LIMITS, previewKind, readArtifactPreview } from '../../src/core/artifactPreview';
import type { ArtifactPreviewData, RunSummary } from '../../src/protocol/runPanel';
import { leaks, sandbox, SECRET, type Sandbox } from './support/outside';

const RUN = { folder: 'labbook/run1', source: 'labbook' } as const;
const preview = (sb: Sandbox, p: string) => readArtifactPreview(sb.root, RUN, p, previewKind(p));

const SVG_WITH_SCRIPT = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8" onload="window.pwned=1"><script>window.pwned=2</script><rect width="8" height="8"/></svg>';
const HTML_WITH_SCRIPT = '<html><body><script>window.pwned=3</script><img src=x onerror="window.pwned=4"></body></html>';
const MARKUP_NAME = '<img src=x onerror=window.pwned=5>.txt';

describe('hostile artifacts: host reads', () => {
  let sb: Sandbox;
  beforeEach(() => {
    sb = sandbox();
    sb.write('labbook/run1/events.jsonl', '');
    sb.write('labbook/other/notes.txt', 'another run');
  });

  it('refuses paths that leave the run folder, as written', async () => {
    for (const p of ['../other/notes.txt', '../../../home/id_rsa', '/etc/passwd', 'a/../../other/notes.txt', 'x\u0000.txt', '..\\other\\notes.txt']) {
      await assert.rejects(preview(sb, p), /leaves|outside|not found|ENOENT/, p);
    }
  });

  it('refuses links out of the run folder and out of the workspace, and reads nothing there', async () => {
    sb.link('labbook/run1/key.txt', sb.secretFile);
    sb.link('labbook/run1/sibling.txt', path.join(sb.root, 'labbook', 'other', 'notes.txt'));
    sb.link('labbook/run1/home', sb.outside);
    for (const p of ['key.txt', 'sibling.txt', 'home/id_rsa', 'home/ssh/secret.png']) {
      const r = await preview(sb, p).then((v) => JSON.stringify(v), (e: Error) => e.message);
      assert.ok(!r.includes(SECRET) && !r.includes('another run'), `${p} leaked: ${r.slice(0, 80)}`);
      assert.ok(!leaks(r), p);
      assert.match(r, /outside|leaves|link/, `${p}: ${r}`);
    }
  });

  it('reads HTML as text and SVG as an image data: URL, never as a page', async () => {
    sb.write('labbook/run1/report.html', HTML_WITH_SCRIPT);
    sb.write('labbook/run1/plot.svg', SVG_WITH_SCRIPT);
    const html = await preview(sb, 'report.html');
    assert.strictEqual(html.kind, 'text');
    assert.strictEqual((html as { text: string }).text, HTML_WITH_SCRIPT);
    const svg = await preview(sb, 'plot.svg');
    assert.strictEqual(svg.kind, 'svg');
    assert.match((svg as { dataUrl: string }).dataUrl, /^data:image\/svg\+xml;base64,/);
    sb.write('labbook/run1/fake.svg', '#!/bin/sh\nrm -rf ~\n');
    await assert.rejects(preview(sb, 'fake.svg'), /not an SVG/);
  });

  it('bounds what it reads: the start of a large text, a hash instead of a huge binary, no huge media', async () => {
    sb.write('labbook/run1/big.log', Buffer.alloc(PREVIEW_LIMITS.text * 3, 'a'));
    const log = (await preview(sb, 'big.log')) as { text: string; truncated: boolean; size: number };
    assert.strictEqual(log.text.length, PREVIEW_LIMITS.text);
    assert.strictEqual(log.truncated, true);
    assert.strictEqual(log.size, PREVIEW_LIMITS.text * 3);
    sb.write('labbook/run1/model.bin', Buffer.alloc(1000, 1));
    const bin = await preview(sb, 'model.bin');
    assert.deepStrictEqual(Object.keys(bin).sort(), ['kind', 'sha256', 'size']);
    assert.strictEqual((bin as { sha256: string }).sha256, createHash('sha256').update(Buffer.alloc(1000, 1)).digest('hex'));
    fs.writeFileSync(path.join(sb.root, 'labbook/run1/clip.mp4'), Buffer.alloc(0));
    fs.truncateSync(path.join(sb.root, 'labbook/run1/clip.mp4'), PREVIEW_LIMITS.media + 1);
    await assert.rejects(preview(sb, 'clip.mp4'), /too big/);
  });

  it('shows a broken JSON or YAML file as text with the parser message', async () => {
    sb.write('labbook/run1/bad.json', '{"a": 1,,}');
    sb.write('labbook/run1/bomb.yaml', `a: &a [x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 12 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(9).fill(i === 0 ? '*a' : `*l${i}`).join(', ')}]`).join('\n')}\n`);
    const bad = (await preview(sb, 'bad.json')) as { error?: string; value?: unknown };
    assert.ok(bad.error && bad.value === undefined);
    const bomb = (await preview(sb, 'bomb.yaml')) as { error?: string; value?: unknown };
    assert.ok(bomb.error && bomb.value === undefined, 'the alias bomb is refused');
  });
});

/** The run page's artifact view as the webview gets it, in a jsdom window that runs no script of a file. */
function loadPage(): { window: JSDOM['window']; view: { render(r: RunSummary): HTMLElement | null; onPreview(m: unknown): void }; sent: Array<{ type: string; requestId?: number; path?: string }> } {
  const repo = path.resolve(__dirname, '..', '..', '..');
  const out = buildSync({
    stdin: { contents: "export { ArtifactsView } from './webview-ui/run/artifactsView';", resolveDir: repo, loader: 'ts' },
    bundle: true, write: false, format: 'iife', globalName: 'labbookArtifacts', platform: 'browser', target: 'es2022', logLevel: 'silent',
    loader: { '.css': 'empty' },
  });
  const dom = new JSDOM('<!doctype html><html><body></body></html>', { runScripts: 'outside-only' });
  const sent: Array<{ type: string; requestId?: number; path?: string }> = [];
  const w = dom.window as unknown as { acquireVsCodeApi: () => unknown; labbookArtifacts: { ArtifactsView: new (r: unknown) => { render(r: RunSummary): HTMLElement | null; onPreview(m: unknown): void } } };
  w.acquireVsCodeApi = () => ({ postMessage: () => undefined, getState: () => undefined, setState: () => undefined });
  dom.window.eval(`${out.outputFiles[0].text}\nwindow.labbookArtifacts = labbookArtifacts;`);
  const view = new w.labbookArtifacts.ArtifactsView({
    preview: (requestId: number, p: string) => sent.push({ type: 'preview', requestId, path: p }),
    open: () => undefined, reveal: () => undefined, saveAs: () => undefined,
  });
  return { window: dom.window, view, sent };
}

function runWith(artifacts: RunSummary['artifacts']): RunSummary {
  return { id: 'r', name: 'r', project: 'p', description: '', status: 'finished', tags: [], params: {}, startTime: 0, lastActivity: 0, note: '', folder: 'labbook/r', statusMessage: '', artifacts, datasets: [], env: {}, alerts: [] };
}

describe('hostile artifacts: the page shows them inert', function () {
  this.timeout(30_000);

  function inert(root: Element): void {
    const tags = Array.from(root.querySelectorAll('*')).map((e) => e.tagName.toLowerCase());
    for (const bad of ['script', 'iframe', 'object', 'embed', 'svg', 'foreignobject', 'link', 'style', 'meta', 'base', 'form']) assert.ok(!tags.includes(bad), `a <${bad}> element reached the page`);
    const attrs = Array.from(root.querySelectorAll('*')).flatMap((e) => Array.from(e.attributes).map((a) => a.name.toLowerCase()));
    assert.ok(!attrs.some((a) => a.startsWith('on')), `an event handler attribute reached the page: ${attrs.filter((a) => a.startsWith('on'))}`);
  }

  async function showOne(name: string, reply: ArtifactPreviewData): Promise<HTMLElement> {
    const { window, view, sent } = loadPage();
    const box = view.render(runWith([{ path: name, name, size: 10 }]))!;
    window.document.body.append(box);
    (box.querySelector(`a[data-path]`) as HTMLElement).click();
    view.onPreview({ type: 'artifactPreview', requestId: sent[0].requestId, path: name, preview: reply });
    await new Promise((r) => setTimeout(r, 10));
    assert.strictEqual((window as unknown as { pwned?: number }).pwned, undefined, 'a script of the artifact ran');
    return box;
  }

  it('shows a name with markup as text', async () => {
    const box = await showOne(MARKUP_NAME, { kind: 'text', size: 4, text: 'hi', truncated: false });
    inert(box);
    assert.ok(box.textContent!.includes(MARKUP_NAME));
    assert.strictEqual(box.querySelectorAll('img').length, 0);
  });

  it('shows an HTML file as its source text', async () => {
    const box = await showOne('report.html', { kind: 'text', size: HTML_WITH_SCRIPT.length, text: HTML_WITH_SCRIPT, truncated: false });
    inert(box);
    assert.strictEqual(box.querySelector('pre.preview-text')!.textContent, HTML_WITH_SCRIPT);
  });

  it('shows an SVG only through <img>', async () => {
    const dataUrl = `data:image/svg+xml;base64,${Buffer.from(SVG_WITH_SCRIPT).toString('base64')}`;
    const box = await showOne('plot.svg', { kind: 'svg', size: SVG_WITH_SCRIPT.length, dataUrl });
    inert(box);
    const img = box.querySelector('.preview-content img')!;
    assert.strictEqual(img.getAttribute('src'), dataUrl);
  });

  it('renders Markdown without its raw HTML or script links', async () => {
    const md = `# Report\n\n${HTML_WITH_SCRIPT}\n\n[x](javascript:window.pwned=6) ![i](data:image/svg+xml;base64,AAAA)\n`;
    const box = await showOne('report.md', { kind: 'markdown', size: md.length, text: md, truncated: false });
    inert(box);
    assert.ok(box.querySelector('.markdown h3'));
    assert.ok(!Array.from(box.querySelectorAll('a')).some((a) => /javascript:/i.test(a.getAttribute('href') ?? '')));
  });

  it('shows JSON keys and values with markup as text, and CSV cells as text', async () => {
    const value = { [MARKUP_NAME]: '<script>window.pwned=7</script>' };
    inert(await showOne('x.json', { kind: 'json', size: 10, text: '', truncated: false, value }));
    const csv = `a,"<img src=x onerror=window.pwned=8>"\n1,<script>window.pwned=9</script>\n`;
    const box = await showOne('t.csv', { kind: 'csv', size: csv.length, text: csv, truncated: false });
    inert(box);
    assert.strictEqual(box.querySelectorAll('tbody tr').length, 1);
  });
});
