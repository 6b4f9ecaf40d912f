// Child process for the crash test: opens the index, ingests, then saves in a tight loop until killed.
import { Indexer } from '../../../src/core/ingest/indexer';
import { silentProblems } from '../../../src/core/problems';
import { Store } from '../../../src/core/store/store';
import { loadSql } from './helpers';

async function main(): Promise<void> {
  const [root, indexFile] = process.argv.slice(2);
  const { store } = await Store.open(await loadSql(), indexFile);
  const indexer = new Indexer(store, root, 'labbook', silentProblems);
  await indexer.sync();
  await store.save();
  process.stdout.write('saved\n');
  for (;;) {
    store.transaction(() => store.experimentId(`touch-${Date.now()}`));
    await store.save();
  }
}
void main();
