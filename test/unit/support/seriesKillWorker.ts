// Child process for the series-files kill tests: opens the index, then reads the logs and saves in a
// loop until it is killed (SIGKILL lands during appends, pyramid updates or saves).
//
// With LABBOOK_KILL_FILES (a pattern of series file names) and LABBOOK_KILL_AT (n), it kills itself
// during the n-th write to such a file (of at least LABBOOK_KILL_MIN_BYTES), after writing part of it as a killed process would: up to a
// page boundary of the file (the kernel copies a write page by page and a fatal signal stops it
// between pages), chosen by LABBOOK_KILL_SEED; with LABBOOK_CHUNK_BYTES, logs are read in smaller chunks
// (more, smaller appends).
import * as fs from 'fs';
import { Indexer } from '../../../src/core/ingest/indexer';
import { FileBlobs } from '../../../src/core/series/blobs';
import { Store } from '../../../src/core/store/store';
import { loadSql } from './helpers';

const PAGE = 4096;

function killDuringWrites(pattern: RegExp, at: number, seed: number, minBytes: number): void {
  let seen = 0;
  const write = FileBlobs.prototype.write;
  FileBlobs.prototype.write = function (this: FileBlobs, name: string, pos: number, data: Uint8Array): void {
    if (!pattern.test(name) || data.length < minBytes || ++seen < at) return write.call(this, name, pos, data);
    // Page boundaries inside the write, plus its start and end: the kill lands at one of them.
    const cuts = [pos];
    for (let b = Math.ceil((pos + 1) / PAGE) * PAGE; b < pos + data.length; b += PAGE) cuts.push(b);
    cuts.push(pos + data.length);
    // Torn part-way when the write crosses a page boundary, else before or after it.
    const end = cuts.length > 2 ? cuts[1 + (seed % (cuts.length - 2))] : cuts[seed % 2];
    if (end > pos) write.call(this, name, pos, data.subarray(0, end - pos));
    fs.writeSync(1, `killed writing ${name} at ${pos}: ${end - pos} of ${data.length} bytes\n`);
    process.kill(process.pid, 'SIGKILL');
  };
}

async function main(): Promise<void> {
  const [root, indexFile] = process.argv.slice(2);
  const env = process.env;
  if (env.LABBOOK_KILL_FILES) killDuringWrites(new RegExp(env.LABBOOK_KILL_FILES), Number(env.LABBOOK_KILL_AT), Number(env.LABBOOK_KILL_SEED ?? 0), Number(env.LABBOOK_KILL_MIN_BYTES ?? 0));
  const { store } = await Store.open(await loadSql(), indexFile);
  const chunkBytes = env.LABBOOK_CHUNK_BYTES ? Number(env.LABBOOK_CHUNK_BYTES) : undefined;
  // Whatever the index reports (it should be nothing) goes to the parent.
  const indexer = new Indexer(store, root, 'labbook', { report: (m) => fs.writeSync(1, `problem: ${m}\n`) }, { chunkBytes });
  process.stdout.write('open\n');
  for (;;) {
    await indexer.sync();
    await store.save();
    process.stdout.write('saved\n');
  }
}
void main();
