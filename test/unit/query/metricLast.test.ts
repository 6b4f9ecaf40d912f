import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { MIGRATIONS } from '../../../src/core/store/schema';
import { Store } from '../../../src/core/store/store';
import { searchRuns } from '../../../src/core/query';
import { appendEvents, header, loadSql, tempDir, workspace } from '../support/helpers';

/** The metric_last rows of a run, as `key=value`. */
function lastValues(store: Store, uid: string): string[] {
  return store.selectRows('SELECT m.key, m.value FROM metric_last m JOIN runs r ON r.id = m.run_id WHERE r.uid = ? ORDER BY m.key', [uid])
    .map(([k, v]) => `${String(k)}=${String(v)}`);
}

describe('store: each metric\'s last value (metric_last), which queries compare', () => {
  it('an index from schema 3 gets the table filled from its points on upgrade', async () => {
    const SQL = await loadSql();
    const db = new SQL.Database();
    for (let v = 0; v < 3; v++) db.exec(MIGRATIONS[v]);
    db.exec('PRAGMA user_version = 3');
    db.exec(`INSERT INTO experiments(id, name) VALUES (1, 'p');
      INSERT INTO runs(id, uid, experiment_id, name, folder) VALUES (1, 'r', 1, 'run', 'labbook/r');
      INSERT INTO series(id, run_id, key, count, last_step) VALUES (1, 1, 'loss', 3, 9), (2, 1, 'empty', 0, NULL);
      INSERT INTO points(series_id, step, value) VALUES (1, 0, 1.0), (1, 9, 0.25), (1, 4, 0.5)`);
    const file = path.join(tempDir(), 'index.sqlite');
    fs.writeFileSync(file, db.export());
    db.close();
    const { store, problem } = await Store.open(SQL, file);
    assert.strictEqual(problem, undefined);
    assert.deepStrictEqual(lastValues(store, 'r'), ['loss=0.25']);
    assert.deepStrictEqual(searchRuns(store, { query: 'metrics.loss < 0.3' }).uids, ['r']);
  });

  it('follows the last step as points arrive, also when an older step comes later', async () => {
    const ws = await workspace();
    const f = ws.eventsFile('r');
    appendEvents(f, [header('r'), { t: 'metrics', step: 0, values: { loss: 1, acc: 0.1 } }, { t: 'metrics', step: 5, values: { loss: 0.5 } }]);
    await ws.indexer.sync();
    assert.deepStrictEqual(lastValues(ws.store, 'r'), ['acc=0.1', 'loss=0.5']);
    appendEvents(f, [{ t: 'metrics', step: 3, values: { loss: 0.7, acc: 0.3 } }]);
    await ws.indexer.sync();
    assert.deepStrictEqual(lastValues(ws.store, 'r'), ['acc=0.3', 'loss=0.5'], 'loss stays at step 5');
    appendEvents(f, [{ t: 'metrics', step: 6, values: { loss: 'NaN' } }]);
    await ws.indexer.sync();
    assert.deepStrictEqual(lastValues(ws.store, 'r'), ['acc=0.3', 'loss=null'], 'a NaN last value is kept as NULL');
  });

  it('is forgotten with its run, and rebuilt when the run is read again', async () => {
    const ws = await workspace();
    appendEvents(ws.eventsFile('r'), [header('r'), { t: 'metrics', step: 0, values: { loss: 1 } }]);
    await ws.indexer.sync();
    const id = ws.store.getRun('r')!.id;
    ws.store.transaction(() => ws.store.deleteRun(id));
    assert.deepStrictEqual(ws.store.selectRows('SELECT COUNT(*) FROM metric_last', []), [[0]]);
    ws.store.clear();
    await ws.indexer.sync();
    assert.deepStrictEqual(lastValues(ws.store, 'r'), ['loss=1']);
  });
});
