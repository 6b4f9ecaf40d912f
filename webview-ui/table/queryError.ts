/** Where a query error points: the text before the offending token (kept as spaces) and a mark under the token. */
export function errorCaret(query: string, start: number, end: number): { before: string; marked: string } {
  const s = Math.max(0, Math.min(start, query.length));
  const e = Math.max(s + 1, Math.min(end, query.length));
  // The text before, with every character but tabs as a space, so that the mark lines up under a monospace input.
  const before = query.slice(0, s).replace(/[^\t]/g, ' ');
  return { before, marked: '^'.repeat(Math.max(1, e - s)) };
}
