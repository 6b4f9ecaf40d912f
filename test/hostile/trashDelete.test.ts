/**
 * Hostile input for "Delete Permanently" in the trash: entries and trash folders that are links out
 * of the workspace, links inside a trashed run pointing at files outside, entry names that climb.
 * Nothing outside the trash entry is ever erased.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { deleteFromTrash, listTrash, moveToTrash } from '../../src/core/organise/trashFiles';
import type { RunRow } from '../../src/core/store/store';
import { sandbox } from './support/outside';

function row(folder: string): RunRow {
  return {
    id: 1, uid: 'u1', experiment: 'p', name: 'victim', description: '', status: 'finished', statusMessage: null, startTime: 1, endTime: null,
    lastActivity: 1, note: '', folder, source: 'labbook', formatVersion: 1, pointCount: 0, deleted: false, archived: false,
  };
}

const place = (root: string) => ({ root, logRoot: 'labbook' });

describe('hostile: deleting from the trash permanently', () => {
  it('erases a trashed run with a link inside it, and leaves what the link points at', async () => {
    const sb = sandbox();
    sb.write('labbook/run-a/events.jsonl', '{}\n');
    sb.link('labbook/run-a/weights', sb.secretDir);
    sb.link('labbook/run-a/key', sb.secretFile);
    const entry = await moveToTrash(place(sb.root), row('labbook/run-a'));
    const before = sb.snapshot();
    await deleteFromTrash(place(sb.root), entry);
    assert.deepStrictEqual(sb.snapshot(), before);
    assert.ok(fs.existsSync(sb.secretPng));
    assert.deepStrictEqual(await listTrash(place(sb.root), () => undefined), []);
    assert.ok(fs.existsSync(path.join(sb.root, 'labbook', '_trash')), 'the trash folder itself stays');
  });

  it('refuses an entry that is a link to a folder outside the workspace', async () => {
    const sb = sandbox();
    sb.link('labbook/_trash/evil', sb.secretDir);
    const before = sb.snapshot();
    await assert.rejects(deleteFromTrash(place(sb.root), { entry: 'evil', name: 'evil' }), /link/);
    assert.deepStrictEqual(sb.snapshot(), before);
    assert.ok(fs.lstatSync(path.join(sb.root, 'labbook', '_trash', 'evil')).isSymbolicLink());
  });

  it('refuses when the trash folder itself is a link outside', async () => {
    const sb = sandbox();
    fs.mkdirSync(path.join(sb.outside, 'entry'));
    fs.writeFileSync(path.join(sb.outside, 'entry', 'keep.txt'), 'keep');
    sb.link('labbook/_trash', sb.outside);
    const before = sb.snapshot();
    await assert.rejects(deleteFromTrash(place(sb.root), { entry: 'entry', name: 'x' }), /link/);
    assert.deepStrictEqual(sb.snapshot(), before);
  });

  it('refuses entry names that leave the trash folder', async () => {
    const sb = sandbox();
    sb.write('labbook/run-b/events.jsonl', '{}\n');
    for (const name of ['..', '../run-b', '', '.', 'a/../../run-b', '..\\run-b']) {
      await assert.rejects(deleteFromTrash(place(sb.root), { entry: name, name }), /not a trash entry/, name);
    }
    assert.ok(fs.existsSync(path.join(sb.root, 'labbook', 'run-b', 'events.jsonl')));
  });
});
