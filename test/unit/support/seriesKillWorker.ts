// Child process for the series-files kill test: opens the index, then reads the logs and saves in a
// loop until it is killed (SIGKILL lands during appends, pyramid updates or saves).
import { Indexer } from '../../../src/core/ingest/indexer';
import { silentProblems } from '../../../src/core/problems';
import { Store } from '../../../src/core/store/store';
import { loadSql } from './helpers';

async function main(): Promise<void> {
  const [root, indexFile] = process.argv.slice(2);
  const { store } = await Store.open(await loadSql(), indexFile);
  const indexer = new Indexer(store, root, 'labbook', silentProblems);
  process.stdout.write('open\n');
  for (;;) {
    await indexer.sync();
    await store.save();
    process.stdout.write('saved\n');
  }
}
void main();
