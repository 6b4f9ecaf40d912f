/**
 * Markdown for run notes: CommonMark through markdown-it with raw HTML off, then DOMPurify, which
 * parses the result in an inert document and keeps only plain formatting tags. Links may point only
 * to http(s) and mailto addresses. The result is returned as DOM nodes; no string from a note is
 * ever assigned to innerHTML.
 */
import MarkdownIt from 'markdown-it';
import DOMPurify from 'dompurify';
import { el } from './dom';

const SAFE_LINK = /^(?:https?:|mailto:)/i;

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
// markdown-it refuses javascript:, vbscript:, file: and most data: links already; allow only web and mail links.
md.validateLink = (url: string) => SAFE_LINK.test(url.trim());
// Note headings sit inside a panel section: shift them two levels down (# → h3).
md.core.ruler.push('labbook_heading_levels', (state) => {
  for (const token of state.tokens) {
    if (token.type === 'heading_open' || token.type === 'heading_close') {
      token.tag = `h${Math.min(6, Number(token.tag.slice(1)) + 2)}`;
    }
  }
});

const ALLOWED_TAGS = ['p', 'br', 'hr', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];
const ALLOWED_ATTR = ['href', 'title', 'start', 'align'];

/** The note rendered as DOM nodes inside a `div.markdown`. */
export function renderMarkdown(src: string): HTMLElement {
  const root = el('div', { className: 'markdown' });
  const fragment = DOMPurify.sanitize(md.render(src), {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: SAFE_LINK,
    RETURN_DOM_FRAGMENT: true,
  });
  root.append(fragment);
  for (const a of Array.from(root.querySelectorAll('a'))) a.setAttribute('rel', 'noopener noreferrer');
  return root;
}
