import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { EMPTY_TAIL, readNewLines } from '../../src/core/ingest/tailer';
import { tempDir } from './support/helpers';

describe('tailer: readNewLines', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = tempDir();
    file = path.join(dir, 'events.jsonl');
  });

  it('returns undefined for a missing file', async () => {
    assert.strictEqual(await readNewLines(file, EMPTY_TAIL), undefined);
  });

  it('never consumes a partial last line, and reads it once it is complete', async () => {
    fs.writeFileSync(file, 'one\ntwo\nthr');
    const a = (await readNewLines(file, EMPTY_TAIL))!;
    assert.deepStrictEqual(a.lines, ['one', 'two']);
    assert.strictEqual(a.next.offset, 8);
    assert.strictEqual(a.next.line, 2);
    const b = (await readNewLines(file, a.next))!;
    assert.deepStrictEqual(b.lines, []);
    fs.appendFileSync(file, 'ee\nfour\n');
    const c = (await readNewLines(file, b.next))!;
    assert.deepStrictEqual(c.lines, ['three', 'four']);
    assert.strictEqual(c.firstLine, 3);
    assert.strictEqual(c.restarted, false);
  });

  it('notices truncation and starts over', async () => {
    fs.writeFileSync(file, 'aaaa\nbbbb\n');
    const a = (await readNewLines(file, EMPTY_TAIL))!;
    fs.writeFileSync(file, 'c\n');
    const b = (await readNewLines(file, a.next))!;
    assert.strictEqual(b.restarted, true);
    assert.deepStrictEqual(b.lines, ['c']);
    assert.strictEqual(b.firstLine, 1);
  });

  it('notices a file replaced by a longer one with another beginning', async () => {
    fs.writeFileSync(file, 'first run\n');
    const a = (await readNewLines(file, EMPTY_TAIL))!;
    fs.writeFileSync(file, 'other run, longer\nline 2\n');
    const b = (await readNewLines(file, a.next))!;
    assert.strictEqual(b.restarted, true);
    assert.deepStrictEqual(b.lines, ['other run, longer', 'line 2']);
  });

  it('reads in chunks, growing the chunk for a line longer than it, and says when more is left', async () => {
    const long = 'x'.repeat(100);
    fs.writeFileSync(file, `a\n${long}\nb\n`);
    const a = (await readNewLines(file, EMPTY_TAIL, { chunkBytes: 8 }))!;
    assert.deepStrictEqual(a.lines, ['a']);
    assert.strictEqual(a.more, true);
    const b = (await readNewLines(file, a.next, { chunkBytes: 8 }))!;
    assert.deepStrictEqual(b.lines, [long, 'b']);
    assert.strictEqual(b.more, false);
    assert.strictEqual(b.next.offset, fs.statSync(file).size);
  });

  it('keeps multi-byte UTF-8 intact', async () => {
    fs.writeFileSync(file, '{"name":"Ünïcødé 训练 🚀"}\n');
    const a = (await readNewLines(file, EMPTY_TAIL))!;
    assert.deepStrictEqual(a.lines, ['{"name":"Ünïcødé 训练 🚀"}']);
  });
});
