// Notes opened as Markdown documents: the document path says which note, and saving gives its text.
import * as assert from 'assert';
import { isNoteFolder, MAX_NOTE_BYTES, noteFromBytes, notePath, parseNotePath } from '../../src/core/organise/noteDocs';

describe('sidebar: notes as documents', () => {
  it('names the note of a run or an experiment in the path, and reads it back', () => {
    for (const target of [
      { folder: 0, kind: 'run' as const, id: 'a1b2c3' },
      { folder: 2, kind: 'experiment' as const, id: 'mnist / ../../etc?#%' },
      { folder: 1, kind: 'run' as const, id: 'mlflow:12/abc' },
    ]) {
      const p = notePath(target, target.id);
      assert.match(p, /\(note\)\.md$/);
      assert.strictEqual(p.split('/').length, 5, p);
      assert.deepStrictEqual(parseNotePath(p), target);
    }
  });

  it('gives a tab name without path characters', () => {
    const p = notePath({ folder: 0, kind: 'experiment', id: 'x' }, '../<script>/..\\evil');
    assert.ok(!p.split('/')[4].includes('\\') && !p.split('/')[4].includes('<'), p);
  });

  it('tells the folders above notes (the editor looks at them before saving) from notes', () => {
    for (const p of ['/', '/0', '/0/run', '/3/experiment/mnist%20a', '/0/run/abc/']) assert.ok(isNoteFolder(p), p);
    for (const p of ['/0/run/abc/n (note).md', '/x', '/0/other', '/0/run/a/b']) assert.ok(!isNoteFolder(p), p);
  });

  it('is no note for any other path', () => {
    for (const p of ['/0/run/', '/x/run/a/n.md', '/0/other/a/n.md', '/0/run/%E0%A4%A/n.md', '/0/run/%00/n.md', '/0/run/a/b/n.md']) assert.strictEqual(parseNotePath(p), undefined, p);
  });

  it('saves the text with plain line ends and without the editor\'s final newline, and refuses a huge one', () => {
    assert.deepStrictEqual(noteFromBytes(Buffer.from('# Idea\r\nline two\n')), { text: '# Idea\nline two' });
    assert.deepStrictEqual(noteFromBytes(Buffer.from('')), { text: '' });
    assert.ok('problem' in noteFromBytes(new Uint8Array(MAX_NOTE_BYTES + 1)));
  });
});
