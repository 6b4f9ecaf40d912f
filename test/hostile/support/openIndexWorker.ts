// Child process for the read-only folder test: opens the workspace index (possibly as another
// user), indexes the runs and prints what it got as JSON. Argument 2: the workspace; argument 3
// (optional): the folder holding sql.js's wasm, when this file runs bundled outside the checkout.
import * as path from 'path';
import initSqlJs from 'sql.js';
import { Indexer } from '../../../src/core/ingest/indexer';
import { ProblemList } from '../../../src/core/problems';
import { openWorkspaceIndex } from '../../../src/core/store/openIndex';
import { loadSql } from '../../unit/support/helpers';

async function main(): Promise<void> {
  const root = process.argv[2];
  const problems = new ProblemList();
  const wasmDir = process.argv[3];
  const SQL = wasmDir ? await initSqlJs({ locateFile: (f: string) => path.join(wasmDir, f) }) : await loadSql();
  const { store, persistent } = await openWorkspaceIndex(SQL, root, problems);
  await new Indexer(store, root, 'labbook', problems).sync();
  await store.save();
  process.stdout.write(JSON.stringify({ persistent, runs: store.listRuns().length, messages: problems.messages }));
  store.close();
}
main().catch((e) => {
  process.stderr.write(String((e as Error).stack ?? e));
  process.exit(1);
});
