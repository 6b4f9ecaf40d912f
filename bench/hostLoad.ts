// Host-load benchmark (issue: 10 M points, 10,000 runs, the extension host never blocked). One run measures:
//   1. the host's event-loop delay (p99, max) while a BENCH_SCALE_POINTS-point workspace (default
//      10 M) is imported and saved, through the code the extension's IndexService runs (an
//      IndexConnection: sync, then what a change costs the host: size check, run list, the tree's
//      facts and rows, then the save), in the host's thread (the fallback) and in the index worker;
//   2. a poll that finds nothing new in a 2,000-run workspace, and where its time goes;
//   3. the tree's cold start from an existing index of 10,000 runs, in-thread and through the worker
//      (the index opened, the run list and the tree's facts read, the rows built), medians of BENCH_COLD_ROUNDS rounds.
// Ceilings and targets are those of the issue and of the shared measured-limits notes.
//   BENCH_SCALE_POINTS=1000000 BENCH_POLL_RUNS=500 BENCH_COLD_RUNS=1000 BENCH_COLD_ROUNDS=5 node out/bench/hostLoad.js
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { monitorEventLoopDelay } from 'perf_hooks';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import { Indexer } from '../src/core/ingest/indexer';
import { findEventFiles } from '../src/core/ingest/discover';
import { ProblemList } from '../src/core/problems';
import { Store, type RunRow } from '../src/core/store/store';
import { treeModel } from '../src/core/treeRows';
import { openInProcess, openInWorker, type IndexConnection } from '../src/core/worker/indexConnection';
import type { OpenParams } from '../src/core/worker/messages';

const POINTS = Number(process.env.BENCH_SCALE_POINTS ?? 10_000_000);
const POLL_RUNS = Number(process.env.BENCH_POLL_RUNS ?? 2000);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 10_000);
const COLD_ROUNDS = Number(process.env.BENCH_COLD_ROUNDS ?? 3);
const REPO = path.resolve(__dirname, '..', '..');
const WORKER = path.join(REPO, 'dist', 'indexWorker.js');
const TREE_OPTIONS = { now: 1_800_000_000, heartbeatTimeoutSeconds: 120, showArchived: false };

/** `runs` runs of `keys` metrics × `steps` steps each, as the SDK writes them. */
function writeWorkspace(runs: number, keys: number, steps: number): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-bench-scale-'));
  const names = Array.from({ length: keys }, (_, k) => `group${k % 3}/metric${k}`);
  for (let i = 0; i < runs; i++) {
    const id = `r${String(i).padStart(5, '0')}`;
    const dir = path.join(root, 'labbook', id);
    fs.mkdirSync(dir, { recursive: true });
    const fd = fs.openSync(path.join(dir, 'events.jsonl'), 'w');
    const t0 = 1_700_000_000 + i * 600;
    let lines = [JSON.stringify({ t: 'header', format: 'labbook-run', version: 1, run_id: id, project: `project-${i % 10}`, name: id, time: t0 }), JSON.stringify({ t: 'params', values: { lr: 0.001 * (1 + (i % 7)) } })];
    for (let s = 0; s < steps; s++) {
      const values: Record<string, number> = {};
      for (const k of names) values[k] = Math.round(Math.random() * 1e6) / 1e6;
      lines.push(JSON.stringify({ t: 'metrics', step: s, time: t0 + s * 0.01, values }));
      if (lines.length >= 10_000) {
        fs.writeSync(fd, lines.join('\n') + '\n');
        lines = [];
      }
    }
    lines.push(JSON.stringify({ t: 'status', status: 'finished', time: t0 + steps }));
    fs.writeSync(fd, lines.join('\n') + '\n');
    fs.closeSync(fd);
  }
  return root;
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

interface Delay { p99: number; max: number; seconds: number; rss: number }

/** Runs `job` while sampling this thread's event-loop delay every 10 ms. */
async function withDelay(job: () => Promise<void>): Promise<Delay> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  let rss = 0;
  const sampler = setInterval(() => (rss = Math.max(rss, process.memoryUsage().rss)), 250);
  h.enable();
  const t = performance.now();
  try {
    await job();
  } finally {
    h.disable();
    clearInterval(sampler);
  }
  rss = Math.max(rss, process.memoryUsage().rss);
  return { p99: h.percentile(99) / 1e6, max: h.max / 1e6, seconds: (performance.now() - t) / 1000, rss };
}

/** Opens a folder's index as IndexService.create does (its run list read for the tree). */
async function openAsHost(SQL: SqlJsStatic, params: OpenParams, where: 'worker' | 'thread', problems: string[]): Promise<{ c: IndexConnection; runs: RunRow[] }> {
  const report = { report: (m: string) => problems.push(m) };
  const c = where === 'worker'
    ? await openInWorker({ script: WORKER, wasmDir: path.dirname(WORKER), onRestart: () => undefined }, params, report)
    : await openInProcess(SQL, params, report);
  return { c, runs: await c.reads.listRuns() };
}

/** The tree's reload: its facts (filter, tags, metrics) from the index, then its rows (ExperimentsTree.reload). */
async function treeRows(c: IndexConnection, runs: RunRow[]): Promise<number> {
  await c.reads.treeFacts({ options: { nowSeconds: TREE_OPTIONS.now, heartbeatTimeoutSeconds: TREE_OPTIONS.heartbeatTimeoutSeconds }, metrics: [] });
  return treeModel(runs, TREE_OPTIONS).shownRuns;
}

/** What the host does with a change: size check, run list, then the tree (IndexService.enqueue, then ExperimentsTree.reload). */
async function afterChange(c: IndexConnection): Promise<number> {
  await c.reads.sizeBytes();
  return treeRows(c, await c.reads.listRuns());
}

async function importDelay(SQL: SqlJsStatic): Promise<void> {
  const runs = 20;
  const keys = 10;
  const steps = Math.ceil(POINTS / runs / keys);
  console.log(`\n1. Host event-loop delay during an import of ${fmt(runs * keys * steps)} points (${runs} runs × ${keys} metrics × ${fmt(steps)} steps), index saved at the end`);
  const root = writeWorkspace(runs, keys, steps);
  const points = runs * keys * steps;
  try {
    const params: OpenParams = { root, logRoot: 'labbook', persistent: true };
    const problems: string[] = [];
    const importAsHost = async (where: 'worker' | 'thread') => {
      let shown = 0;
      const delay = await withDelay(async () => {
        const { c } = await openAsHost(SQL, params, where, problems);
        const drained = await c.sync(undefined, { imports: true, force: true });
        if (drained.changes.runs.size) shown = await afterChange(c);
        await c.save();
        await c.close();
      });
      fs.rmSync(path.join(root, '.labbook'), { recursive: true, force: true });
      if (global.gc) global.gc();
      if (shown !== runs || problems.length) throw new Error(`${where}: ${shown} of ${runs} runs; ${problems.join('; ')}`);
      return delay;
    };
    // The noise floor: the same sampling of a host thread that does nothing (a busy machine delays it too).
    const idle = await withDelay(() => new Promise((r) => setTimeout(r, 5000)));
    const before = await importAsHost('thread');
    const after = await importAsHost('worker');
    const line = (label: string, d: Delay) => console.log(`  ${label}: p99 ${d.p99.toFixed(0).padStart(5)} ms, max ${d.max.toFixed(0).padStart(6)} ms  (${d.seconds.toFixed(1)} s, ${(points / d.seconds / 1e6).toFixed(2)} M points/s, host RSS peak ${mb(d.rss)})`);
    console.log(`  idle host thread, same machine, 5 s: p99 ${idle.p99.toFixed(0).padStart(5)} ms, max ${idle.max.toFixed(0).padStart(6)} ms  (the noise floor of this measurement)`);
    line('IndexService path, host thread (fallback)', before);
    line('IndexService path, index worker          ', after);
    console.log(`  target: p99 < 50 ms  -> ${after.p99 < 50 ? 'met' : 'NOT met'}  (ceiling for the work itself: readline 0.99–1.10 M lines/s, sql.js keyed insert 0.57–0.64 M rows/s)`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function pollCost(SQL: SqlJsStatic): Promise<void> {
  console.log(`\n2. A poll that finds nothing new, ${fmt(POLL_RUNS)} runs (poll interval 2,000 ms)`);
  const root = writeWorkspace(POLL_RUNS, 4, 20);
  try {
    const { store } = await Store.open(SQL);
    const indexer = new Indexer(store, root, 'labbook', new ProblemList());
    await indexer.sync();
    const rounds = 10;
    const times: number[] = [];
    let walk = 0;
    let rows = 0;
    let stats = 0;
    for (let i = 0; i < rounds; i++) {
      let t = performance.now();
      await indexer.sync();
      times.push(performance.now() - t);
      t = performance.now();
      const files = await findEventFiles(path.join(root, 'labbook'));
      walk += performance.now() - t;
      t = performance.now();
      for (const f of files) store.getFile(path.relative(root, f));
      rows += performance.now() - t;
      t = performance.now();
      await Promise.all(files.map((f) => fs.promises.stat(f)));
      stats += performance.now() - t;
    }
    times.sort((a, b) => a - b);
    console.log(`  no-change sync: median ${times[rounds >> 1].toFixed(0)} ms, worst ${times[rounds - 1].toFixed(0)} ms  (parts, each alone: folder walk ${(walk / rounds).toFixed(0)} ms, one index query per file ${(rows / rounds).toFixed(0)} ms, a stat per file ${(stats / rounds).toFixed(0)} ms)`);
    console.log(`  target: well under the 2,000 ms poll interval (issue: 200–400 ms measured before)`);
    store.close();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function coldStart(SQL: SqlJsStatic): Promise<void> {
  const steps = 20;
  console.log(`\n3. Cold start of the tree from an existing index of ${fmt(COLD_RUNS)} runs (${fmt(COLD_RUNS * 4 * steps)} points)`);
  const root = writeWorkspace(COLD_RUNS, 4, steps);
  try {
    const indexFile = path.join(root, '.labbook', 'index.sqlite');
    fs.mkdirSync(path.dirname(indexFile));
    const built = (await Store.open(SQL, indexFile)).store;
    await new Indexer(built, root, 'labbook', new ProblemList()).sync();
    await built.save();
    built.close();
    const size = fs.statSync(indexFile).size;

    // The machine is shared and noisy: each way is timed ROUNDS times, alternately, and the medians reported.
    const thread: Array<{ opened: number; tree: number }> = [];
    const worker: Array<{ started: number; tree: number }> = [];
    for (let round = 0; round < COLD_ROUNDS; round++) {
      let t = performance.now();
      const store = (await Store.open(SQL, indexFile)).store;
      const opened = performance.now() - t;
      const model = treeModel(store.listRuns(), TREE_OPTIONS);
      thread.push({ opened, tree: performance.now() - t });
      store.close();
      if (model.shownRuns !== COLD_RUNS) throw new Error(`in-thread: ${model.shownRuns} of ${COLD_RUNS} runs`);

      t = performance.now();
      const problems: string[] = [];
      const { c, runs } = await openAsHost(SQL, { root, logRoot: 'labbook', persistent: true }, 'worker', problems);
      const started = performance.now() - t;
      const shown = await treeRows(c, runs);
      worker.push({ started, tree: performance.now() - t });
      await c.close();
      if (shown !== COLD_RUNS) throw new Error(`worker: ${shown} of ${COLD_RUNS} runs; ${problems.join('; ')}`);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const inThread = median(thread.map((r) => r.tree));
    const opened = median(thread.map((r) => r.opened));
    const workerTree = median(worker.map((r) => r.tree));
    const started = median(worker.map((r) => r.started));
    const all = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
    console.log(`  index of ${mb(size)}; medians of ${COLD_ROUNDS} rounds`);
    console.log(`  on the host thread: tree after ${inThread.toFixed(0)} ms  (index opened ${opened.toFixed(0)}, runs listed + rows ${(inThread - opened).toFixed(0)}; rounds ${all(thread.map((r) => r.tree))})`);
    console.log(`  through the worker: tree after ${workerTree.toFixed(0)} ms  (worker started, index opened and runs listed ${started.toFixed(0)}, tree facts and rows ${(workerTree - started).toFixed(0)}; rounds ${all(worker.map((r) => r.tree))})`);
    console.log(`  cold start of the tree, 10,000-run index, as the extension opens it (worker): ${workerTree.toFixed(0)} ms  target < 1,000 ms -> ${workerTree < 1000 ? 'met' : 'NOT met'}  (host-thread fallback: ${inThread.toFixed(0)} ms -> ${inThread < 1000 ? 'met' : 'NOT met'})`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`\nscale benchmark (node ${process.version}, ${os.cpus().length} CPUs)`);
  if (!fs.existsSync(WORKER)) throw new Error(`${WORKER} is missing: run node scripts/build.mjs first`);
  const SQL = await initSqlJs({ locateFile: (f: string) => require.resolve(`sql.js/dist/${f}`) });
  const only = process.env.BENCH_SCALE_ONLY;
  if (!only || only.includes('import')) await importDelay(SQL);
  if (!only || only.includes('poll')) await pollCost(SQL);
  if (!only || only.includes('cold')) await coldStart(SQL);
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
