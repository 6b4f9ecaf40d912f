// First-tree benchmark: what activation waits on before the Experiments tree shows runs, on a
// small workspace (3 runs) and on a 1,000-run one, both made in a temp folder.
//   cold  no index yet: open the index, read every run log, look for other trackers' runs, build the rows
//         (with many runs, activation reads 100 logs at a time and shows each batch: the first one is timed too)
//   warm  the index of the last session: open it and build the rows (shown at once; the logs are read after)
// and what every later change of the tree costs: the rows again, and the diff that picks what to re-render;
// then the first index of one big log (bench/firstBigLog.ts): its run in the tree, then the whole log read.
//   BENCH_TREE_RUNS=5000 node out/bench/firstTree.js
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import initSqlJs from 'sql.js';
import type { SqlJsStatic } from 'sql.js';
import { Indexer } from '../src/core/ingest/indexer';
import { findEventFiles } from '../src/core/ingest/discover';
import { ImportIndex } from '../src/core/ingest/importIndex';
import { importFinders } from '../src/core/importers/finders';
import { ProblemList } from '../src/core/problems';
import { Store } from '../src/core/store/store';
import { diffTreeModels, treeModel } from '../src/core/treeRows';
import { measureFirstBigLog } from './firstBigLog';

const BIG = Number(process.env.BENCH_TREE_RUNS ?? 1000);
const STEPS = 100;
const KEYS = ['train/loss', 'train/acc', 'val/loss', 'val/acc'];

/** `runs` finished runs in 10 experiments: header, parameters, STEPS steps of KEYS, a final status, as the SDK writes them. */
function writeWorkspace(runs: number): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-bench-tree-'));
  const t0 = 1_700_000_000;
  for (let i = 0; i < runs; i++) {
    const id = `r${String(i).padStart(5, '0')}`;
    const dir = path.join(root, 'labbook', `run-${id}`);
    fs.mkdirSync(dir, { recursive: true });
    const start = t0 + i * 600;
    const lines = [
      { t: 'header', format: 'labbook-run', version: 1, run_id: id, project: `project-${i % 10}`, name: `run-${i}`, time: start },
      { t: 'params', values: { lr: 10 ** -(1 + (i % 4)), batch: 32 << (i % 3), model: { layers: 2 + (i % 5), width: 128 } }, time: start },
    ] as object[];
    for (let s = 0; s < STEPS; s++) {
      const values: Record<string, number> = {};
      for (const k of KEYS) values[k] = Number((Math.exp(-s / 30) + Math.random() * 0.01).toFixed(5));
      lines.push({ t: 'metrics', step: s, time: start + s, values });
    }
    lines.push({ t: 'status', status: 'finished', time: start + STEPS });
    fs.writeFileSync(path.join(dir, 'events.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  }
  return root;
}

const options = { now: 1_800_000_000, heartbeatTimeoutSeconds: 120, showArchived: false };

function ms(t: number): string {
  return `${(performance.now() - t).toFixed(0).padStart(5)} ms`;
}

async function measure(SQL: SqlJsStatic, label: string, runs: number): Promise<void> {
  const root = writeWorkspace(runs);
  const indexFile = path.join(root, '.labbook', 'index.sqlite');
  fs.mkdirSync(path.dirname(indexFile));
  try {
    // Cold: the first time Labbook sees the workspace.
    const problems = new ProblemList();
    let t = performance.now();
    const { store } = await Store.open(SQL, indexFile);
    const opened = performance.now() - t;
    const tSync = performance.now();
    await new Indexer(store, root, 'labbook', problems).sync();
    const native = performance.now() - tSync;
    const tImports = performance.now();
    await new ImportIndex(store, root, importFinders(SQL), problems).sync(true);
    const imports = performance.now() - tImports;
    const tRows = performance.now();
    const model = treeModel(store.listRuns(), options);
    const rows = performance.now() - tRows;
    const cold = performance.now() - t;
    if (model.shownRuns !== runs || problems.messages.length) throw new Error(`${model.shownRuns} of ${runs} runs; ${problems.messages.join('; ')}`);
    await store.save();
    store.close();

    // Cold again, as activation does it for many runs: the first 100 logs read and shown, then the rest.
    const fresh = path.join(root, '.labbook', 'fresh.sqlite');
    t = performance.now();
    const batched = (await Store.open(SQL, fresh)).store;
    const files = await findEventFiles(path.join(root, 'labbook'));
    await new Indexer(batched, root, 'labbook', problems).sync(files.slice(0, 100));
    const firstRows = treeModel(batched.listRuns(), options).shownRuns;
    const firstBatch = performance.now() - t;
    batched.close();

    // Warm: the index of the last session is on disk.
    t = performance.now();
    const again = (await Store.open(SQL, indexFile)).store;
    const warmModel = treeModel(again.listRuns(), options);
    const warm = performance.now() - t;
    if (warmModel.shownRuns !== runs) throw new Error(`warm: ${warmModel.shownRuns} of ${runs} runs`);

    // Each later change (a poll while a run writes): the rows again and the diff.
    const rounds = 20;
    let previous = warmModel;
    let listing = 0;
    let diffing = 0;
    for (let i = 0; i < rounds; i++) {
      t = performance.now();
      const list = again.listRuns();
      listing += performance.now() - t;
      t = performance.now();
      const next = treeModel(list, { ...options, now: options.now + i * 2 });
      diffTreeModels(previous, next);
      diffing += performance.now() - t;
      previous = next;
    }
    again.close();

    console.log(`${label} (${runs.toLocaleString()} runs, ${(runs * STEPS * KEYS.length).toLocaleString()} points)`);
    console.log(`  cold: first tree after ${cold.toFixed(0)} ms  (index open ${opened.toFixed(0)}, run logs ${native.toFixed(0)}, other trackers ${imports.toFixed(0)}, rows ${rows.toFixed(0)})`);
    if (runs > 100) console.log(`  cold, read 100 logs at a time: first ${firstRows} runs shown after ${firstBatch.toFixed(0)} ms`);
    console.log(`  warm: first tree after ${warm.toFixed(0)} ms  (last session's index opened and its runs listed; the logs are read after)`);
    console.log(`  each change of the tree: ${((listing + diffing) / rounds).toFixed(1)} ms  (runs listed from the index ${(listing / rounds).toFixed(1)}, rows + diff ${(diffing / rounds).toFixed(1)})`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`\nfirst-tree benchmark: activation -> first rows of the Experiments tree (core work; node ${process.version})`);
  const t = performance.now();
  const SQL = await initSqlJs({ locateFile: (f: string) => require.resolve(`sql.js/dist/${f}`) });
  console.log(`sql.js start (WebAssembly compile), paid once per activation: ${ms(t).trim()}`);
  await measure(SQL, 'small workspace', 3);
  await measure(SQL, 'big workspace', BIG);
  await measureFirstBigLog(SQL);
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
