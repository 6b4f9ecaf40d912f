// Issue 9, item 6: a run log replaced (or rewritten in place) behind the indexer's back.
import * as assert from 'assert';
import * as fs from 'fs';
import { HEADER, ingestWorkspace, jsonl, pointsOf, replaceAtomically, writeRaw } from './support/runLogs';

const PADDED_HEADER = { ...HEADER, description: 'd'.repeat(300) };

describe('hostile ingest: a replaced run log', () => {
  it('an atomic replace that keeps the first 256 bytes is read again from scratch: no stale values, no spurious error', async () => {
    const ws = await ingestWorkspace();
    const f = ws.eventsFile('replaced');
    writeRaw(f, jsonl(PADDED_HEADER, { t: 'metrics', step: 0, values: { old: 1 } }, { t: 'params', values: { lr: 0.1 } }));
    await ws.indexer.sync();
    replaceAtomically(f, jsonl(PADDED_HEADER, { t: 'metrics', step: 0, values: { fresh: 2 } }, { t: 'params', values: { lr: 0.2 } }, { t: 'status', status: 'finished' }));
    const changes = await ws.indexer.sync();
    assert.ok(changes.reset.has('r1'));
    const run = ws.store.getRun('r1')!;
    assert.deepStrictEqual(ws.store.listSeries(run.id).map((s) => s.key), ['fresh']);
    assert.deepStrictEqual(ws.store.getParams(run.id), { lr: 0.2 });
    assert.strictEqual(run.status, 'finished');
    assert.deepStrictEqual(ws.problems.messages, []);
  });

  it('an atomic replace with the same size and modification time is noticed by its new inode', async () => {
    const ws = await ingestWorkspace();
    const f = ws.eventsFile('same-size');
    writeRaw(f, jsonl(PADDED_HEADER, { t: 'metrics', step: 0, values: { loss: 1 } }));
    await ws.indexer.sync();
    const before = fs.statSync(f);
    replaceAtomically(f, jsonl(PADDED_HEADER, { t: 'metrics', step: 0, values: { loss: 7 } }));
    fs.utimesSync(f, before.atime, before.mtime);
    assert.strictEqual(fs.statSync(f).size, before.size);
    await ws.indexer.sync();
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'loss').values, [7]);
  });

  it('a rewrite in place that changes the bytes before the stored offset is noticed by their checksum', async () => {
    const ws = await ingestWorkspace();
    const f = ws.eventsFile('in-place');
    writeRaw(f, jsonl(PADDED_HEADER, { t: 'metrics', step: 0, values: { loss: 1 } }));
    await ws.indexer.sync();
    const text = fs.readFileSync(f, 'utf8').replace('"loss":1', '"loss":9');
    const fd = fs.openSync(f, 'r+');
    fs.writeSync(fd, text + jsonl({ t: 'metrics', step: 1, values: { loss: 8 } }), 0);
    fs.closeSync(fd);
    await ws.indexer.sync();
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'loss'), { steps: [0, 1], values: [9, 8] });
    assert.deepStrictEqual(ws.problems.messages, []);
  });

  it('plain appends are never taken for a replacement', async () => {
    const ws = await ingestWorkspace();
    const f = ws.eventsFile('appends');
    writeRaw(f, jsonl(PADDED_HEADER));
    for (let i = 0; i < 30; i++) {
      fs.appendFileSync(f, jsonl({ t: 'metrics', step: i, values: { loss: i } }, { t: 'note', text: 'x'.repeat(i * 397) }));
      const changes = await ws.indexer.sync();
      assert.strictEqual(changes.reset.size, 0, `append ${i}`);
    }
    assert.strictEqual(pointsOf(ws, 'r1', 'loss').steps.length, 30);
    assert.deepStrictEqual(ws.problems.messages, []);
  });

  it('an index written by an older Labbook (the first bytes kept as they were) goes on reading without starting over', async () => {
    const ws = await ingestWorkspace();
    const f = ws.eventsFile('older');
    writeRaw(f, jsonl(PADDED_HEADER, { t: 'metrics', step: 0, values: { loss: 1 } }));
    await ws.indexer.sync();
    const row = ws.store.getFile('labbook/older/events.jsonl')!;
    ws.store.transaction(() => ws.store.putFile({ ...row, head: fs.readFileSync(f).subarray(0, 256).toString('latin1'), size: -1 }));
    fs.appendFileSync(f, jsonl({ t: 'metrics', step: 1, values: { loss: 2 } }));
    const changes = await ws.indexer.sync();
    assert.strictEqual(changes.reset.size, 0);
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'loss').steps, [0, 1]);
    replaceAtomically(f, jsonl({ ...PADDED_HEADER, name: 'other' }));
    assert.ok((await ws.indexer.sync()).reset.has('r1'), 'and still notices a replacement afterwards');
  });
});
