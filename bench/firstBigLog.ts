// First index of one big log, as the extension host sees it through the index worker: how long until
// its run is in the Experiments tree (the first changes the host hears, then the run list it reads,
// as IndexService does), with how many of its points, and how long until the whole log is read.
// A native run log (BENCH_FIRST_LOG_POINTS, default 5 M; 25 M is the case) and a TensorBoard
// event file (BENCH_FIRST_TB_POINTS, default 2 M), each in a temp folder.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { SqlJsStatic } from 'sql.js';
import { hasChanges } from '../src/core/ingest/changes';
import { ProblemList } from '../src/core/problems';
import { openInProcess, openInWorker, type IndexConnection } from '../src/core/worker/indexConnection';
import type { OpenParams } from '../src/core/worker/messages';
import { generateRuns } from './genScale';
import { writeScalarEvents } from './tfEventFile';

const LOG_POINTS = Number(process.env.BENCH_FIRST_LOG_POINTS ?? 5_000_000);
const TB_POINTS = Number(process.env.BENCH_FIRST_TB_POINTS ?? 2_000_000);
const TB_TAGS = 10;
const DIST = path.resolve(__dirname, '..', '..', 'dist');

interface FirstIndex {
  /** Milliseconds until the run list the host reads holds the run. */
  readonly shownMs: number;
  /** Its points at that moment. */
  readonly shownPoints: number;
  readonly wholeMs: number;
  readonly points: number;
  /** Times the host heard of changes before the read was over. */
  readonly updates: number;
  readonly where: string;
}

/** Opens an index of `root` and reads it once, doing with what arrives what IndexService does. */
async function firstIndex(SQL: SqlJsStatic, root: string, params: Partial<OpenParams>, imports: boolean): Promise<FirstIndex> {
  const problems = new ProblemList();
  const full: OpenParams = { root, logRoot: 'labbook', persistent: true, ...params };
  const worker = path.join(DIST, 'indexWorker.js');
  const c: IndexConnection = fs.existsSync(worker)
    ? await openInWorker({ script: worker, wasmDir: DIST, onRestart: () => undefined }, full, problems)
    : await openInProcess(SQL, full, problems);
  const started = performance.now();
  let shownMs = -1;
  let shownPoints = 0;
  let updates = 0;
  let showing: Promise<void> = Promise.resolve();
  let waiting = false;
  const show = async (): Promise<void> => {
    if (!hasChanges(c.drain().changes)) return;
    const runs = await c.reads.listRuns();
    if (shownMs < 0 && runs.length > 0) {
      shownMs = performance.now() - started;
      shownPoints = (await c.reads.listSeries(runs[0].id)).reduce((n, s) => n + s.count, 0);
    }
  };
  c.onArrival(() => {
    if (waiting) return;
    waiting = true;
    updates++;
    showing = showing.then(() => {
      waiting = false;
      return show();
    });
  });
  const pending = c.sync(undefined, { imports, force: imports });
  await pending;
  const wholeMs = performance.now() - started;
  await showing;
  if (shownMs < 0) {
    // Heard only with the answer (the host shows it then).
    shownMs = wholeMs;
    const runs = await c.reads.listRuns();
    shownPoints = runs.length ? (await c.reads.listSeries(runs[0].id)).reduce((n, s) => n + s.count, 0) : 0;
  }
  const runs = await c.reads.listRuns();
  const points = runs.length ? (await c.reads.listSeries(runs[0].id)).reduce((n, s) => n + s.count, 0) : 0;
  await c.close();
  if (problems.messages.length) throw new Error(problems.messages.join('; '));
  return { shownMs, shownPoints, wholeMs, points, updates: Math.max(0, updates - 1), where: c.inWorker ? 'index worker' : 'in-thread' };
}

/** One TensorBoard run of `points` scalars over TB_TAGS tags, one value per event as SummaryWriter writes them. */
export function writeEventFile(root: string, points: number): string {
  const dir = path.join(root, 'runs', 'big');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'events.out.tfevents.1700000000.bench.1.0');
  const tags = Array.from({ length: TB_TAGS }, (_, k) => `train/metric_${k}`);
  writeScalarEvents(file, tags, Math.ceil(points / TB_TAGS), (step, k) => Math.sin(step / (500 + 97 * k)));
  return file;
}

function line(label: string, bytes: number, r: FirstIndex): string {
  const rate = r.points / 1e6 / (r.wholeMs / 1000);
  return `  ${label} (${(bytes / 1e6).toFixed(0)} MB, ${r.where}): run in the tree after ${r.shownMs.toFixed(0)} ms (${r.shownPoints.toLocaleString()} points), ` +
    `whole log after ${(r.wholeMs / 1000).toFixed(1)} s (${r.points.toLocaleString()} points, ${rate.toFixed(2)} M points/s), ${r.updates} updates while reading`;
}

/** The two figures, each on a fresh temp workspace removed afterwards. */
export async function measureFirstBigLog(SQL: SqlJsStatic): Promise<void> {
  console.log(`first index of one big log, as the host sees it (BENCH_FIRST_LOG_POINTS=${LOG_POINTS}, BENCH_FIRST_TB_POINTS=${TB_POINTS})`);
  const native = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-bench-biglog-'));
  try {
    const [run] = generateRuns(native, LOG_POINTS, 10, 1);
    const r = await firstIndex(SQL, native, {}, false);
    console.log(line(`${(LOG_POINTS / 1e6).toFixed(0)} M-point run log`, fs.statSync(run.file).size, r));
  } finally {
    fs.rmSync(native, { recursive: true, force: true });
  }
  const tb = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-bench-bigtb-'));
  try {
    const file = writeEventFile(tb, TB_POINTS);
    const r = await firstIndex(SQL, tb, { imports: { sources: ['tensorboard'], searchWorkspace: true, folders: [] } }, true);
    console.log(line(`${(TB_POINTS / 1e6).toFixed(0)} M-point TensorBoard event file`, fs.statSync(file).size, r));
  } finally {
    fs.rmSync(tb, { recursive: true, force: true });
  }
}
