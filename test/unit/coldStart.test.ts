import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Store } from '../../src/core/store/store';
import { FileBlobs } from '../../src/core/series/blobs';
import { ImportIndex } from '../../src/core/ingest/importIndex';
import { importFinders } from '../../src/core/importers/finders';
import { ProblemList } from '../../src/core/problems';
import { IndexEngine } from '../../src/core/worker/indexEngine';
import { appendEvents, header, loadSql, tempDir, workspace } from './support/helpers';

/** A saved index of `runs` runs with two metrics each, closed cleanly. */
async function savedIndex(runs: number): Promise<{ root: string; indexFile: string }> {
  const root = tempDir();
  const indexFile = path.join(root, '.labbook', 'index.sqlite');
  const ws = await workspace({ root, indexFile });
  for (let r = 0; r < runs; r++) appendEvents(ws.eventsFile(`r${r}`), [header(`r${r}`), ...Array.from({ length: 5 }, (_, i) => ({ t: 'metrics', step: i, values: { loss: i, acc: -i } }))]);
  await ws.indexer.sync();
  await ws.store.save();
  ws.store.close();
  return { root, indexFile };
}

describe('store: cold start from a saved index', () => {
  it('lists the runs of a cleanly closed index without reading the series folder', async () => {
    const { indexFile } = await savedIndex(3);
    const list = FileBlobs.prototype.list;
    let listed = 0;
    FileBlobs.prototype.list = function (this: FileBlobs) {
      listed++;
      return list.call(this);
    };
    let store: Store;
    try {
      ({ store } = await Store.open(await loadSql(), indexFile));
      assert.strictEqual(store.listRuns().length, 3);
      assert.strictEqual(listed, 0, 'the series folder is not listed while the tree waits');
      store.checkSeriesFiles();
      assert.strictEqual(listed, 1, 'but before the first sync');
    } finally {
      FileBlobs.prototype.list = list;
    }
    store.close();
  });

  it('checks the series files before the first sync of runs from logs or from other trackers, once', async () => {
    const { root, indexFile } = await savedIndex(2);
    const dir = `${indexFile}.series`;
    fs.rmSync(path.join(dir, fs.readdirSync(dir).filter((n) => n.endsWith('.points'))[0]));

    // Other trackers' sync comes first here: it runs the check, and the run from the log is read again by the indexer.
    let ws = await workspace({ root, indexFile });
    assert.strictEqual(ws.store.listRuns().length, 2, 'listed at once, before any check');
    await new ImportIndex(ws.store, root, importFinders(await loadSql()), new ProblemList()).sync();
    assert.strictEqual(ws.store.listRuns().length, 1, 'the run whose points are missing is forgotten until read again');
    assert.strictEqual(ws.store.checkSeriesFiles(), false, 'checked once');
    await ws.indexer.sync();
    assert.deepStrictEqual(ws.store.listRuns().map((r) => r.pointCount), [10, 10]);
    await ws.store.save();
    ws.store.close();

    // A sync of named files (a watcher's) after the check forgot runs reads every log, so those runs come back.
    fs.rmSync(path.join(dir, fs.readdirSync(dir).filter((n) => n.endsWith('.points'))[0]));
    ws = await workspace({ root, indexFile });
    await ws.indexer.sync([ws.eventsFile('r0')]);
    assert.deepStrictEqual(ws.store.listRuns().map((r) => r.pointCount), [10, 10]);
    ws.store.close();
  });

  it("sums a run's points from an index of the series table alone", async () => {
    const { store } = await Store.open(await loadSql());
    const plan = (store as unknown as { db: { exec(sql: string): Array<{ values: unknown[][] }> } }).db
      .exec(`EXPLAIN QUERY PLAN SELECT (SELECT COALESCE(SUM(count), 0) FROM series s WHERE s.run_id = 1)`)[0].values.map((r) => String(r[3]));
    assert.ok(plan.some((p) => /COVERING INDEX series_run_count/.test(p)), plan.join('\n'));
    store.close();
  });

  it('opens the index for the host without listing its runs (the host lists them next, once)', async () => {
    const { root } = await savedIndex(4);
    const list = Store.prototype.listRuns;
    let listed = 0;
    Store.prototype.listRuns = function (this: Store) {
      listed++;
      return list.call(this);
    };
    const engine = new IndexEngine(await loadSql(), new ProblemList(), { changes: () => undefined, progress: () => undefined, alerts: () => undefined });
    try {
      const { result } = await engine.handle({ id: 1, op: 'open', params: { root, logRoot: 'labbook', persistent: true } });
      assert.strictEqual(listed, 0, 'opening reads no run list');
      assert.deepStrictEqual(result, { uncleanShutdown: false, runs: 4 });
    } finally {
      Store.prototype.listRuns = list;
      await engine.handle({ id: 2, op: 'close' });
    }
  });

  it('counts exactly the runs it lists, edited, archived and removed ones included', async () => {
    const ws = await workspace();
    for (const id of ['a', 'b', 'c']) appendEvents(ws.eventsFile(id), [header(id, { project: id === 'c' ? 'other' : 'proj' }), { t: 'metrics', step: 0, values: { loss: 1 } }]);
    await ws.indexer.sync();
    assert.strictEqual(ws.store.runCount(), 3);
    ws.store.deleteRun(ws.store.listRuns()[0].id);
    assert.strictEqual(ws.store.runCount(), ws.store.listRuns().length);
    assert.strictEqual(ws.store.runCount(), 2);
    ws.store.close();
  });
});
