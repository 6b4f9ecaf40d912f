// Hostile workspaces: the folder of series files beside the index (points of each metric).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Indexer } from '../../src/core/ingest/indexer';
import { ProblemList } from '../../src/core/problems';
import { openWorkspaceIndex } from '../../src/core/store/openIndex';
import { loadSql, tempDir } from '../unit/support/helpers';
import { snapshotStore, writeRealRuns } from './support/indexFiles';

/** The snapshot without the file-time-based last activity (a copied file's time differs by microseconds). */
const withoutActivity = (snapshot: unknown): unknown => JSON.parse(JSON.stringify(snapshot, (k: string, v: unknown) => (k === 'lastActivity' ? undefined : v)));

describe('hostile: the series folder beside the index', () => {
  for (const kind of ['a link to a folder outside the workspace', 'a file'] as const) {
    it(`never writes through a series folder that is ${kind}: it is replaced by a real folder and the points are right`, async () => {
      const root = tempDir('labbook-hostile-series-');
      const elsewhere = tempDir('labbook-elsewhere-');
      writeRealRuns(root, 2, 300);
      fs.mkdirSync(path.join(root, '.labbook'));
      const planted = path.join(root, '.labbook', 'index.sqlite.series');
      if (kind === 'a file') fs.writeFileSync(planted, 'not a folder');
      else fs.symlinkSync(elsewhere, planted);
      const problems = new ProblemList();
      const { store } = await openWorkspaceIndex(await loadSql(), root, problems);
      await new Indexer(store, root, 'labbook', problems).sync();
      await store.save();
      const seen = withoutActivity(snapshotStore(store));
      store.close();
      assert.deepStrictEqual(fs.readdirSync(elsewhere), [], 'nothing written outside');
      assert.ok(fs.lstatSync(planted).isDirectory(), 'a real folder now');

      // The same logs indexed in a clean workspace give the same runs and points.
      const cleanRoot = tempDir('labbook-clean-');
      fs.cpSync(path.join(root, 'labbook'), path.join(cleanRoot, 'labbook'), { recursive: true, preserveTimestamps: true });
      const fresh = await openWorkspaceIndex(await loadSql(), cleanRoot, new ProblemList());
      await new Indexer(fresh.store, cleanRoot, 'labbook', new ProblemList()).sync();
      assert.deepStrictEqual(withoutActivity(snapshotStore(fresh.store)), seen);
      fresh.store.close();
    });
  }
});
