import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { MIGRATIONS, SCHEMA_VERSION, SchemaTooNewError, migrate } from '../../src/core/store/schema';
import { Store } from '../../src/core/store/store';
import { loadSql, tempDir } from './support/helpers';

describe('store: migrations', () => {
  it('upgrades an index written by schema 1 and keeps its data', async () => {
    const SQL = await loadSql();
    const db = new SQL.Database();
    db.exec(MIGRATIONS[0]);
    db.exec('PRAGMA user_version = 1');
    db.exec("INSERT INTO experiments(id, name) VALUES (1, 'p'); INSERT INTO runs(id, uid, experiment_id, name, folder) VALUES (1, 'r', 1, 'run', 'labbook/r')");
    const file = path.join(tempDir(), 'index.sqlite');
    fs.writeFileSync(file, db.export());
    db.close();
    const { store, problem } = await Store.open(SQL, file);
    assert.strictEqual(problem, undefined);
    const run = store.getRun('r')!;
    assert.strictEqual(run.name, 'run');
    assert.strictEqual(run.deleted, false);
    assert.deepStrictEqual(store.getArtifacts(run.id), []);
  });

  it('refuses an index from a newer Labbook (and Store.open starts a fresh one, keeping the old file aside)', async () => {
    const SQL = await loadSql();
    const db = new SQL.Database();
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    assert.throws(() => migrate(db), SchemaTooNewError);
    const file = path.join(tempDir(), 'index.sqlite');
    fs.writeFileSync(file, db.export());
    const { problem } = await Store.open(SQL, file);
    assert.match(problem!, /newer than this Labbook/);
  });
});

describe('store: points kept inside an older index', () => {
  it('move out into series files when it is opened, with their summaries, and stay there after a save', async () => {
    const SQL = await loadSql();
    const db = new SQL.Database();
    for (let v = 0; v < 5; v++) db.exec(MIGRATIONS[v]);
    db.exec('PRAGMA user_version = 5');
    db.exec(`INSERT INTO experiments(id, name) VALUES (1, 'p');
      INSERT INTO runs(id, uid, experiment_id, name, folder) VALUES (1, 'r', 1, 'run', 'labbook/r');
      INSERT INTO series(id, run_id, key, count, last_step) VALUES (4, 1, 'loss', 4, 30), (5, 1, 'acc', 1, 0);
      INSERT INTO points(series_id, step, value, time) VALUES (4, 30, 0.25, 1003), (4, 0, 1.0, 1000), (4, 10, NULL, NULL), (4, 20, 0.5, 1002), (5, 0, 0.75, 1000);
      INSERT INTO metric_last(run_id, key, value) VALUES (1, 'loss', 0.25), (1, 'acc', 0.75);
      INSERT INTO series(id, run_id, key, count, last_step) VALUES (6, 1, 'long', 20001, 20100);
      WITH RECURSIVE c(x) AS (SELECT 100 UNION ALL SELECT x + 1 FROM c WHERE x < 20100) INSERT INTO points SELECT 6, x, x * 0.5, NULL FROM c;`);
    const file = path.join(tempDir(), 'index.sqlite');
    fs.writeFileSync(file, db.export());
    db.close();

    const { store, problem } = await Store.open(SQL, file);
    assert.strictEqual(problem, undefined);
    const [acc, long, loss] = store.listSeries(1);
    assert.strictEqual(store.getPoints(long.id).steps.length, 20_001);
    assert.deepStrictEqual([long.firstStep, long.lastStep, long.min, long.max], [100, 20100, 50, 10050]);
    assert.deepStrictEqual(store.getPoints(loss.id), { steps: [0, 10, 20, 30], values: [1, NaN, 0.5, 0.25], times: [1000, NaN, 1002, 1003] });
    assert.deepStrictEqual({ ...loss, id: 0 }, { id: 0, key: 'loss', count: 4, lastStep: 30, firstStep: 0, last: 0.25, min: 0.25, max: 1 });
    assert.strictEqual(acc.last, 0.75);
    assert.deepStrictEqual(store.selectRows("SELECT name FROM sqlite_master WHERE name LIKE '%points%'", []), [], 'no points table left');
    const pages = store.selectRows('SELECT * FROM pragma_page_count()', [])[0][0] as number;
    const { store: fresh } = await Store.open(SQL);
    const schemaPages = fresh.selectRows('SELECT * FROM pragma_page_count()', [])[0][0] as number;
    fresh.close();
    // The 20,000 points took over 100 pages; what is left is the schema's tables and indexes and a few rows.
    assert.ok(pages <= schemaPages + 4, `the points' pages are given back (${pages} pages, an empty index has ${schemaPages})`);
    await store.save();
    store.close();
    assert.ok(fs.readdirSync(`${file}.series`).length > 0, 'series files beside the index');

    const { store: again } = await Store.open(SQL, file);
    assert.deepStrictEqual(again.getPoints(loss.id).values, [1, NaN, 0.5, 0.25]);
    assert.deepStrictEqual([...again.getRange(loss.id, -Infinity, Infinity, 100).steps], [0, 10, 20, 30]);
    again.close();
  });
});
