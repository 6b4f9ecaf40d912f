// TensorBoard side by side: one 1 M-point event file (10 tags × 100,000 steps, 101 one-step spikes),
// the time until Labbook has the first chart of that run ready (importer, index, a range read of every
// series at the run panel's budget, as the host does) against the time until TensorBoard's own server
// answers with data for it, both from starting a process, and how many points each keeps.
//   npm run bench                    (skipped, saying why, when tensorboard cannot be imported)
//   node out/bench/tensorboardSideBySide.js
// TensorBoard runs from LABBOOK_FRAMEWORK_PYTHON, else the framework venv the tests make
// (<LABBOOK_TOOLS or .tools>/pyenv), else python3, on 127.0.0.1 and a free port; it is always killed.
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import initSqlJs from 'sql.js';
import { readChartLine } from '../src/core/chartLine';
import { ImportIndex } from '../src/core/ingest/importIndex';
import { importFinders } from '../src/core/importers/finders';
import { ProblemList } from '../src/core/problems';
import { Store } from '../src/core/store/store';
import { writeScalarEvents } from './tfEventFile';

const TAGS = 10;
const STEPS = 100_000;
const SPIKES = 101;
const SPIKE = 100;
/** The run panel's budget per chart (setting `labbook.maxChartPoints`). */
const CHART_POINTS = 4000;
const TIMEOUT_MS = 180_000;
const RUN = 'run-0';

const tagName = (k: number) => `train/metric_${k}`;
/** Spike i sits in tag i mod 10 at one step. */
const spikeAt = (i: number) => ({ tag: i % TAGS, step: (i * 98_731 + 12_345) % STEPS });

/** Writes `<logdir>/run-0/events.out.tfevents.*` as PyTorch's SummaryWriter does: one scalar event per tag and step. */
function writeEventFile(logdir: string): string {
  const dir = path.join(logdir, RUN);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `events.out.tfevents.1700000000.${os.hostname()}.1.0`);
  const spikes = new Set(Array.from({ length: SPIKES }, (_, i) => spikeAt(i)).map((s) => `${s.tag}:${s.step}`));
  const tags = Array.from({ length: TAGS }, (_, k) => tagName(k));
  writeScalarEvents(file, tags, STEPS, (step, k) => 1.5 + Math.sin(step / (500 + 97 * k)) + 0.1 * Math.sin(step * 12.9898 + k) + (spikes.has(`${k}:${step}`) ? SPIKE : 0));
  return file;
}

/** How many of the spikes of tag `k` are among `points` ([step, value]). */
function spikesIn(k: number, points: Iterable<[number, number]>): number {
  const want = new Set(Array.from({ length: SPIKES }, (_, i) => spikeAt(i)).filter((s) => s.tag === k).map((s) => s.step));
  let n = 0;
  for (const [step, value] of points) if (want.has(step) && value >= SPIKE / 2) n++;
  return n;
}

interface LabbookResult { readonly sqlMs: number; readonly importMs: number; readonly chartMs: number; readonly stored: number; readonly drawn: number; readonly spikes: number; readonly problems: number }

/** Child: a fresh index beside the workspace, the TensorBoard importer, then what the run panel reads first. */
async function labbookChild(root: string): Promise<void> {
  let t = performance.now();
  const SQL = await initSqlJs({ locateFile: (f: string) => require.resolve(`sql.js/dist/${f}`) });
  const sqlMs = performance.now() - t;
  t = performance.now();
  const { store } = await Store.open(SQL, path.join(root, '.labbook', 'index.sqlite'));
  const problems = new ProblemList();
  await new ImportIndex(store, root, importFinders(SQL, { sources: new Set(['tensorboard']) }), problems).sync(true);
  const importMs = performance.now() - t;
  t = performance.now();
  const run = store.listRuns()[0];
  const series = run ? store.listSeries(run.id) : [];
  const lines = series.map((s) => ({ key: s.key, line: readChartLine(store, s.id, -Infinity, Infinity, CHART_POINTS) }));
  const chartMs = performance.now() - t;
  let drawn = 0;
  let spikes = 0;
  for (const { key, line } of lines) {
    drawn += line.steps.length;
    spikes += spikesIn(Number(key.split('_').pop()), line.steps.map((s, i) => [s, line.values[i]] as [number, number]));
  }
  const result: LabbookResult = { sqlMs, importMs, chartMs, stored: series.reduce((a, s) => a + s.count, 0), drawn, spikes, problems: problems.messages.length };
  store.close();
  console.log(JSON.stringify(result));
}

/** Labbook from starting a Node process (as cold as TensorBoard's start) to the run's charts ready. */
async function labbook(root: string): Promise<LabbookResult & { readonly totalMs: number }> {
  const t = performance.now();
  const child = spawn(process.execPath, [__filename, 'labbook', root], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const totalMs = performance.now() - t;
  if (code !== 0) throw new Error(`the Labbook child failed (${code})`);
  return { ...(JSON.parse(out.trim().split('\n').pop()!) as LabbookResult), totalMs };
}

function getJson(port: number, url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: url, timeout: 30_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? JSON.parse(body) : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timed out')));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The Python that can import tensorboard, with its version, or why there is none. */
function findTensorBoard(): { python: string; version: string } | { skip: string } {
  const repo = path.join(__dirname, '..', '..');
  const candidates = [process.env.LABBOOK_FRAMEWORK_PYTHON, path.join(process.env.LABBOOK_TOOLS ?? path.join(repo, '.tools'), 'pyenv', 'bin', 'python'), 'python3'].filter((p): p is string => !!p);
  const tried: string[] = [];
  for (const python of candidates) {
    if (python.includes(path.sep) && !fs.existsSync(python)) continue;
    const r = spawnSync(python, ['-c', 'import tensorboard; print(tensorboard.__version__)'], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return { python, version: r.stdout.trim() };
    tried.push(`${python}: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
  }
  return { skip: `tensorboard is not importable (${tried.join('; ') || 'no Python found'})` };
}

interface TensorBoardResult { readonly firstMs: number; readonly allTagsMs: number; readonly sampled: number; readonly spikes: number; readonly lastStepSeen: number }

/** TensorBoard from its start to its first scalars for the run, then until every tag answers. Always killed. */
async function tensorboard(python: string, logdir: string): Promise<TensorBoardResult> {
  const t = performance.now();
  // Its own process group: the data server it starts goes with it.
  const child: ChildProcess = spawn(python, ['-m', 'tensorboard.main', '--logdir', logdir, '--host', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const kill = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', kill);
  try {
    let said = '';
    const port = await new Promise<number>((resolve, reject) => {
      const look = (d: Buffer) => {
        said += d.toString();
        const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(said);
        if (m) resolve(Number(m[1]));
      };
      child.stdout!.on('data', look);
      child.stderr!.on('data', look);
      child.once('exit', (code) => reject(new Error(`tensorboard exited (${code}): ${said.trim().split('\n').slice(-3).join(' | ')}`)));
      setTimeout(() => reject(new Error(`tensorboard did not start in ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS).unref();
    });
    const scalars = async (k: number) => ((await getJson(port, `/data/plugin/scalars/scalars?run=${encodeURIComponent(RUN)}&tag=${encodeURIComponent(tagName(k))}`)) ?? []) as Array<[number, number, number]>;
    let firstMs = NaN;
    while (performance.now() - t < TIMEOUT_MS) {
      const tags = (await getJson(port, '/data/plugin/scalars/tags').catch(() => undefined)) as Record<string, Record<string, unknown>> | undefined;
      if (tags?.[RUN]?.[tagName(0)] && (await scalars(0)).length > 0) {
        firstMs = performance.now() - t;
        break;
      }
      await sleep(20);
    }
    if (Number.isNaN(firstMs)) throw new Error(`tensorboard served no data in ${TIMEOUT_MS / 1000} s`);
    // Then until every tag reaches the last step (TensorBoard may serve a file part-read).
    let sampled = 0;
    let spikes = 0;
    let lastStepSeen = -1;
    let allTagsMs = NaN;
    while (performance.now() - t < TIMEOUT_MS) {
      const all = await Promise.all(Array.from({ length: TAGS }, (_, k) => scalars(k)));
      lastStepSeen = Math.min(...all.map((pts) => (pts.length ? pts[pts.length - 1][1] : -1)));
      if (lastStepSeen === STEPS - 1) {
        allTagsMs = performance.now() - t;
        sampled = all.reduce((a, pts) => a + pts.length, 0);
        spikes = all.reduce((a, pts, k) => a + spikesIn(k, pts.map((p) => [p[1], p[2]] as [number, number])), 0);
        break;
      }
      await sleep(50);
    }
    return { firstMs, allTagsMs, sampled, spikes, lastStepSeen };
  } finally {
    kill();
    process.removeListener('exit', kill);
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  console.log('TensorBoard side by side (issue 11): one event file of 10 tags × 100,000 steps, 1 M points, 101 one-step spikes');
  const found = findTensorBoard();
  if ('skip' in found) {
    console.log(`  skipped: ${found.skip}`);
    return;
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-tb-'));
  try {
    const logdir = path.join(root, 'tb');
    let t = performance.now();
    const file = writeEventFile(logdir);
    console.log(`  event file ${(fs.statSync(file).size / 1e6).toFixed(1)} MB written in ${s(performance.now() - t)}; TensorBoard ${found.version} (${found.python})`);
    const lab = await labbook(root);
    t = performance.now();
    const tb = await tensorboard(found.python, logdir);
    const ratio = tb.firstMs / lab.totalMs;
    console.log(`  Labbook: first chart of the run ready after ${s(lab.totalMs)} from starting a process (sql.js ${s(lab.sqlMs)}, import into the index ${s(lab.importMs)}, every chart's range read ${(lab.chartMs).toFixed(0)} ms); keeps ${lab.stored.toLocaleString('en')} points, draws ${lab.drawn.toLocaleString('en')} with ${lab.spikes} of ${SPIKES} spikes${lab.problems ? `; ${lab.problems} problems reported` : ''}`);
    console.log(`  TensorBoard: first data after ${s(tb.firstMs)} from starting it; every tag to its last step after ${Number.isNaN(tb.allTagsMs) ? `more than ${s(TIMEOUT_MS)} (last step seen ${tb.lastStepSeen})` : s(tb.allTagsMs)}; serves ${tb.sampled.toLocaleString('en')} sampled points with ${tb.spikes} of ${SPIKES} spikes`);
    console.log(`  ratio: TensorBoard's first data / Labbook's first chart = ${ratio.toFixed(2)} (goal > 1: Labbook first)`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'labbook') void labbookChild(arg);
else void main().catch((e: Error) => {
  console.error(`TensorBoard side by side failed: ${e.message}`);
  process.exitCode = 1;
});
