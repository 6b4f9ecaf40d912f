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
