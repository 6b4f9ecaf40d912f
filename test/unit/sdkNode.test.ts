// The Node SDK on its own: a synchronous training loop (one that never gives the event loop a turn)
// still writes as it goes and stops on a signal; the module-level API and the call shapes users bring
// from the Python SDK and other trackers.
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as sdk from '../../sdk/node/src';
import { runStatus } from '../../src/core/status';
import { localProcesses } from '../../src/localProcesses';
import { tempDir, workspace } from './support/helpers';

const SDK_NODE = process.env.LABBOOK_TEST_NODE_SDK ?? require.resolve('../../sdk/node/src');
const made: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function records(file: string): Array<Record<string, unknown>> {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A child Node process running `source` after `const lb = require(<sdk>)`; resolves with it at 'ready'. */
function startLoop(root: string, source: string) {
  const file = path.join(root, 'train.js');
  fs.writeFileSync(file, `const lb = require(${JSON.stringify(SDK_NODE)});\n${source}`);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('LABBOOK_') && k !== 'NODE_OPTIONS') env[k] = v;
  const child = spawn(process.execPath, [file], { cwd: root, env: { ...env, LABBOOK_DIR: path.join(root, 'labbook') }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>((res) => child.on('close', (code, signal) => res({ code, signal, out, err })));
  const ready = new Promise<void>((res, rej) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('ready\n')) res();
    });
    void done.then((p) => rej(new Error(`exited before ready: ${p.code ?? p.signal}\n${p.out}\n${p.err}`)));
  });
  child.stderr.on('data', (d) => (err += d));
  return { child, ready, done };
}

function eventsFile(root: string): string {
  const logdir = path.join(root, 'labbook');
  const [folder] = fs.readdirSync(logdir);
  return path.join(logdir, folder, 'events.jsonl');
}

// Loops for `seconds` without yielding, logging a point each ~50 µs of work.
const SYNC_LOOP = (seconds: number) => `
const run = lb.init({ project: 'sync', heartbeatInterval: 0.3, captureEnv: false, captureSystem: false });
console.log('ready');
const end = Date.now() + ${seconds * 1000};
let step = 0;
while (Date.now() < end) {
  let x = 0; for (let k = 0; k < 20000; k++) x += Math.sqrt(k);
  run.log({ loss: 1 / (step + 1), x }, step++);
}
console.log('loop ended');
run.finish();
`;

describe('Node SDK: a synchronous training loop', function () {
  this.timeout(30000);
  after(() => {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes metrics and heartbeats while the loop runs (live charts, not killed by silence)', async () => {
    const root = tempDir('labbook-node-sync-');
    made.push(root);
    const loop = startLoop(root, SYNC_LOOP(3));
    await loop.ready;
    await sleep(1500);
    const during = records(eventsFile(root));
    const stillRunning = loop.child.exitCode === null;
    const proc = await loop.done;
    assert.ok(stillRunning, 'the loop was still running when the file was read');
    assert.strictEqual(proc.code, 0, proc.err);
    const metrics = during.filter((r) => r.t === 'metrics');
    assert.ok(metrics.length > 10, `points on disk during the loop: ${metrics.length}`);
    assert.ok(during.filter((r) => r.t === 'heartbeat').length >= 2, 'heartbeats during the loop');
    const ws = await workspace({ root });
    await ws.indexer.sync();
    const [run] = ws.store.listRuns();
    assert.strictEqual(run.status, 'finished');
  });

  it('Ctrl-C (SIGINT) stops the loop at once and the run shows as killed', async () => {
    const root = tempDir('labbook-node-sync-');
    made.push(root);
    const loop = startLoop(root, SYNC_LOOP(10));
    await loop.ready;
    await sleep(700);
    const sent = Date.now();
    loop.child.kill('SIGINT');
    const proc = await loop.done;
    assert.ok(Date.now() - sent < 2000, `stopped ${Date.now() - sent} ms after the signal`);
    assert.strictEqual(proc.signal, 'SIGINT', `${proc.code} ${proc.err}`);
    assert.ok(!proc.out.includes('loop ended'), 'the loop did not run to its end');
    const ws = await workspace({ root });
    await ws.indexer.sync();
    const [run] = ws.store.listRuns();
    assert.strictEqual(run.status, 'running', 'nothing could be written');
    assert.ok(ws.store.listSeries(run.id).find((s) => s.key === 'loss')!.count > 10, 'the points up to the last flush are kept');
    assert.strictEqual(runStatus(run, Date.now() / 1000, 120, localProcesses), 'killed', 'as the extension shows it');
  });
});

describe('Node SDK: the call shapes of the Python SDK and other trackers', () => {
  const opts = () => {
    const root = tempDir('labbook-node-api-');
    made.push(root);
    return { logdir: path.join(root, 'labbook'), captureEnv: false, captureConsole: false, captureSystem: false };
  };
  after(() => {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('accepts numbers written as text, as Python does', () => {
    const run = sdk.startRun(opts());
    run.log({ a: '0.5', b: ' 1e-3 ', c: 'nan', d: '-inf', e: 'Infinity', f: '2' });
    assert.throws(() => run.log({ g: 'fast' }), /"g".*"fast"/);
    assert.throws(() => run.log({ h: '' }), TypeError);
    run.finish();
    const m = records(run.eventsPath).filter((r) => r.t === 'metrics');
    assert.deepStrictEqual(m[0].values, { a: 0.5, b: 0.001, c: 'NaN', d: '-Infinity', e: 'Infinity', f: 2 });
  });

  it('records run.config.x = v and delete run.config.x; reading gives copies', () => {
    const run = sdk.startRun({ ...opts(), config: { lr: 0.1, model: { layers: 3 } } });
    run.config.lr = 0.01;
    run.config.batch = 64;
    (run.config.model as { layers: number }).layers = 99; // a copy: not recorded
    delete run.config.batch;
    assert.deepStrictEqual({ ...run.config }, { lr: 0.01, model: { layers: 3 } });
    assert.strictEqual('lr' in run.config, true);
    assert.strictEqual(JSON.stringify(run.config), '{"lr":0.01,"model":{"layers":3}}');
    run.finish();
    const params = records(run.eventsPath).filter((r) => r.t === 'params');
    assert.deepStrictEqual(params.map((p) => [p.values, p.reset ?? false]), [
      [{ lr: 0.1, 'model.layers': 3 }, false],
      [{ lr: 0.01 }, false],
      [{ batch: 64 }, false],
      [{ lr: 0.01, 'model.layers': 3 }, true],
    ]);
  });

  it('has a module-level API: config before init, log, setTag(s), logCodeRef, logSucceeded/Failed/Stopped', () => {
    sdk.config.seed = 7;
    sdk.init({ ...opts(), config: { lr: 0.1 } });
    sdk.config.epochs = 3;
    sdk.log({ loss: 1 });
    sdk.logMetric('acc', '0.5', 4);
    sdk.setTag('team', 'vision');
    sdk.setTags({ stage: 'dev', baseline: true });
    sdk.logCodeRef({ commit: 'abc123', branch: 'main', url: 'https://user:secret@example.com/r.git', dirty: false });
    const run = sdk.getRun()!;
    assert.strictEqual(sdk.logSucceeded('done'), true);
    assert.throws(() => sdk.log({ loss: 2 }), /no run is active/);
    const recs = records(run.eventsPath);
    assert.deepStrictEqual(recs.filter((r) => r.t === 'params').map((r) => r.values), [{ seed: 7, lr: 0.1 }, { epochs: 3 }]);
    assert.deepStrictEqual(recs.filter((r) => r.t === 'tags').map((r) => r.tags), [['team:vision'], ['stage:dev', 'baseline']]);
    assert.deepStrictEqual(recs.find((r) => r.t === 'env')!.values, { git: { commit: 'abc123', branch: 'main', remote: 'https://example.com/r.git', dirty: false } });
    assert.deepStrictEqual(recs.filter((r) => r.t === 'metrics').map((r) => [r.step, r.values]), [[0, { loss: 1 }], [4, { acc: 0.5 }]]);
    assert.deepStrictEqual(recs.at(-1)!.status, 'finished');
    assert.strictEqual(recs.at(-1)!.message, 'done');
    const failed = sdk.init(opts());
    sdk.logFailed('diverged', 'Traceback: x');
    assert.deepStrictEqual([failed.status, records(failed.eventsPath).at(-1)!.message], ['failed', 'diverged\n\nTraceback: x']);
    const stopped = sdk.init(opts());
    sdk.logStopped();
    assert.strictEqual(stopped.status, 'killed');
  });
});
