// JSON as Python's `json` module writes it by default: standard JSON plus bare `NaN`, `Infinity` and
// `-Infinity`, which `JSON.parse` refuses. W&B and SwanLab write their values this way.

export type BareToken = 'NaN' | 'Infinity' | '-Infinity';

const TOKENS: readonly BareToken[] = ['-Infinity', 'Infinity', 'NaN'];

/**
 * Parses `text`, giving each bare token outside strings the value `bare(token)` (by default the
 * number itself). Text inside strings is never changed: `"NaN-run"` stays `"NaN-run"`.
 * Throws like `JSON.parse` when the text is not JSON even with the bare tokens.
 */
export function parsePythonJson(text: string, bare: (token: BareToken) => unknown = Number): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (!/NaN|Infinity/.test(text)) throw e;
  }
  // Each bare token becomes a string no input string can be (it holds a fresh nonce), then the reviver turns it back.
  const nonce = `\u0000${Math.random().toString(36).slice(2)}:`;
  let out = '';
  let i = 0;
  let copied = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== 34) j += text.charCodeAt(j) === 92 /* \ */ ? 2 : 1;
      i = j + 1;
      continue;
    }
    const token = TOKENS.find((t) => text.startsWith(t, i));
    if (!token) {
      i++;
      continue;
    }
    out += text.slice(copied, i) + JSON.stringify(nonce + token);
    i += token.length;
    copied = i;
  }
  out += text.slice(copied);
  return JSON.parse(out, (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(nonce) ? bare(value.slice(nonce.length) as BareToken) : value);
}
