import * as assert from 'assert';
import { appendEvents, header, workspace } from './support/helpers';
import { rebuildInBatches, rebuildRate, type RebuildProgress } from '../../src/core/ingest/batchedRebuild';

describe('rebuild in batches', () => {
  async function fiveRuns() {
    const ws = await workspace();
    for (let i = 0; i < 5; i++) appendEvents(ws.eventsFile(`run-${i}`), [header(`r${i}`), { t: 'metrics', step: 0, values: { loss: 1, acc: 2 } }, { t: 'metrics', step: 1, values: { loss: 1 } }]);
    await ws.indexer.sync();
    return ws;
  }

  it('reads every log again and reports progress after each batch, with points and rate', async () => {
    const ws = await fiveRuns();
    const seen: RebuildProgress[] = [];
    const out = await rebuildInBatches(ws.store, ws.indexer, ws.logRoot, { batch: 2, onProgress: (p) => seen.push(p) });
    assert.deepStrictEqual(seen.map((p) => [p.files, p.totalFiles, p.points]), [[0, 5, 0], [2, 5, 6], [4, 5, 12], [5, 5, 15]]);
    assert.deepStrictEqual([out.runs, out.points, out.cancelled, out.changes.runs.size], [5, 15, false, 5]);
    assert.match(rebuildRate({ files: 100, totalFiles: 100, points: 2_500_000, elapsedMs: 2000 }), /^50 logs\/s, 1\.25 M points\/s$/);
  });

  it('stops between batches when cancelled, keeping what was read', async () => {
    const ws = await fiveRuns();
    let batches = 0;
    const out = await rebuildInBatches(ws.store, ws.indexer, ws.logRoot, { batch: 2, onBatch: () => batches++, isCancelled: () => batches >= 1 });
    assert.deepStrictEqual([out.files, out.totalFiles, out.runs, out.cancelled], [2, 5, 2, true]);
    await ws.indexer.sync();
    assert.strictEqual(ws.store.listRuns().length, 5, 'the next sync reads the rest');
  });
});
