// Cross-language SDK test: the same scenarios written by the Python SDK (sdk/python) and the Node SDK
// (sdk/node), each in a real child process in its own temp workspace, then read back with the
// extension's reader (Indexer + Store + readConsole). Both must give identical params, metrics (every
// step rule), statuses, artifacts, datasets, environment and console output.
// Needs `python3` on PATH; git for the git part. Tests run from the repo root.
import * as assert from 'assert';
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as sdk from '../../sdk/node/src';
import { readConsole } from '../../src/core/ingest/console';
import { effectiveStatus, runStatus } from '../../src/core/status';
import { localProcesses } from '../../src/localProcesses';
import type { RunRow } from '../../src/core/store/store';
import { tempDir as makeTempDir, workspace, type Workspace } from './support/helpers';
import { png } from './support/png';
import * as zlib from 'zlib';

const REPO = process.cwd();
const SDK_PYTHON = path.join(REPO, 'sdk', 'python');
const SDK_NODE = require.resolve('../../sdk/node/src');
const PYTHON = process.env.LABBOOK_TEST_PYTHON ?? 'python3';
const HAVE_PYTHON = spawnSync(PYTHON, ['-c', 'import sys; assert sys.version_info >= (3, 8)']).status === 0;
const HAVE_GIT = spawnSync('git', ['--version']).status === 0;
const LANGS = ['python', 'node'] as const;
type Lang = (typeof LANGS)[number];

/** An interpreter with torch: the framework venv, the default python3 or Debian's. */
function torchPython(): string | undefined {
  // The framework venv that `npm test` makes (scripts/tools/ensure-python-frameworks.sh), else what is on the machine.
  const candidates = [process.env.LABBOOK_FRAMEWORK_PYTHON, PYTHON, '/usr/bin/python3'].filter((e): e is string => !!e);
  for (const exe of candidates) {
    if (spawnSync(exe, ['-c', 'import torch'], { timeout: 60000 }).status === 0) return exe;
  }
  return undefined;
}

const made: string[] = [];
function tempDir(prefix: string): string {
  const dir = makeTempDir(prefix);
  made.push(dir);
  return dir;
}

interface Proc { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function childEnv(root: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('LABBOOK_') && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, PYTHONPATH: SDK_PYTHON, LABBOOK_DIR: path.join(root, 'labbook'), PYTHONDONTWRITEBYTECODE: '1', ...extra };
}

function scriptFile(lang: Lang, root: string, source: string, name = 'script'): string {
  const file = path.join(root, lang === 'python' ? `${name}.py` : `${name}.js`);
  const prelude = lang === 'python' ? 'import os, sys, time, labbook\n' : `const lb = require(${JSON.stringify(SDK_NODE)});\nconst fs = require('fs'), path = require('path');\n`;
  fs.writeFileSync(file, prelude + source);
  return file;
}

function command(lang: Lang, file: string, python = PYTHON): [string, string[]] {
  return lang === 'python' ? [python, [file]] : [process.execPath, [file]];
}

/** Runs a script to its end. */
function runScript(lang: Lang, root: string, source: string, opts: { args?: string[]; env?: Record<string, string>; name?: string } = {}): Promise<Proc> {
  const [exe, args] = command(lang, scriptFile(lang, root, source, opts.name));
  return new Promise((resolve, reject) => {
    const child = spawn(exe, [...args, ...(opts.args ?? [])], { cwd: root, env: childEnv(root, opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Starts a script and resolves once it printed `ready`; `done` resolves at its exit. */
function startScript(lang: Lang, root: string, source: string, env: Record<string, string> = {}): Promise<{ pid: number; done: Promise<Proc> }> {
  const [exe, args] = command(lang, scriptFile(lang, root, source));
  return new Promise((resolve, reject) => {
    const child = spawn(exe, args, { cwd: root, env: childEnv(root, env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let ready = false;
    const done = new Promise<Proc>((res) => child.on('close', (code, signal) => res({ code, signal, stdout, stderr })));
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!ready && stdout.includes('ready\n')) {
        ready = true;
        resolve({ pid: child.pid!, done });
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    void done.then((p) => {
      if (!ready) reject(new Error(`script exited before it was ready (${p.code ?? p.signal}):\n${p.stdout}\n${p.stderr}`));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads a workspace's runs with the extension's reader. */
async function readBack(root: string): Promise<{ ws: Workspace; runs: RunRow[] }> {
  const ws = await workspace({ root });
  await ws.indexer.sync();
  return { ws, runs: ws.store.listRuns() };
}

function onlyRun(runs: RunRow[]): RunRow {
  assert.strictEqual(runs.length, 1, `expected one run, got ${runs.map((r) => r.name).join(', ')}`);
  return runs[0];
}

function metrics(ws: Workspace, run: RunRow): Record<string, Array<[number, number]>> {
  const out: Record<string, Array<[number, number]>> = {};
  for (const s of ws.store.listSeries(run.id)) {
    const p = ws.store.getPoints(s.id);
    out[s.key] = p.steps.map((step, i) => [step, p.values[i]]);
  }
  return out;
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=Labbook Test', '-c', 'user.email=test@example.com', ...args], {
    cwd,
    stdio: 'ignore',
    env: { ...process.env, GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' },
  });
}

/** The same files in every workspace: a dirty git repository, artifacts (with links in and out), data. */
function setupFiles(root: string): void {
  if (HAVE_GIT) {
    fs.writeFileSync(path.join(root, 'train.txt'), 'v1\n');
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', 'train.txt');
    git(root, 'commit', '-q', '-m', 'first');
    fs.appendFileSync(path.join(root, 'train.txt'), 'v2\n');
  }
  fs.writeFileSync(path.join(root, 'model.bin'), Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256)));
  fs.mkdirSync(path.join(root, 'outdir', 'sub'), { recursive: true });
  fs.writeFileSync(path.join(root, 'outdir', 'a.txt'), 'A');
  fs.writeFileSync(path.join(root, 'outdir', 'sub', 'b.txt'), 'BB');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'outside the folder');
  fs.symlinkSync('a.txt', path.join(root, 'outdir', 'inlink'));
  fs.symlinkSync(path.join('..', 'secret.txt'), path.join(root, 'outdir', 'leak'));
  fs.writeFileSync(path.join(root, 'train.csv'), 'x,y\n1,2\n3,4\n');
  fs.mkdirSync(path.join(root, 'images', 'sub'), { recursive: true });
  fs.writeFileSync(path.join(root, 'images', 'a.png'), 'png-a');
  fs.writeFileSync(path.join(root, 'images', 'sub', 'b.png'), 'png-bb');
  fs.writeFileSync(path.join(root, 'images', 'é.png'), 'png-e');
}

// ---- the scenarios, once per language

const FULL: Record<Lang, string> = {
  python: `
import warnings
run = labbook.init(project="cross", name="full", description="every record", tags=["a", "b"],
                   config={"tmp": 1, "model": {"layers": 3, "act": "relu"}},
                   system_interval=0.15, heartbeat_interval=0.15)
print("out: started")
print("err: to stderr", file=sys.stderr)
run.log_params({"lr": 0.01, "list": [1, 2], "nan": float("nan"), "model": {"layers": 3, "act": "relu"}}, reset=True)
run.log_params({"batch": 32})
run.log_params({"model": {"layers": 4}})
run.log_params({"opt": {"name": "adam"}})
run.log({"a": 1}); run.log({"a": 2}); run.log({"b": 10}); run.log({"a": 3, "b": 11})
run.log({"c": 5}, step=10); run.log({"c": 6}); run.log({"c": 7}, step=10)
run.log({"d": 1, "e": 2}, step=3)
run.log({"f": 1}); run.log({"f": 2}); run.log({"f": 3}); run.log({"f": 9}, step=1); run.log({"f": 4}, step=0)
run.log({"g": float("nan"), "h": float("inf"), "i": float("-inf"), "j": True, "k": -0.5, "big": 1e300})
try:
    run.log({"bad": "x"})
except (TypeError, ValueError):
    print("out: rejected bad value")
run.log_tags(["c"]); run.log_tags(["d"], reset=True); run.log_tags(["e"])
run.set_name("full-renamed"); run.set_description("described")
run.note("# Note\\n**bold**")
run.log_artifact("model.bin", "checkpoints")
run.log_artifacts("outdir", "data")
with open(os.path.join(run.get_outputs_path(), "plot.txt"), "w") as f:
    f.write("plot")
run.log_dataset("train", path="train.csv", description="tiny", context="training")
run.log_dataset("images", path="images", context="training")
run.log_dataset("remote", uri="s3://bucket/data/", context="eval")
run.create_alert("val/loss > 2.0", "diverged")
run.create_alert("train/acc<=0.1", level="error")
try:
    run.create_alert("loss >> 2")
except ValueError:
    print("out: rejected bad alert")
time.sleep(0.8)
print("out: done")
run.finish()
`,
  node: `
const run = lb.startRun({ project: 'cross', name: 'full', description: 'every record', tags: ['a', 'b'],
  config: { tmp: 1, model: { layers: 3, act: 'relu' } }, systemInterval: 0.15, heartbeatInterval: 0.15 });
console.log('out: started');
console.error('err: to stderr');
run.logParams({ lr: 0.01, list: [1, 2], nan: NaN, model: { layers: 3, act: 'relu' } }, true);
run.logParams({ batch: 32 });
run.logParams({ model: { layers: 4 } });
run.logParams({ opt: { name: 'adam' } });
run.logMetrics({ a: 1 }); run.logMetrics({ a: 2 }); run.logMetrics({ b: 10 }); run.logMetrics({ a: 3, b: 11 });
run.logMetrics({ c: 5 }, 10); run.logMetrics({ c: 6 }); run.logMetrics({ c: 7 }, 10);
run.logMetrics({ d: 1, e: 2 }, 3);
run.logMetrics({ f: 1 }); run.logMetrics({ f: 2 }); run.logMetrics({ f: 3 }); run.logMetrics({ f: 9 }, 1); run.logMetrics({ f: 4 }, 0);
run.logMetrics({ g: NaN, h: Infinity, i: -Infinity, j: true, k: -0.5, big: 1e300 });
try { run.logMetrics({ bad: 'x' }); } catch (e) { if (e instanceof TypeError) console.log('out: rejected bad value'); }
run.logTags(['c']); run.logTags(['d'], true); run.logTags(['e']);
run.setName('full-renamed'); run.setDescription('described');
run.note('# Note\\n**bold**');
run.logArtifact('model.bin', 'checkpoints');
run.logArtifacts('outdir', 'data');
fs.writeFileSync(path.join(run.getOutputsPath(), 'plot.txt'), 'plot');
run.logDataset('train', { path: 'train.csv', description: 'tiny', context: 'training' });
run.logDataset('images', { path: 'images', context: 'training' });
run.logDataset('remote', { uri: 's3://bucket/data/', context: 'eval' });
run.createAlert('val/loss > 2.0', 'diverged');
run.createAlert('train/acc<=0.1', undefined, 'error');
try { run.createAlert('loss >> 2'); } catch (e) { console.log('out: rejected bad alert'); }
setTimeout(() => { console.log('out: done'); run.finish(); }, 800);
`,
};

const RAISES: Record<Lang, string> = {
  python: `
labbook.init(project="cross", name="raises")
labbook.log({"loss": 1.0})
def step():
    raise RuntimeError("boom in step")
step()
`,
  node: `
const run = lb.startRun({ project: 'cross', name: 'raises' });
run.logMetrics({ loss: 1.0 });
function step() { throw new Error('boom in step'); }
step();
`,
};

const WAITS: Record<Lang, string> = {
  python: `
run = labbook.init(project="cross", name="waits", heartbeat_interval=0.2)
for i in range(3):
    run.log({"loss": 1.0 / (i + 1)})
run.flush()
print("ready", flush=True)
while True:
    time.sleep(0.05)
`,
  node: `
const run = lb.startRun({ project: 'cross', name: 'waits', heartbeatInterval: 0.2 });
for (let i = 0; i < 3; i++) run.logMetrics({ loss: 1 / (i + 1) });
run.flush();
console.log('ready');
setInterval(() => {}, 1000);
`,
};

const FIRST_PART: Record<Lang, string> = {
  python: `
run = labbook.init(project="cross", name="resumed", config={"lr": 0.1})
run.log({"loss": 1.0}); run.log({"loss": 0.9}); run.log({"acc": 0.5}, step=5)
run.finish("killed")
print(run.id)
`,
  node: `
const run = lb.startRun({ project: 'cross', name: 'resumed', config: { lr: 0.1 } });
run.logMetrics({ loss: 1.0 }); run.logMetrics({ loss: 0.9 }); run.logMetrics({ acc: 0.5 }, 5);
run.finish('killed');
console.log(run.id);
`,
};

const SECOND_PART: Record<Lang, string> = {
  python: `
run = labbook.init(resume=sys.argv[1], config={"epochs": 3})
run.log({"loss": 0.8}); run.log({"acc": 0.6}, step=5); run.log({"acc": 0.7})
`,
  node: `
const run = lb.startRun({ resume: process.argv[2], config: { epochs: 3 } });
run.logMetrics({ loss: 0.8 }); run.logMetrics({ acc: 0.6 }, 5); run.logMetrics({ acc: 0.7 });
`,
};

(HAVE_PYTHON ? describe : describe.skip)('SDKs (Python and Node) read back by the extension', function () {
  this.timeout(60000);

  after(() => {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('a run with every record', () => {
    const got = {} as Record<Lang, { root: string; ws: Workspace; run: RunRow; proc: Proc }>;

    before(async function () {
      this.timeout(120000);
      await Promise.all(
        LANGS.map(async (lang) => {
          const root = tempDir(`labbook-sdk-${lang}-`);
          setupFiles(root);
          const proc = await runScript(lang, root, FULL[lang]);
          assert.strictEqual(proc.code, 0, `${lang} script failed:\n${proc.stdout}\n${proc.stderr}`);
          const { ws, runs } = await readBack(root);
          got[lang] = { root, ws, run: onlyRun(runs), proc };
        }),
      );
    });

    it('has the same run metadata and no problems', () => {
      for (const lang of LANGS) {
        const { run, ws } = got[lang];
        assert.strictEqual(run.experiment, 'cross', lang);
        assert.strictEqual(run.name, 'full-renamed', lang);
        assert.strictEqual(run.description, 'described', lang);
        assert.strictEqual(run.note, '# Note\n**bold**', lang);
        assert.strictEqual(run.status, 'finished', lang);
        assert.strictEqual(run.formatVersion, 1, lang);
        assert.strictEqual(run.host, os.hostname(), `${lang}: the header names the machine`);
        assert.ok(Number.isSafeInteger(run.pid) && run.pid! > 0 && run.pid !== process.pid, `${lang}: and the writing process, pid ${run.pid}`);
        assert.ok(run.endTime! >= run.startTime!, lang);
        assert.deepStrictEqual(ws.store.getTags(run.id), ['d', 'e'], lang);
        assert.deepStrictEqual(ws.problems.messages, [], lang);
      }
    });

    it('gives identical params: reset, added, nested values replaced, flattened', () => {
      const expected = { lr: 0.01, list: [1, 2], nan: 'NaN', 'model.layers': 4, batch: 32, 'opt.name': 'adam' };
      const py = got.python.ws.store.getParams(got.python.run.id);
      const node = got.node.ws.store.getParams(got.node.run.id);
      assert.deepStrictEqual(py, node);
      for (const [k, v] of Object.entries(expected)) {
        if (k === 'nan') assert.ok(py.nan === 'NaN' || Number.isNaN(py.nan as number), `nan param: ${String(py.nan)}`);
        else assert.deepStrictEqual(py[k], v, k);
      }
      assert.deepStrictEqual(Object.keys(py).sort(), Object.keys(expected).sort());
    });

    it('gives identical metrics under every step rule', () => {
      const py = metrics(got.python.ws, got.python.run);
      const node = metrics(got.node.ws, got.node.run);
      const user = (m: Record<string, Array<[number, number]>>) => Object.fromEntries(Object.entries(m).filter(([k]) => !k.startsWith('system/')));
      assert.deepStrictEqual(user(py), user(node));
      assert.deepStrictEqual(user(py), {
        a: [[0, 1], [1, 2], [2, 3]], // per-key auto increment from 0
        b: [[0, 10], [1, 11]],
        c: [[10, 5], [11, 6]], // explicit step; auto step continues after it; duplicate (10, 7) dropped
        d: [[3, 1]], // explicit step aligns keys
        e: [[3, 2]],
        f: [[0, 1], [1, 2], [2, 3]], // explicit steps the key already has are dropped
        g: [[0, NaN]],
        h: [[0, Infinity]],
        i: [[0, -Infinity]],
        j: [[0, 1]],
        k: [[0, -0.5]],
        big: [[0, 1e300]],
      });
    });

    it('samples system metrics on their own step counter in both', () => {
      for (const lang of LANGS) {
        const m = metrics(got[lang].ws, got[lang].run);
        for (const key of ['system/cpu_percent', 'system/memory_percent']) {
          const pts = m[key];
          assert.ok(pts && pts.length >= 2, `${lang} ${key}: ${JSON.stringify(pts)}`);
          assert.deepStrictEqual(pts.map(([s]) => s), pts.map((_, i) => i), `${lang} ${key}`);
          for (const [, v] of pts) assert.ok(v >= 0 && v <= 100, `${lang} ${key} ${v}`);
        }
      }
    });

    it('keeps the run alive with heartbeats', () => {
      for (const lang of LANGS) {
        const { run } = got[lang];
        assert.ok(run.lastActivity! >= run.startTime!, lang);
        assert.strictEqual(effectiveStatus(run.status, run.lastActivity, Date.now() / 1000 + 3600, 1), 'finished', lang);
      }
    });

    it('gives identical artifacts: copies, links inside followed, links outside skipped, outputs folder', () => {
      const strip = (lang: Lang) => got[lang].ws.store.getArtifacts(got[lang].run.id).map(({ path: p, name, size, sha256 }) => ({ path: p, name, size, sha256 }));
      assert.deepStrictEqual(strip('python'), strip('node'));
      const byName = Object.fromEntries(strip('python').map((a) => [a.name, a]));
      assert.deepStrictEqual(Object.keys(byName).sort(), ['checkpoints/model.bin', 'data/a.txt', 'data/inlink', 'data/sub/b.txt', 'plot.txt']);
      assert.strictEqual(byName['checkpoints/model.bin'].path, 'artifacts/checkpoints/model.bin');
      assert.strictEqual(byName['checkpoints/model.bin'].size, 1000);
      assert.strictEqual(byName['data/inlink'].sha256, byName['data/a.txt'].sha256);
      for (const lang of LANGS) {
        const folder = path.join(got[lang].root, got[lang].run.folder);
        const copied = fs.readFileSync(path.join(folder, 'artifacts', 'checkpoints', 'model.bin'));
        assert.deepStrictEqual(copied, fs.readFileSync(path.join(got[lang].root, 'model.bin')), lang);
        assert.ok(!fs.existsSync(path.join(folder, 'artifacts', 'data', 'leak')), `${lang}: a link out of the folder was followed`);
      }
    });

    it('gives identical datasets: file and folder hashes, remote URIs', () => {
      const strip = (lang: Lang) => got[lang].ws.store.getDatasets(got[lang].run.id).map(({ time: _t, ...rest }) => rest);
      const py = strip('python');
      assert.deepStrictEqual(py, strip('node'));
      const byName = Object.fromEntries(py.map((d) => [d.name, d]));
      assert.strictEqual(byName.train.path, 'train.csv');
      assert.strictEqual(byName.train.size, 12);
      assert.strictEqual(byName.train.description, 'tiny');
      assert.strictEqual(byName.train.context, 'training');
      assert.strictEqual(byName.images.size, 5 + 6 + 5);
      assert.match(byName.images.sha256 ?? '', /^[0-9a-f]{64}$/);
      assert.strictEqual(byName.remote.uri, 's3://bucket/data/');
      assert.strictEqual(byName.remote.sha256, null);
    });

    it('gives identical alerts', () => {
      const py = got.python.ws.store.getAlerts(got.python.run.id);
      assert.deepStrictEqual(py, got.node.ws.store.getAlerts(got.node.run.id));
      assert.deepStrictEqual(py.map((a) => [a.condition, a.level]), [['train/acc <= 0.1', 'error'], ['val/loss > 2.0', 'warning']]);
      assert.strictEqual(py.find((a) => a.level === 'warning')!.message, 'diverged');
    });

    it('gives the same environment', () => {
      const env = (lang: Lang) => got[lang].ws.store.getEnv(got[lang].run.id) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const py = env('python');
      const node = env('node');
      for (const lang of LANGS) {
        const e = env(lang);
        const root = fs.realpathSync(got[lang].root);
        assert.strictEqual(fs.realpathSync(e.cwd), root, lang);
        assert.ok(String(e.command).includes(lang === 'python' ? 'script.py' : 'script.js'), `${lang}: ${e.command}`);
        assert.ok(Array.isArray(e.argv) && String(e.argv[0]).endsWith(lang === 'python' ? 'script.py' : 'script.js'), lang);
        assert.strictEqual(typeof e.pid, 'number', lang);
        assert.strictEqual(e.start_time, got[lang].run.startTime, lang);
        assert.strictEqual(typeof e.packages, 'object', lang);
        assert.ok(Array.isArray(e.hardware.gpus), lang);
      }
      assert.strictEqual(py.python.executable.length > 0, true);
      assert.strictEqual(typeof node.node.version, 'string');
      for (const key of ['system', 'release', 'machine', 'hostname']) assert.strictEqual(py.os[key], node.os[key], `os.${key}`);
      assert.strictEqual(py.hardware.cpu_count, node.hardware.cpu_count);
      assert.strictEqual(py.hardware.memory_bytes, node.hardware.memory_bytes);
      if (HAVE_GIT) {
        for (const k of ['commit', 'branch', 'dirty', 'diff']) assert.deepStrictEqual(py.git[k], node.git[k], `git.${k}`);
        assert.strictEqual(py.git.branch, 'main');
        assert.strictEqual(py.git.dirty, true);
        assert.match(py.git.commit, /^[0-9a-f]{40}$/);
        const diff = (lang: Lang) => fs.readFileSync(path.join(got[lang].root, got[lang].run.folder, py.git.diff), 'utf8');
        assert.strictEqual(diff('python'), diff('node'));
        assert.match(diff('python'), /\+v2/);
      }
    });

    it('gives the same console output, and the terminal still got it', async () => {
      const lines = async (lang: Lang) => (await readConsole(got[lang].root, got[lang].run.folder)).text.split('\n').filter((l) => /^(out|err): /.test(l));
      const expected = ['out: started', 'err: to stderr', 'out: rejected bad value', 'out: rejected bad alert', 'out: done'];
      assert.deepStrictEqual(await lines('python'), expected);
      assert.deepStrictEqual(await lines('node'), expected);
      for (const lang of LANGS) {
        assert.ok(got[lang].proc.stdout.includes('out: done'), lang);
        assert.ok(got[lang].proc.stderr.includes('err: to stderr'), lang);
        // the dropped duplicates were reported on stderr
        assert.ok(/already has a value at step 10/.test(got[lang].proc.stderr), `${lang}: ${got[lang].proc.stderr}`);
      }
    });
  });

  for (const lang of LANGS) {
    describe(`statuses (${lang})`, () => {
      it('an uncaught exception ends the run as failed with the error', async () => {
        const root = tempDir(`labbook-sdk-${lang}-`);
        const proc = await runScript(lang, root, RAISES[lang]);
        assert.strictEqual(proc.code, 1);
        assert.ok(proc.stderr.includes('boom in step'), proc.stderr);
        const run = onlyRun((await readBack(root)).runs);
        assert.strictEqual(run.status, 'failed');
        assert.ok(run.statusMessage?.includes('boom in step'), run.statusMessage ?? '');
        assert.ok(run.statusMessage?.includes('step'), run.statusMessage ?? '');
      });

      it('SIGTERM ends the run as killed (as the extension shows it) and the process dies of the signal', async () => {
        const root = tempDir(`labbook-sdk-${lang}-`);
        const child = await startScript(lang, root, WAITS[lang]);
        process.kill(child.pid, 'SIGTERM');
        const proc = await child.done;
        assert.strictEqual(proc.signal, 'SIGTERM', `${proc.code} ${proc.stderr}`);
        const { ws, runs } = await readBack(root);
        const run = onlyRun(runs);
        assert.strictEqual(runStatus(run, Date.now() / 1000, 120, localProcesses), 'killed');
        // Python writes why; Node's default leaves the signal alone (docs/node-sdk.md) and the process is gone.
        if (lang === 'python') assert.match(run.statusMessage ?? '', /SIGTERM/);
        assert.strictEqual(ws.store.listSeries(run.id).find((s) => s.key === 'loss')!.count, 3);
      });

      it('SIGKILL leaves the run running in the log; it shows as killed after the heartbeat timeout', async () => {
        const root = tempDir(`labbook-sdk-${lang}-`);
        const child = await startScript(lang, root, WAITS[lang]);
        await sleep(700);
        let run = onlyRun((await readBack(root)).runs);
        assert.strictEqual(run.status, 'running');
        assert.strictEqual(effectiveStatus(run.status, run.lastActivity, Date.now() / 1000, 5), 'running', 'heartbeats keep it alive');
        process.kill(child.pid, 'SIGKILL');
        const proc = await child.done;
        assert.strictEqual(proc.signal, 'SIGKILL');
        const atKill = onlyRun((await readBack(root)).runs).lastActivity;
        await sleep(1500);
        run = onlyRun((await readBack(root)).runs);
        assert.strictEqual(run.status, 'running', 'nothing was written after SIGKILL');
        assert.strictEqual(run.lastActivity, atKill, 'no activity after SIGKILL');
        assert.strictEqual(effectiveStatus(run.status, run.lastActivity, Date.now() / 1000, 1), 'killed');
        assert.strictEqual(effectiveStatus(run.status, run.lastActivity, Date.now() / 1000), 'running', 'not before the default timeout');
      });
    });
  }

  describe('how a run ends: one table for both SDKs (docs/python-sdk.md, "Status: how a run ends")', () => {
    interface Row { what: string; script: Record<Lang, string>; signal?: NodeJS.Signals; status: string; message?: RegExp }
    const start: Record<Lang, string> = {
      python: 'run = labbook.init(project="ends", capture_env=False)\nrun.log({"loss": 1.0})\n',
      node: "const run = lb.init({ project: 'ends', captureEnv: false });\nrun.log({ loss: 1 });\n",
    };
    const busy: Record<Lang, string> = {
      python: 'print("ready", flush=True)\nwhile True:\n    run.log({"x": 1.0})\n',
      node: "console.log('ready');\nfor (;;) run.log({ x: 1 });\n",
    };
    const rows: Row[] = [
      { what: 'the program returns normally', script: { python: '', node: '' }, status: 'finished' },
      { what: 'exit(0)', script: { python: 'sys.exit(0)\n', node: 'process.exit(0);\n' }, status: 'finished' },
      { what: 'exit(1)', script: { python: 'sys.exit(1)\n', node: 'process.exit(1);\n' }, status: 'failed', message: /exit code 1/ },
      { what: 'exit(143), a death by SIGTERM as shells report it', script: { python: 'sys.exit(143)\n', node: 'process.exit(143);\n' }, status: 'killed', message: /exit code 143/ },
      { what: 'SIGINT during a synchronous loop, no handler of its own', script: busy, signal: 'SIGINT', status: 'killed' },
      { what: 'SIGTERM during a synchronous loop, no handler of its own', script: busy, signal: 'SIGTERM', status: 'killed' },
      {
        what: "SIGTERM with the program's own handler that exits 0",
        script: {
          python: 'import signal\nsignal.signal(signal.SIGTERM, lambda *a: sys.exit(0))\nprint("ready", flush=True)\nwhile True:\n    time.sleep(0.05)\n',
          node: "process.on('SIGTERM', () => process.exit(0));\nconsole.log('ready');\nsetInterval(() => {}, 1000);\n",
        },
        signal: 'SIGTERM',
        status: 'finished',
      },
      {
        what: "SIGTERM with the program's own handler that exits 1",
        script: {
          python: 'import signal\nsignal.signal(signal.SIGTERM, lambda *a: sys.exit(1))\nprint("ready", flush=True)\nwhile True:\n    time.sleep(0.05)\n',
          node: "process.on('SIGTERM', () => process.exit(1));\nconsole.log('ready');\nsetInterval(() => {}, 1000);\n",
        },
        signal: 'SIGTERM',
        status: 'failed',
        message: /exit code 1/,
      },
    ];
    for (const row of rows) {
      for (const lang of LANGS) {
        it(`${row.what} → ${row.status} (${lang})`, async () => {
          const root = tempDir(`labbook-sdk-ends-${lang}-`);
          const source = start[lang] + row.script[lang];
          if (row.signal) {
            const child = await startScript(lang, root, source);
            process.kill(child.pid, row.signal);
            const proc = await child.done;
            assert.ok(proc.signal === row.signal || proc.code !== null, 'the program stopped');
          } else {
            await runScript(lang, root, source);
          }
          const run = onlyRun((await readBack(root)).runs);
          assert.strictEqual(runStatus(run, Date.now() / 1000, 120, localProcesses), row.status, `${lang}: log says ${run.status} ${run.statusMessage ?? ''}`);
          if (row.message) assert.match(run.statusMessage ?? '', row.message, lang);
        });
      }
    }
  });

  describe('resume', () => {
    const cases: Array<[Lang, Lang]> = [['python', 'python'], ['node', 'node'], ['python', 'node'], ['node', 'python']];
    for (const [first, second] of cases) {
      it(`a run started by ${first} continues in ${second}`, async () => {
        const root = tempDir(`labbook-sdk-resume-`);
        const a = await runScript(first, root, FIRST_PART[first], { name: 'first' });
        assert.strictEqual(a.code, 0, a.stderr);
        const id = a.stdout.trim();
        const b = await runScript(second, root, SECOND_PART[second], { args: [id], name: 'second' });
        assert.strictEqual(b.code, 0, b.stderr);
        assert.match(b.stderr, /already has a value at step 5/);
        const { ws, runs } = await readBack(root);
        const run = onlyRun(runs);
        assert.strictEqual(run.uid, id);
        const header = JSON.parse(fs.readFileSync(path.join(root, 'labbook', fs.readdirSync(path.join(root, 'labbook'))[0], 'events.jsonl'), 'utf8').split('\n')[0]) as { pid: number };
        assert.ok(run.pid && run.pid !== header.pid, 'the resuming process is now the run\'s process');
        assert.strictEqual(run.name, 'resumed');
        assert.strictEqual(run.status, 'finished');
        assert.deepStrictEqual(ws.store.getParams(run.id), { lr: 0.1, epochs: 3 });
        assert.deepStrictEqual(metrics(ws, run), { loss: [[0, 1], [1, 0.9], [2, 0.8]], acc: [[5, 0.5], [6, 0.7]] });
        assert.deepStrictEqual(ws.problems.messages, []);
      });
    }
  });

  describe('images', () => {
    const IMAGES: Record<Lang, string> = {
      python: `
run = labbook.init(project="cross", name="images")
pixels = [[[255, 0, 0], [0, 128, 0]], [[0, 0, 255], [300, -1, 7]]]
run.log_image("samples", pixels)
run.log_image("samples", "pic.png")
run.log_image("val/pred", pixels, step=5, caption="five")
import warnings
warnings.simplefilter("ignore")
print("dropped" if run.log_image("val/pred", pixels, step=5) is None else "kept")
run.finish()
`,
      node: `
const run = lb.startRun({ project: 'cross', name: 'images' });
const pixels = { width: 2, height: 2, channels: 3, data: [255, 0, 0, 0, 128, 0, 0, 0, 255, 300, -1, 7] };
run.logImage('samples', pixels);
run.logImage('samples', 'pic.png');
run.logImage('val/pred', pixels, 5, 'five');
process.emitWarning = () => {};
console.log(run.logImage('val/pred', pixels, 5) === undefined ? 'dropped' : 'kept');
run.finish();
`,
    };

    /** Pixels of a PNG with filter-0 rows (what both SDKs write). */
    function pixelsOf(file: string): number[] {
      const data = fs.readFileSync(file);
      const chunks: Buffer[] = [];
      for (let p = 8; p < data.length; ) {
        const len = data.readUInt32BE(p);
        if (data.toString('latin1', p + 4, p + 8) === 'IDAT') chunks.push(data.subarray(p + 8, p + 8 + len));
        p += 12 + len;
      }
      const raw = zlib.inflateSync(Buffer.concat(chunks));
      const width = data.readUInt32BE(16);
      const stride = width * 3 + 1;
      const out: number[] = [];
      for (let y = 0; y * stride < raw.length; y++) out.push(...raw.subarray(y * stride + 1, (y + 1) * stride));
      return out;
    }

    it('logs raw pixels and image files as the same artifacts, steps and pixels in both', async () => {
      const got = {} as Record<Lang, { root: string; folder: string; artifacts: Array<{ name: string; path: string }> }>;
      const pic = png(3, 1, (x) => [x * 100, 50, 25]);
      for (const lang of LANGS) {
        const root = tempDir(`labbook-sdk-img-${lang}-`);
        fs.writeFileSync(path.join(root, 'pic.png'), pic);
        const proc = await runScript(lang, root, IMAGES[lang]);
        assert.strictEqual(proc.code, 0, `${lang} script failed:\n${proc.stdout}\n${proc.stderr}`);
        assert.match(proc.stdout, /dropped/, `${lang}: a second image at the same step is dropped`);
        const { ws, runs } = await readBack(root);
        const run = onlyRun(runs);
        got[lang] = { root, folder: path.join(root, run.folder), artifacts: ws.store.getArtifacts(run.id).map(({ name, path: p }) => ({ name, path: p })) };
        assert.deepStrictEqual(ws.problems.messages, [], lang);
      }
      assert.deepStrictEqual(got.python.artifacts, got.node.artifacts);
      assert.deepStrictEqual(got.python.artifacts.map((a) => a.name), ['images/samples/step_0.png', 'images/samples/step_1.png', 'images/val/pred/step_5.png']);
      for (const lang of LANGS) {
        const file = (name: string) => path.join(got[lang].folder, 'artifacts', ...name.split('/'));
        assert.deepStrictEqual(pixelsOf(file('images/samples/step_0.png')), [255, 0, 0, 0, 128, 0, 0, 0, 255, 255, 0, 7], `${lang}: pixels, clipped`);
        assert.ok(fs.readFileSync(file('images/samples/step_1.png')).equals(pic), `${lang}: a PNG file is kept byte for byte`);
        const rec = fs.readFileSync(path.join(got[lang].folder, 'events.jsonl'), 'utf8').split('\n').find((l) => l.includes('val/pred/step_5'))!;
        assert.match(rec, /"step":5/);
        assert.match(rec, /"caption":"five"/);
      }
    });
  });

  describe('the Node SDK in process', () => {
    it('validates like the Python SDK', () => {
      const root = tempDir('labbook-sdk-node-');
      const run = sdk.startRun({ logdir: path.join(root, 'labbook'), captureEnv: false, captureConsole: false, captureSystem: false, handleSignals: false });
      try {
        assert.throws(() => run.logMetrics({ a: 1 }, -1), RangeError);
        assert.throws(() => run.logMetrics({ a: 1 }, 1.5), TypeError);
        assert.throws(() => run.logMetrics({ a: 1 }, 2 ** 53), RangeError);
        assert.throws(() => run.logMetrics({ a: null as unknown as number }), /"a"/);
        assert.throws(() => run.logArtifact('model.bin', '../x'), RangeError);
        assert.throws(() => run.createAlert('a > 1', 'm', 'panic' as 'info'), RangeError);
        assert.throws(() => run.logDataset('x'), RangeError);
        assert.deepStrictEqual(sdk.parseCondition(' val/loss>=2 '), ['val/loss', '>=', '2']);
        assert.strictEqual(sdk.getRun(), run);
        assert.deepStrictEqual(run.config, {});
      } finally {
        run.finish();
      }
      assert.strictEqual(sdk.getRun(), undefined);
      assert.strictEqual(run.finish('failed'), false);
      assert.throws(() => run.note('late'), /already finished/);
    });

    it('names an unnamed run readably from its id, the same in Python and Node', function () {
      if (!HAVE_PYTHON) this.skip();
      const ids = ['79e4f2af49', '0000000000', 'ffffffffff', 'my-run', 'é'];
      const out = execFileSync(PYTHON, ['-c', `import json, sys; from labbook._core import _friendly_name; print(json.dumps([_friendly_name(i) for i in ${JSON.stringify(ids)}]))`], { env: childEnv(tempDir('labbook-sdk-name-')) }).toString();
      const fromPython = JSON.parse(out) as string[];
      assert.deepStrictEqual(ids.map((i) => sdk.friendlyName(i)), fromPython);
      for (const n of fromPython) assert.match(n, /^[a-z]+-[a-z]+-\d{1,3}$/);
      const root = tempDir('labbook-sdk-node-');
      const run = sdk.startRun({ logdir: path.join(root, 'labbook'), captureEnv: false, captureConsole: false, captureSystem: false, handleSignals: false });
      try {
        assert.strictEqual(run.name, sdk.friendlyName(run.id));
        assert.match(fs.readFileSync(path.join(run.path, 'events.jsonl'), 'utf8'), new RegExp(`"name":"${run.name}"`));
      } finally {
        run.finish();
      }
    });

    it('an explicit Experiment lists its runs', () => {
      const root = tempDir('labbook-sdk-node-');
      const exp = sdk.createExperiment('exp', path.join(root, 'labbook'));
      const opts = { captureEnv: false, captureConsole: false, captureSystem: false, handleSignals: false };
      const a = exp.startRun({ name: 'a', ...opts });
      a.finish();
      const b = exp.startRun({ name: 'b', ...opts });
      // Both may start within the same millisecond: their order is then the folders', so compare sorted.
      assert.deepStrictEqual(exp.listRuns().map((r) => [r.name, r.status]).sort(), [['a', 'finished'], ['b', 'running']]);
      b.finish('failed');
      assert.strictEqual(sdk.getRun(), undefined);
    });
  });

  it('a real PyTorch training run (plain-loop helper) shows its metrics and system metrics', async function () {
    this.timeout(180000);
    const torchExe = torchPython();
    if (!torchExe && process.env.LABBOOK_REQUIRE_FRAMEWORKS === '1') throw new Error('torch is required here (LABBOOK_REQUIRE_FRAMEWORKS=1) but no python3 can import it');
    if (!torchExe) this.skip();
    const root = tempDir('labbook-sdk-torch-');
    const out = spawnSync(torchExe!, [path.join(REPO, 'demo', 'train_torch.py'), '--epochs', '8', '--sleep', '0.1', '--system-interval', '0.15', '--logdir', path.join(root, 'labbook')], {
      cwd: root,
      env: childEnv(root),
      encoding: 'utf8',
      timeout: 170000,
    });
    assert.strictEqual(out.status, 0, out.stdout + out.stderr);
    const { ws, runs } = await readBack(root);
    const run = onlyRun(runs);
    assert.strictEqual(run.status, 'finished');
    const m = metrics(ws, run);
    for (const key of ['train/loss', 'train/acc', 'val/loss', 'val/acc', 'train/grad_norm', 'lr']) assert.deepStrictEqual(m[key].map(([s]) => s), [0, 1, 2, 3, 4, 5, 6, 7], key);
    assert.ok(m['val/acc'][7][1] > 0.8, `val/acc ${m['val/acc'][7][1]}`);
    assert.ok(m['system/cpu_percent']?.length >= 2, 'system metrics');
    assert.ok(m['system/memory_percent']?.length >= 2, 'system metrics');
    const params = ws.store.getParams(run.id);
    assert.strictEqual(params['model.class'], 'Sequential');
    assert.strictEqual(ws.store.getArtifacts(run.id)[0].name, 'checkpoints/model.pt');
    assert.strictEqual(ws.store.getDatasets(run.id)[0].name, 'moons-train');
    assert.ok((ws.store.getEnv(run.id).packages as Record<string, string>).torch);
  });
});
