// The tailer against random line lengths, chunk sizes, line limits and write boundaries: every
// line is read exactly once with its own number, and lines over the limit are reported, never read.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { EMPTY_TAIL, readNewLines, type TailState } from '../../src/core/ingest/tailer';
import { tempDir } from '../unit/support/helpers';

function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const PIECES = ['a', 'b', '{', '"', ' ', 'é', '训', '🚀', '\r'];

describe('hostile ingest: chunk and write boundaries', () => {
  it('reads every line once, in order, with its number, whatever the chunk size, line limit and write pieces', async () => {
    const dir = tempDir();
    for (let trial = 0; trial < 60; trial++) {
      const r = rng(trial + 1);
      const maxLineBytes = 8 + r(60);
      const chunkBytes = 1 + r(90);
      const lines: Buffer[] = [];
      for (let i = 0, n = 1 + r(40); i < n; i++) {
        const parts: Buffer[] = [];
        for (let j = 0, len = r(4) === 0 ? r(200) : r(30); j < len; j++) parts.push(r(50) === 0 ? Buffer.from([0xff]) : Buffer.from(PIECES[r(PIECES.length)]));
        lines.push(Buffer.concat(parts));
      }
      const data = Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')]));
      const file = path.join(dir, `events-${trial}.jsonl`);
      fs.writeFileSync(file, '');
      const got = new Map<number, string>();
      const tooLong: number[] = [];
      let state: TailState = EMPTY_TAIL;
      const drain = async () => {
        for (;;) {
          const chunk = (await readNewLines(file, state, { chunkBytes, maxLineBytes, now: fs.statSync(file).mtimeMs }))!;
          assert.strictEqual(chunk.restarted, false);
          chunk.lines.forEach((text, i) => {
            const no = chunk.firstLine + i;
            assert.ok(!got.has(no) || (got.get(no) === '' && text === ''), `trial ${trial}: line ${no} read twice`);
            got.set(no, text);
          });
          for (const issue of chunk.issues) if (/longer than/.test(issue.message)) tooLong.push(issue.line);
          state = chunk.next;
          if (!chunk.more) return;
        }
      };
      for (let at = 0; at < data.length;) {
        const next = Math.min(data.length, at + 1 + r(120));
        fs.appendFileSync(file, data.subarray(at, next));
        at = next;
        await drain();
      }
      await drain();
      const expectedLong: number[] = [];
      lines.forEach((bytes, i) => {
        const no = i + 1;
        if (bytes.length > maxLineBytes) {
          expectedLong.push(no);
          assert.strictEqual(got.get(no), '', `trial ${trial}: line ${no} over the limit must not be read`);
        } else {
          assert.strictEqual(got.get(no), bytes.toString('utf8'), `trial ${trial}: line ${no}`);
        }
      });
      assert.deepStrictEqual(tooLong, expectedLong, `trial ${trial}: lines reported as too long`);
      assert.strictEqual(state.offset, data.length);
      assert.strictEqual(state.line, lines.length);
      assert.strictEqual(Math.max(...got.keys()), lines.length);
    }
  });
});
