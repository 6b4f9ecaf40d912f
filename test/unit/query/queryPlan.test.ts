import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Database } from 'sql.js';
import { MIGRATIONS } from '../../../src/core/store/schema';
import { Store } from '../../../src/core/store/store';
import { compileSearch, searchRuns } from '../../../src/core/query';
import { loadSql, tempDir } from '../support/helpers';

/** SQLite's plan of the compiled query, one line per step. */
function plan(store: Store, query: string): string[] {
  const { sql, params } = compileSearch({ query }, { nowSeconds: 1_700_000_000 });
  // The store runs SELECTs only; the plan is asked of its database directly.
  const db = (store as unknown as { db: Database }).db;
  return (db.exec(`EXPLAIN QUERY PLAN ${sql}`, [...params])[0]?.values ?? []).map((row) => String(row[3]));
}

/** Three runs with a metric, params and tags, written with the store's own calls. */
function fill(store: Store): void {
  store.transaction(() => {
    for (const [i, uid] of ['a', 'b', 'c'].entries()) {
      const id = store.createRun(uid, 'exp', `run ${uid}`, `labbook/${uid}`);
      store.setParams(id, { lr: [0.1, 0.01, 0.01][i], opt: ['adam', 'sgd', 'adam'][i], model: { hidden: 32 * (i + 1) } }, true);
      store.setTags(id, [i === 0 ? 'stage:final' : 'stage:draft', 'baseline'], true);
      const sid = store.seriesId(id, 'acc');
      store.insertPoints(sid, [0, 1], [0.5, [0.9, 0.8, 0.95][i]], [1, 2]);
    }
  });
}

describe('query language: conditions read the indexes, not a lookup per run', () => {
  it('a metric, a param and a tag condition each read their own index range', async () => {
    const { store } = await Store.open(await loadSql());
    fill(store);
    const cases: Array<[string, RegExp]> = [
      ['metrics.acc > 0.85', /SEARCH m USING COVERING INDEX metric_last_key_value \(key=\? AND value>\?\)/],
      ['params.lr = 0.01', /SEARCH p USING COVERING INDEX params_key_value \(key=\?\)/],
      ['params.opt LIKE \'ad%\'', /SEARCH p USING COVERING INDEX params_key_value \(key=\?\)/],
      ['tags.stage = "final"', /tags_tag/],
      ['metrics.acc IS NULL', /SEARCH m USING COVERING INDEX metric_last_key_value \(key=\?\)/],
    ];
    for (const [query, expected] of cases) {
      const steps = plan(store, query);
      assert.ok(steps.some((s) => expected.test(s)), `${query}: ${steps.join(' | ')}`);
      // A lookup per run reads as `SEARCH m USING PRIMARY KEY (run_id=? AND key=?)`.
      assert.ok(!steps.some((s) => /\(run_id=\?/.test(s)), `${query} looks its key up once per run: ${steps.join(' | ')}`);
    }
    assert.deepStrictEqual(searchRuns(store, { query: 'metrics.acc > 0.85 and params.lr = 0.01 and tags.stage = "draft"' }).uids, ['c']);
    assert.deepStrictEqual(searchRuns(store, { query: 'params.model.hidden >= 64 and not tags.stage = "final" order by metrics.acc' }).uids, ['b', 'c']);
    store.close();
  });

  it('an index written before the indexes existed gets them when it is opened, and its queries use them', async () => {
    const SQL = await loadSql();
    const db = new SQL.Database();
    for (let v = 0; v < 7; v++) db.exec(MIGRATIONS[v]);
    db.exec('PRAGMA user_version = 7');
    db.exec(`INSERT INTO experiments(id, name) VALUES (1, 'p');
      INSERT INTO runs(id, uid, experiment_id, name, folder) VALUES (1, 'r1', 1, 'one', 'labbook/r1'), (2, 'r2', 1, 'two', 'labbook/r2');
      INSERT INTO params(run_id, key, value) VALUES (1, 'lr', '0.1'), (2, 'lr', '0.01');
      INSERT INTO tags(run_id, tag, pos) VALUES (1, 'stage:final', 0), (2, 'stage:draft', 0);
      INSERT INTO metric_last(run_id, key, value) VALUES (1, 'acc', 0.9), (2, 'acc', 0.7);`);
    const file = path.join(tempDir(), 'index.sqlite');
    fs.writeFileSync(file, db.export());
    db.close();

    const { store, problem } = await Store.open(SQL, file);
    assert.strictEqual(problem, undefined);
    const indexes = store.selectRows("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name", []).map((r) => r[0]);
    for (const name of ['metric_last_key_value', 'params_key_value', 'tags_tag']) assert.ok(indexes.includes(name), `${name} in ${indexes.join(', ')}`);
    assert.ok(plan(store, 'metrics.acc > 0.8').some((s) => s.includes('metric_last_key_value')));
    assert.deepStrictEqual(searchRuns(store, { query: 'metrics.acc > 0.8 and params.lr = 0.1 and tags.stage = "final"' }).uids, ['r1']);
    assert.deepStrictEqual(searchRuns(store, { query: 'metrics.acc < 0.8 or tags.stage = "nope"' }).uids, ['r2']);
    store.close();
  });
});
