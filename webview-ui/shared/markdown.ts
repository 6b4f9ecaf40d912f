/**
 * A small Markdown renderer for run notes that builds DOM nodes directly: every piece of text goes
 * through `textContent`, so a note can never inject markup. Supports headings, paragraphs, bullet
 * and numbered lists, fenced code, block quotes, **bold**, *italic*, `code` and http(s) links.
 */
import { el } from './dom';

type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'para'; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'code'; text: string }
  | { kind: 'quote'; text: string };

export function parseBlocks(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '') {
      i++;
      continue;
    }
    if (/^\s*```/.test(line)) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !/^\s*```/.test(lines[i])) body.push(lines[i++]);
      i++;
      blocks.push({ kind: 'code', text: body.join('\n') });
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      blocks.push({ kind: 'heading', level: h[1].length, text: h[2] });
      i++;
      continue;
    }
    const bullet = /^\s*([-*+]|\d+[.)])\s+/;
    if (bullet.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const items: string[] = [];
      while (i < lines.length && bullet.test(lines[i])) items.push(lines[i++].replace(bullet, ''));
      blocks.push({ kind: 'list', ordered, items });
      continue;
    }
    if (/^\s*>/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i])) body.push(lines[i++].replace(/^\s*>\s?/, ''));
      blocks.push({ kind: 'quote', text: body.join('\n') });
      continue;
    }
    const body: string[] = [];
    while (i < lines.length && lines[i].trim() !== '' && !/^(#{1,6}\s|\s*```|\s*>|\s*([-*+]|\d+[.)])\s+)/.test(lines[i])) body.push(lines[i++]);
    blocks.push({ kind: 'para', text: body.join('\n') });
  }
  return blocks;
}

const INLINE = /(`[^`]+`)|(\*\*[^*]+\*\*|__[^_]+__)|(\*[^*\s][^*]*\*|_[^_\s][^_]*_)|(\[[^\]]+\]\((https?:\/\/[^)\s]+)\))|(https?:\/\/[^\s)]+)/g;

function inline(text: string, parent: HTMLElement): void {
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index! > last) parent.append(document.createTextNode(text.slice(last, m.index)));
    const t = m[0];
    if (m[1]) parent.append(el('code', { text: t.slice(1, -1) }));
    else if (m[2]) {
      const b = el('strong');
      inline(t.slice(2, -2), b);
      parent.append(b);
    } else if (m[3]) {
      const e = el('em');
      inline(t.slice(1, -1), e);
      parent.append(e);
    } else if (m[4]) {
      parent.append(el('a', { text: t.slice(1, t.indexOf('](')), attrs: { href: m[5] } }));
    } else {
      parent.append(el('a', { text: t, attrs: { href: t } }));
    }
    last = m.index! + t.length;
  }
  if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
}

export function renderMarkdown(src: string): HTMLElement {
  const root = el('div', { className: 'markdown' });
  for (const b of parseBlocks(src)) {
    switch (b.kind) {
      case 'heading': {
        const h = el(`h${Math.min(6, b.level + 2)}` as 'h3');
        inline(b.text, h);
        root.append(h);
        break;
      }
      case 'para': {
        const p = el('p');
        inline(b.text, p);
        root.append(p);
        break;
      }
      case 'list': {
        const list = el(b.ordered ? 'ol' : 'ul');
        for (const item of b.items) {
          const li = el('li');
          inline(item, li);
          list.append(li);
        }
        root.append(list);
        break;
      }
      case 'code':
        root.append(el('pre', {}, [el('code', { text: b.text })]));
        break;
      case 'quote': {
        const q = el('blockquote');
        inline(b.text, q);
        root.append(q);
        break;
      }
    }
  }
  return root;
}
