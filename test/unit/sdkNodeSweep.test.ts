// The Node SDK's sweeps: the Python SDK's grid order and random draws, the trial log's records, the
// lock Node and Python agents share (stale locks broken, live ones waited for), and Python and Node
// agent processes on one sweep handing out every trial once, read back by the extension's reader.
import * as assert from 'assert';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as sdk from '../../sdk/node/src';
import { ProblemList } from '../../src/core/problems';
import { SweepReader } from '../../src/core/sweeps/sweepReader';
import { acquire } from '../../sdk/node/src/sweep/lock';
import { tempDir } from './support/helpers';

const PYTHON = process.env.LABBOOK_TEST_PYTHON ?? 'python3';
const SDK_PYTHON = path.join(process.cwd(), 'sdk', 'python');
const SDK_NODE = process.env.LABBOOK_TEST_NODE_SDK ?? require.resolve('../../sdk/node/src');

function python(cwd: string, source: string): string {
  const r = spawnSync(PYTHON, ['-c', source], { cwd, env: { ...process.env, PYTHONPATH: SDK_PYTHON, LABBOOK_DIR: path.join(cwd, 'labbook') }, encoding: 'utf8' });
  assert.strictEqual(r.status, 0, r.stderr);
  return r.stdout;
}

/** Resolves when the child has exited (listening from the start, so an early exit is not missed). */
const exited = (child: ChildProcess) => new Promise<void>((res) => child.on('close', () => res()));

const SPACE = {
  batch: { values: [16, 32, 64] },
  layers: { min: 1, max: 4 },
  dropout: { min: 0.1, max: 0.5 },
  lr: { min: 1e-5, max: 1e-2, distribution: 'log_uniform' },
  width: { min: 0, max: 100, q: 5, distribution: 'q_uniform' },
  momentum: { min: 0.5, max: 0.99, q: 0.01, distribution: 'q_uniform' },
  noise: { mu: 0, sigma: 1, distribution: 'normal' },
  act: { value: 'relu' },
};
const EXACT = ['batch', 'layers', 'dropout', 'width', 'momentum', 'act'];

describe('Node SDK sweeps', () => {
  it("draws Python's random.Random sequence for a string seed", () => {
    const out = python(tempDir(), `
import json, random
r = random.Random("1234:7")
print(json.dumps([r.random(), r.randrange(3), r.randint(-5, 10**6), r.uniform(0.1, 0.5), str(r.getrandbits(70)), r.randrange(2**40), [r.randrange(1000) for _ in range(700)]]))`);
    const r = new sdk.PyRandom('1234:7');
    const mine = [r.random(), r.randbelow(3), r.randint(-5, 10 ** 6), r.uniform(0.1, 0.5), r.getrandbits(70).toString(), r.randbelow(2 ** 40), Array.from({ length: 700 }, () => r.randbelow(1000))];
    assert.deepStrictEqual(mine, JSON.parse(out));
  });

  it("walks a grid in Python's order, every combination once, then is done", async () => {
    const root = tempDir();
    const params = { a: { values: [1, 2] }, b: { min: 0, max: 4, q: 2, distribution: 'int_uniform' }, c: { values: ['x', 'y', 'z'] } };
    const sweep = sdk.createSweep({ experiment: 'grid', strategy: 'grid', parameters: params, objective: 'acc', logdir: path.join(root, 'labbook') });
    assert.strictEqual(sweep.maxTrials, 18);
    const got: unknown[] = [];
    for await (const trial of sweep) {
      got.push(trial.params);
      trial.complete({ acc: got.length });
    }
    const expected = python(root, `
import json
from labbook.sweep.space import parse_space, grid_point, grid_size
s = parse_space(json.loads(${JSON.stringify(JSON.stringify(params))}))
print(json.dumps([grid_point(s, i) for i in range(grid_size(s))]))`);
    assert.deepStrictEqual(got, JSON.parse(expected));
    assert.strictEqual(await sweep.suggest(), null);
  });

  it("suggests the random trials a Python agent would (exactly, but log and normal draws to the last bit)", async () => {
    const root = tempDir();
    const sweep = sdk.createSweep({ experiment: 'rnd', strategy: 'random', parameters: SPACE, objective: 'loss', goal: 'minimize', maxTrials: 30, seed: 4242, logdir: path.join(root, 'labbook') });
    const mine: Array<Record<string, unknown>> = [];
    for (let n = 0; n < 30; n++) {
      const trial = await sweep.suggest();
      assert.ok(trial);
      mine.push(trial.params);
      trial.complete(n);
    }
    const theirs = JSON.parse(python(root, `
import json, labbook
s = labbook.get_sweep(${JSON.stringify(sweep.id)})
st = s.state()
print(json.dumps([s._new_params(st, n)[0] for n in range(30)]))
assert s.status()["counts"] == {"completed": 30}, s.status()`)) as Array<Record<string, unknown>>;
    for (let n = 0; n < 30; n++) {
      for (const k of EXACT) assert.deepStrictEqual(mine[n][k], theirs[n][k], `trial ${n} ${k}`);
      for (const k of ['lr', 'noise']) assert.ok(Math.abs((mine[n][k] as number) - (theirs[n][k] as number)) <= 1e-12 * Math.abs(theirs[n][k] as number), `trial ${n} ${k}`);
    }
    assert.deepStrictEqual(new Set(mine.map((p) => p.act)), new Set(['relu']));
  });

  it('writes the records of the format and iterates until done, failing a trial the loop leaves', async () => {
    const root = tempDir();
    const sweep = sdk.createSweep({ experiment: 'e', parameters: { x: { min: 0, max: 1 } }, objective: { metric: 'acc', goal: 'max' }, maxTrials: 3, logdir: path.join(root, 'labbook') });
    assert.strictEqual(sweep.goal, 'maximize');
    for await (const trial of sweep) {
      trial.setRun('run-1');
      trial.complete({ acc: 0.5, note: 'text is dropped' });
      break;
    }
    try {
      for await (const trial of sweep) {
        assert.strictEqual(trial.number, 1);
        throw new Error('training crashed');
      }
    } catch (e) {
      assert.match(String(e), /training crashed/);
    }
    const last = await sweep.suggest();
    assert.ok(last);
    assert.throws(() => last.complete({ other: 1 }), /objective 'acc' needs a finite number/);
    sdk.getSweep(sweep.id, { logdir: path.join(root, 'labbook') }).trial(last.id).complete(0.9);
    assert.strictEqual(await sweep.suggest(), null, 'max_trials reached');
    const recs = fs.readFileSync(path.join(sweep.folder, 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepStrictEqual(recs.map((r) => `${String(r.t)}:${String(r.trial)}`), ['suggest:0', 'run:0', 'complete:0', 'suggest:1', 'fail:1', 'suggest:2', 'complete:2']);
    assert.deepStrictEqual(Object.keys(recs[0]), ['t', 'trial', 'time', 'agent', 'params']);
    assert.strictEqual(recs[0].agent, `${os.hostname()}:${process.pid}`);
    assert.deepStrictEqual(recs[2], { t: 'complete', value: 0.5, metrics: { acc: 0.5 }, trial: 0, time: recs[2].time, run_id: 'run-1' });
    assert.strictEqual(recs[4].reason, 'the loop ended before the trial was completed');
    assert.strictEqual(sweep.best()?.value, 0.9);
    const status = JSON.parse(python(root, `
import json, labbook
print(json.dumps(labbook.get_sweep(${JSON.stringify(sweep.id)}).status()))`)) as { counts: Record<string, number>; best_value: number; status: string };
    assert.deepStrictEqual([status.counts, status.best_value, status.status], [{ completed: 2, failed: 1 }, 0.9, 'done']);
  });

  it('stops handing out trials when stopped, retries an abandoned trial, and refuses the Bayesian strategy', async () => {
    const root = tempDir();
    const logdir = path.join(root, 'labbook');
    assert.throws(() => sdk.createSweep({ strategy: 'bayesian', parameters: { x: { min: 0, max: 1 } }, objective: 'acc', logdir }), /Python SDK only.*python -m labbook sweep agent/);
    const sweep = sdk.createSweep({ parameters: { x: { min: 0, max: 1 } }, objective: 'acc', maxTrials: 5, heartbeatTimeout: 1, logdir });
    fs.appendFileSync(path.join(sweep.folder, 'trials.jsonl'), `${JSON.stringify({ t: 'suggest', trial: 0, time: Date.now() / 1000 - 60, agent: 'gone:1', params: { x: 0.25 } })}\n`);
    const retry = await sweep.suggest();
    assert.deepStrictEqual([retry?.number, retry?.params, retry?.retryOf], [1, { x: 0.25 }, 0]);
    retry?.complete(1);
    assert.strictEqual(sweep.state().trials.get(0)?.status, 'abandoned');
    sweep.stop('plateau');
    assert.strictEqual(await sweep.suggest(), null);
    sweep.resume();
    const next = await sweep.suggest();
    assert.strictEqual(next?.number, 2);
    next?.fail('out of memory');
    python(root, `
import json, labbook
from labbook.sweep import store
store.write_definition("${sweep.folder}", dict(store.read_definition("${sweep.folder}"), strategy="bayesian"))`);
    await assert.rejects(sdk.getSweep(sweep.folder).suggest(), /Bayesian strategy \(TPE\) is implemented by the Python SDK only/);
  });

  it("breaks a lock left by a dead process, and waits for a live holder's", async function () {
    this.timeout(120_000);
    const root = tempDir();
    const sweep = sdk.createSweep({ parameters: { x: { values: [1, 2, 3] } }, strategy: 'grid', objective: 'acc', logdir: path.join(root, 'labbook') });
    const held = path.join(sweep.folder, 'lock.held');
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    fs.writeFileSync(held, JSON.stringify({ host: os.hostname(), pid: Number(dead.stdout), time: Date.now() / 1000, token: 'dead' }));
    const first = await sweep.suggest();
    assert.strictEqual(first?.number, 0);
    assert.ok(!fs.existsSync(held), 'released after the suggestion');
    // A live Python process holds the lock for two seconds: the Node suggestion waits for it.
    const holder = spawn(PYTHON, ['-c', `
import sys, time
from labbook.sweep.store import FileLock
with FileLock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(2.0)
`, path.join(sweep.folder, 'lock')], { env: { ...process.env, PYTHONPATH: SDK_PYTHON } });
    const holderExited = exited(holder);
    await new Promise<void>((res) => holder.stdout.on('data', (d) => String(d).includes('held') && res()));
    const t0 = Date.now();
    const second = await sweep.suggest();
    assert.ok(Date.now() - t0 > 500, `waited ${Date.now() - t0} ms for the Python holder`);
    assert.strictEqual(second?.number, 1);
    await holderExited;
    // And the other way round: while Node holds the lock, a Python suggestion waits.
    const release = await acquire(sweep.folder);
    const asker = spawn(PYTHON, ['-c', `
import sys, time, labbook
s = labbook.get_sweep(sys.argv[1])
print("asking", flush=True)
t0 = time.time()
trial = s.suggest()
print(trial.number, time.time() - t0, flush=True)
trial.complete(1.0)
`, sweep.folder], { env: { ...process.env, PYTHONPATH: SDK_PYTHON } });
    const askerExited = exited(asker);
    let out = '';
    await new Promise<void>((res) => asker.stdout.on('data', (d) => { out += String(d); if (out.includes('asking')) res(); }));
    await new Promise((r) => setTimeout(r, 2000));
    release();
    await askerExited;
    const [number, waited] = out.split('\n')[1].split(' ').map(Number);
    assert.strictEqual(number, 2);
    assert.ok(waited > 0.5, `Python waited ${waited} s for the Node holder`);
  });

  it("runs a Node training script as the Python agent's command, for the Bayesian strategy Node leaves to Python", async () => {
    const root = tempDir();
    const script = path.join(root, 'train.js');
    fs.writeFileSync(script, `
const lb = require(${JSON.stringify(SDK_NODE)});
const run = lb.init({ project: 'bo', config: { x: 0, epochs: 1 }, captureEnv: false, captureSystem: false });
run.log({ loss: (run.config.x - 0.3) ** 2 });
run.finish();
`);
    const out = JSON.parse(python(root, `
import json, sys, labbook
from labbook.sweep import command_agent
s = labbook.create_sweep(experiment="bo", strategy="bayesian", parameters={"x": {"min": 0.0, "max": 1.0}},
                         objective="loss", goal="minimize", max_trials=3, seed=5)
command_agent(s.id, [${JSON.stringify(process.execPath)}, ${JSON.stringify(script)}], pass_args=False)
print(json.dumps([[t.status, t.params, t.value, t.run_id] for t in s.trials()] + [s.id]))`).trim().split('\n').pop() as string) as unknown[];
    const id = out.pop() as string;
    assert.strictEqual(out.length, 3);
    for (const [n, [status, params, value, runId]] of (out as Array<[string, { x: number }, number, string]>).entries()) {
      assert.strictEqual(status, 'completed');
      assert.ok(Math.abs(value - (params.x - 0.3) ** 2) < 1e-12, 'completed from the loss the Node run logged');
      const folder = fs.readdirSync(path.join(root, 'labbook')).find((f) => f.endsWith(runId)) as string;
      const head = JSON.parse(fs.readFileSync(path.join(root, 'labbook', folder, 'events.jsonl'), 'utf8').split('\n')[0]) as { tags: string[] };
      assert.deepStrictEqual(head.tags, [`sweep:${id}`, `trial:${n}`]);
    }
  });

  it('Python and Node agent processes on one sweep hand out each of 25 trials once, and the extension reads them', async function () {
    this.timeout(300_000);
    const root = tempDir();
    const logdir = path.join(root, 'labbook');
    const sweep = sdk.createSweep({ experiment: 'mixed', strategy: 'random', parameters: { x: { min: 0, max: 1 }, k: { values: [1, 2, 3] } }, objective: 'score', maxTrials: 25, seed: 7, logdir });
    const env = { ...process.env, PYTHONPATH: SDK_PYTHON, LABBOOK_DIR: logdir };
    // Every agent says it is ready (a file naming its language and pid), starts when the file 'go'
    // appears, and "trains" 5 ms a trial, so that all take part.
    const go = path.join(root, 'go');
    const ready = path.join(root, 'ready');
    fs.mkdirSync(ready);
    const pyAgent = `
import os, sys, time, labbook
open(os.path.join(${JSON.stringify(ready)}, "python-%d" % os.getpid()), "w").close()
while not os.path.exists(${JSON.stringify(go)}):
    time.sleep(0.005)
for trial in labbook.get_sweep(sys.argv[1]):
    time.sleep(0.005)
    trial.complete({"score": trial.params["x"] * trial.params["k"]})
`;
    const nodeAgent = `
const lb = require(${JSON.stringify(SDK_NODE)});
const fs = require('fs');
fs.writeFileSync(require('path').join(${JSON.stringify(ready)}, 'node-' + process.pid), '');
(async () => {
  while (!fs.existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 5));
  for await (const trial of lb.getSweep(process.argv[1])) {
    await new Promise((r) => setTimeout(r, 5));
    trial.complete({ score: trial.params.x * trial.params.k });
  }
})().catch((e) => { console.error(e); process.exit(1); });
`;
    const agents = [
      ...Array.from({ length: 4 }, () => spawn(PYTHON, ['-c', pyAgent, sweep.id], { env, cwd: root })),
      ...Array.from({ length: 4 }, () => spawn(process.execPath, ['-e', nodeAgent, sweep.id], { env, cwd: root })),
    ];
    const started = Date.now();
    while (fs.readdirSync(ready).length < 8 && Date.now() - started < 200_000) await new Promise((r) => setTimeout(r, 20));
    fs.writeFileSync(go, '');
    const languages = new Map(fs.readdirSync(ready).map((f) => [Number(f.split('-')[1]), f.split('-')[0]]));
    const codes = await Promise.all(agents.map((a) => new Promise<string>((res) => {
      let err = '';
      a.stderr.on('data', (d) => (err += d));
      a.on('close', (code) => res(`${code} ${err}`));
    })));
    assert.deepStrictEqual(codes, Array(8).fill('0 '));
    const recs = fs.readFileSync(path.join(sweep.folder, 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const suggested = recs.filter((r) => r.t === 'suggest').map((r) => r.trial);
    assert.deepStrictEqual([...suggested].sort((a, b) => Number(a) - Number(b)), Array.from({ length: 25 }, (_, i) => i), 'each trial number handed out once');
    const completed = recs.filter((r) => r.t === 'complete').map((r) => r.trial);
    assert.deepStrictEqual(new Set(completed).size, 25);
    assert.strictEqual(completed.length, 25);
    const byLanguage = new Set(recs.filter((r) => r.t === 'suggest').map((r) => languages.get(Number(String(r.agent).split(':').pop()))));
    assert.deepStrictEqual([...byLanguage].sort(), ['node', 'python'], `agents of both languages took trials: ${JSON.stringify([...new Set(recs.map((r) => r.agent))])} ${JSON.stringify([...languages])}`);
    assert.ok(!fs.existsSync(path.join(sweep.folder, 'lock.held')));
    const problems = new ProblemList();
    const [summary] = await new SweepReader(root, 'labbook', problems).read();
    assert.strictEqual(summary.id, sweep.id);
    assert.strictEqual(summary.progress, '25 / 25');
    assert.strictEqual(summary.state, 'done');
    assert.strictEqual(summary.counts.completed, 25);
    assert.strictEqual(summary.best?.value, Math.max(...recs.filter((r) => r.t === 'complete').map((r) => r.value as number)));
  });
});
