// A poll that finds nothing new must cost little with thousands of runs: one index query for all
// files (not one per file), and nothing read from a file that is as it was.
import * as assert from 'assert';
import * as fs from 'fs';
import { appendEvents, header, workspace } from './support/helpers';
import { EDITS_FILE } from '../../src/core/edits';
import * as path from 'path';

describe('indexer: the no-change poll', () => {
  it('asks the index once for all files, not once per file', async () => {
    const ws = await workspace();
    for (let i = 0; i < 30; i++) appendEvents(ws.eventsFile(`run-${i}`), [header(`r${i}`), { t: 'metrics', step: 0, values: { loss: i } }]);
    await ws.indexer.sync();
    const store = ws.store as unknown as Record<string, (...a: unknown[]) => unknown>;
    let perFile = 0;
    for (const name of ['getFile', 'listFiles']) {
      const original = store[name].bind(ws.store);
      store[name] = (...a: unknown[]) => {
        perFile++;
        return original(...a);
      };
    }
    const changes = await ws.indexer.sync();
    assert.strictEqual(changes.runs.size, 0);
    assert.strictEqual(perFile, 0, `index asked ${perFile} times for files that did not change`);
  });

  it('still reads what changed beside unchanged files: an append, a rewrite of the same size, an edits file', async () => {
    const ws = await workspace();
    for (let i = 0; i < 3; i++) appendEvents(ws.eventsFile(`run-${i}`), [header(`r${i}`, { project: 'p' }), { t: 'metrics', step: 0, values: { loss: 1 } }]);
    await ws.indexer.sync();
    appendEvents(ws.eventsFile('run-1'), [{ t: 'metrics', step: 1, values: { loss: 2 } }]);
    const file2 = ws.eventsFile('run-2');
    const text = fs.readFileSync(file2, 'utf8').replace('"project":"p"', '"project":"q"');
    fs.writeFileSync(file2, text);
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(file2, later, later);
    fs.writeFileSync(path.join(path.dirname(ws.eventsFile('run-0')), EDITS_FILE), JSON.stringify({ t: 'set', name: 'renamed' }) + '\n');
    const changes = await ws.indexer.sync();
    assert.deepStrictEqual([...changes.runs].sort(), ['r0', 'r1', 'r2']);
    assert.strictEqual(ws.store.getRun('r1')!.pointCount, 2);
    assert.strictEqual(ws.store.getRun('r2')!.experiment, 'q');
  });
});
