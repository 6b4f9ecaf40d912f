// The run note renderer as the webview gets it: webview-ui/shared/markdown.ts bundled by esbuild
// and run in a jsdom window. Formatting renders; hostile Markdown stays inert.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { JSDOM } from 'jsdom';

const repo = path.resolve(__dirname, '..', '..', '..');

type Render = (src: string) => HTMLElement;

function loadRenderer(): { render: Render; window: JSDOM['window'] } {
  const out = buildSync({
    entryPoints: [path.join(repo, 'webview-ui', 'shared', 'markdown.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'labbookMarkdown',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  const dom = new JSDOM('<!doctype html><html><body></body></html>', { runScripts: 'outside-only' });
  dom.window.eval(`${out.outputFiles[0].text}\nwindow.labbookMarkdown = labbookMarkdown;`);
  const mod = (dom.window as unknown as { labbookMarkdown: { renderMarkdown: Render } }).labbookMarkdown;
  return { render: mod.renderMarkdown, window: dom.window };
}

describe('note Markdown (markdown-it + DOMPurify, as bundled for the webview)', function () {
  this.timeout(20_000);
  let render: Render;
  let win: JSDOM['window'];
  before(() => {
    ({ render, window: win } = loadRenderer());
  });

  /** Every element and attribute below root, for inert checks. */
  function inventory(root: HTMLElement): { tags: string[]; attrs: string[]; hrefs: string[] } {
    const els = Array.from(root.querySelectorAll('*'));
    return {
      tags: els.map((e) => e.tagName.toLowerCase()),
      attrs: els.flatMap((e) => Array.from(e.attributes).map((a) => a.name.toLowerCase())),
      hrefs: els.map((e) => e.getAttribute('href')).filter((h): h is string => h !== null),
    };
  }

  it('renders headings (shifted below the panel title), emphasis, code, lists, quotes and links', () => {
    const root = render('# Result\n\nLoss went **down**, *slowly*, with `lr=0.01`.\n\n- one\n- two\n\n1. first\n2. second\n\n> quoted\n\n```\ncode block\n```\n\nSee [the paper](https://arxiv.org/abs/1706.03762) and https://example.org/x.');
    assert.equal(root.className, 'markdown');
    assert.equal(root.querySelector('h3')?.textContent, 'Result');
    assert.equal(root.querySelector('strong')?.textContent, 'down');
    assert.equal(root.querySelector('em')?.textContent, 'slowly');
    assert.equal(root.querySelector('p code')?.textContent, 'lr=0.01');
    assert.deepEqual(Array.from(root.querySelectorAll('ul li')).map((li) => li.textContent), ['one', 'two']);
    assert.deepEqual(Array.from(root.querySelectorAll('ol li')).map((li) => li.textContent), ['first', 'second']);
    assert.equal(root.querySelector('blockquote')?.textContent?.trim(), 'quoted');
    assert.equal(root.querySelector('pre code')?.textContent, 'code block\n');
    const links = Array.from(root.querySelectorAll('a'));
    assert.deepEqual(links.map((a) => a.getAttribute('href')), ['https://arxiv.org/abs/1706.03762', 'https://example.org/x']);
    assert.equal(links[0].textContent, 'the paper');
    for (const a of links) assert.equal(a.getAttribute('rel'), 'noopener noreferrer');
  });

  const hostile: Array<[string, string]> = [
    ['script tag', '<script>window.pwned = 1</script>'],
    ['img with onerror', '<img src=x onerror="window.pwned = 1">'],
    ['iframe', '<iframe src="https://evil.example/"></iframe>'],
    ['svg with onload', '<svg onload="window.pwned=1"><circle r="4"/></svg>'],
    ['inline event handler on a div', '<div onclick="window.pwned=1">click</div>'],
    ['javascript: link', '[click](javascript:window.pwned=1)'],
    ['JaVaScRiPt: with entities', '[click](jav&#x09;ascript:alert(1))'],
    ['vbscript: link', '[x](vbscript:msgbox)'],
    ['data: link', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['command: link', '[run](command:labbook.runQuickstart)'],
    ['file: link', '[x](file:///etc/passwd)'],
    ['autolink to javascript', '<javascript:alert(1)>'],
    ['image markdown', '![x](https://evil.example/track.png)'],
    ['reference link to javascript', '[x][r]\n\n[r]: javascript:alert(1)'],
    ['style tag', '<style>body{display:none}</style>'],
    ['form and input', '<form action="https://evil.example"><input name=a></form>'],
    ['object/embed', '<object data="x.swf"></object><embed src="x.swf">'],
    ['meta refresh', '<meta http-equiv="refresh" content="0;url=https://evil.example">'],
  ];

  for (const [name, src] of hostile) {
    it(`keeps a note inert: ${name}`, () => {
      const root = render(src);
      const { tags, attrs, hrefs } = inventory(root);
      for (const bad of ['script', 'img', 'iframe', 'svg', 'style', 'form', 'input', 'object', 'embed', 'meta', 'link', 'base']) {
        assert.ok(!tags.includes(bad), `<${bad}> rendered for ${JSON.stringify(src)}: ${root.outerHTML}`);
      }
      assert.ok(!attrs.some((a) => a.startsWith('on') || a === 'style' || a === 'src' || a === 'srcdoc'), `unsafe attribute in ${root.outerHTML}`);
      for (const h of hrefs) assert.match(h, /^(https?:|mailto:)/i, `unsafe href ${h}`);
      assert.equal((win as unknown as { pwned?: number }).pwned, undefined);
    });
  }

  it('shows raw HTML as the text the author typed', () => {
    const root = render('<b>not bold</b>');
    assert.equal(root.querySelector('b'), null);
    assert.equal(root.textContent?.trim(), '<b>not bold</b>');
  });
});
