import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { appendEdit, editsPath, parseEdits } from '../../src/core/edits';
import { appendEvents, header, workspace } from './support/helpers';

describe('user edits (name, note, tags, archive) kept in files', () => {
  it('override what the log says, for a native run, and come back after a rebuild', async () => {
    const ws = await workspace();
    appendEvents(ws.eventsFile('r'), [header('r', { name: 'from-log', tags: ['log-tag'] }), { t: 'note', text: 'log note' }]);
    await ws.indexer.sync();
    const run = ws.store.getRun('r')!;
    const file = editsPath(run, 'labbook');
    assert.strictEqual(file, 'labbook/r/labbook.edits.jsonl');
    await appendEdit(ws.root, file, 'r', { t: 'set', name: 'renamed' });
    await appendEdit(ws.root, file, 'r', { t: 'note', text: '**mine**' });
    await appendEdit(ws.root, file, 'r', { t: 'tags', tags: ['best', 'log-tag'], reset: true });
    await appendEdit(ws.root, file, 'r', { t: 'archive', archived: true });
    const changes = await ws.indexer.sync();
    assert.ok(changes.runs.has('r'));
    const check = () => {
      const r = ws.store.getRun('r')!;
      assert.strictEqual(r.name, 'renamed');
      assert.strictEqual(r.note, '**mine**');
      assert.strictEqual(r.archived, true);
      assert.deepStrictEqual(ws.store.getTags(r.id), ['best', 'log-tag']);
    };
    check();
    // The script logging a note later does not undo the user's edit.
    appendEvents(ws.eventsFile('r'), [{ t: 'note', text: 'later log note' }]);
    await ws.indexer.sync();
    check();
    await ws.indexer.rebuild();
    check();
    assert.deepStrictEqual(ws.problems.messages, []);
    // Unarchive; then delete the edits file: the log's values are back.
    await appendEdit(ws.root, file, 'r', { t: 'archive', archived: false });
    await ws.indexer.sync();
    assert.strictEqual(ws.store.getRun('r')!.archived, false);
    fs.rmSync(path.join(ws.root, file));
    await ws.indexer.sync();
    assert.strictEqual(ws.store.getRun('r')!.name, 'from-log');
    assert.strictEqual(ws.store.getRun('r')!.note, 'later log note');
  });

  it('keep imported runs\' edits in Labbook\'s own folder, never in the other tool\'s', () => {
    const p = editsPath({ uid: 'mlflow:mlruns/1/abc', source: 'mlflow', folder: 'mlruns/1/abc' }, 'labbook');
    assert.match(p, /^labbook\/_imported\/mlflow-[0-9a-f]{16}\.jsonl$/);
  });

  it('apply to an imported run by uid, also before the run is read', async () => {
    const ws = await workspace();
    const uid = 'tensorboard:logs/v0';
    const file = editsPath({ uid, source: 'tensorboard', folder: 'logs/v0' }, 'labbook');
    await appendEdit(ws.root, file, uid, { t: 'note', text: 'noted' });
    await ws.indexer.sync();
    ws.store.transaction(() => ws.store.createRun(uid, 'logs', 'v0', 'logs/v0', 'tensorboard'));
    assert.strictEqual(ws.store.getRun(uid)!.note, 'noted');
  });

  it('parseEdits keeps the last value of each field, skips bad lines and a torn last line', () => {
    const text = '{"t":"set","name":"a","uid":"u"}\nnot json\n{"t":"set","name":"b","uid":"u"}\n{"t":"note","te';
    assert.deepStrictEqual(parseEdits(text), { uid: 'u', edits: { name: 'b' }, bad: [2] });
  });
});
