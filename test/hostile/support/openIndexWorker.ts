// Child process for the read-only folder test: opens the workspace index (possibly as another
// user), indexes the runs and prints what it got as JSON.
import { Indexer } from '../../../src/core/ingest/indexer';
import { ProblemList } from '../../../src/core/problems';
import { openWorkspaceIndex } from '../../../src/core/store/openIndex';
import { loadSql } from '../../unit/support/helpers';

async function main(): Promise<void> {
  const root = process.argv[2];
  const problems = new ProblemList();
  const { store, persistent } = await openWorkspaceIndex(await loadSql(), root, problems);
  await new Indexer(store, root, 'labbook', problems).sync();
  await store.save();
  process.stdout.write(JSON.stringify({ persistent, runs: store.listRuns().length, messages: problems.messages }));
  store.close();
}
main().catch((e) => {
  process.stderr.write(String((e as Error).stack ?? e));
  process.exit(1);
});
