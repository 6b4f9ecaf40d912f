// One folder's index driven as the extension host drives it: through the index worker (the bundled
// dist/indexWorker.js) and in-process, with the same answers to every read the host makes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openInProcess, openInWorker, type IndexConnection } from '../../src/core/worker/indexConnection';
import { parseRequest, type OpenParams } from '../../src/core/worker/messages';
import { loadSql } from './support/helpers';

const REPO = path.resolve(__dirname, '..', '..', '..');
const SCRIPT = path.join(REPO, 'dist', 'indexWorker.js');

function writeRun(root: string, id: string, steps: number, opts: { from?: number; experiment?: string; alert?: string } = {}): void {
  const dir = path.join(root, 'labbook', id);
  fs.mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  const from = opts.from ?? 0;
  if (from === 0) {
    lines.push(JSON.stringify({ t: 'header', format: 'labbook-run', version: 1, run_id: id, project: opts.experiment ?? 'p', name: id, time: 1_700_000_000 }));
    lines.push(JSON.stringify({ t: 'params', time: 1_700_000_000, values: { lr: 0.1, layers: id.length } }));
    lines.push(JSON.stringify({ t: 'tags', time: 1_700_000_000, tags: ['baseline'] }));
    if (opts.alert) lines.push(JSON.stringify({ t: 'alert', time: 1_700_000_000, condition: opts.alert, message: 'too low' }));
  }
  for (let s = from; s < from + steps; s++) lines.push(JSON.stringify({ t: 'metrics', step: s, time: 1_700_000_000 + s, values: { loss: 1 / (s + 1) } }));
  fs.appendFileSync(path.join(dir, 'events.jsonl'), lines.join('\n') + '\n');
}

/** Every read the host makes, answered by `c`, as plain data to compare. */
async function everything(c: IndexConnection): Promise<unknown> {
  const runs = await c.reads.listRuns();
  const per = await Promise.all(runs.map(async (r) => {
    const series = await c.reads.listSeries(r.id);
    return {
      run: await c.reads.getRun(r.uid), params: await c.reads.getParams(r.id), tags: await c.reads.getTags(r.id), env: await c.reads.getEnv(r.id),
      artifacts: await c.reads.getArtifacts(r.id), datasets: await c.reads.getDatasets(r.id), alerts: await c.reads.getAlertStates(r.id),
      series, last: await c.reads.lastMetrics(r.id),
      points: await Promise.all(series.map((s) => c.reads.getPoints(s.id, 2))),
      lines: await Promise.all(series.map((s) => c.reads.chartLine(s.id, -Infinity, Infinity, 10, false))),
    };
  }));
  const facts = await c.reads.treeFacts({ filter: 'params.layers > 1', options: { nowSeconds: 1_700_000_100 }, metrics: ['loss'] });
  const bad = await c.reads.treeFacts({ filter: 'params.layers >', options: {}, metrics: [] });
  const table = await c.reads.tableMatching({ query: 'metrics.loss < 0.5' }, { nowSeconds: 1_700_000_100, checkProcesses: true }, true);
  const tableError = await c.reads.tableMatching({ query: 'metrics.loss <' }, {}, true);
  const rows = await c.reads.tableRows(runs.map((r) => r.uid), { nowSeconds: 1_700_000_100 }, ['attr:name', 'param:lr', 'metric:loss']);
  return { runs, per, facts: { found: facts.found, tags: [...facts.tags], metrics: [...facts.metrics].map(([k, m]) => [k, [...m]]) }, bad: bad.found, table, tableError, rows };
}

describe('index connection (worker and in-process)', function () {
  this.timeout(60_000);
  let root: string;
  const open: IndexConnection[] = [];
  const problems: string[] = [];
  const params = (persistent = true): OpenParams => ({ root, logRoot: 'labbook', persistent });

  beforeEach(() => {
    assert.ok(fs.existsSync(SCRIPT), `${SCRIPT} is built by npm run build`);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'labbook-connection-'));
    problems.length = 0;
  });
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close().catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
  });

  const inWorker = async (p = params()) => {
    const c = await openInWorker({ script: SCRIPT, wasmDir: path.dirname(SCRIPT), onRestart: () => undefined }, p, { report: (m) => problems.push(m) });
    open.push(c);
    return c;
  };

  it('answers every read the host makes as the in-process index does', async () => {
    writeRun(root, 'a', 5);
    writeRun(root, 'bb', 8, { experiment: 'q' });
    const w = await inWorker(params(false));
    const local = await openInProcess(await loadSql(), params(false), { report: (m) => problems.push(m) });
    open.push(local);
    const [dw, dl] = [await w.sync(undefined, { imports: false, force: false }), await local.sync(undefined, { imports: false, force: false })];
    assert.deepEqual([...dw.changes.runs].sort(), ['a', 'bb']);
    assert.deepEqual(dw.changes, dl.changes);
    assert.equal(w.inWorker, true);
    assert.equal(local.inWorker, false);
    const [ew, el] = [await everything(w), await everything(local)];
    assert.deepEqual(ew, el);
    const e = ew as { facts: { found: { uids: Set<string> } }; bad: { error: string }; table: { ok: { uids: string[] } }; tableError: { queryError: { message: string; start: number } } };
    assert.deepEqual([...e.facts.found.uids], ['bb']);
    assert.match(e.bad.error, /./);
    assert.deepEqual(e.table.ok.uids.sort(), ['a', 'bb']);
    assert.equal(typeof e.tableError.queryError.start, 'number');
  });

  it('refuses reads that do not exist or have the wrong arguments', () => {
    const bad: unknown[] = [
      { id: 1, op: 'read', name: 'dropTables', args: [] }, { id: 2, op: 'read', name: 'getRun', args: [1] }, { id: 3, op: 'read', name: 'getParams', args: ['x'] },
      { id: 4, op: 'read', name: 'getParams', args: [-1] }, { id: 5, op: 'read', name: 'listRuns', args: [1] }, { id: 6, op: 'read', name: 'getRange', args: [1, 0, NaN, 10, false] },
      { id: 7, op: 'read', name: 'selectRows', args: ['SELECT 1', [{}]] }, { id: 8, op: 'read', name: 'toString', args: [] }, { id: 9, op: 'read', name: 'getRun' },
      { id: 10, op: 'configure', params: { maxLineBytes: -1 } }, { id: 11, op: 'configure', params: { imports: { sources: 'all' } } },
    ];
    for (const m of bad) assert.ok('error' in parseRequest(m), JSON.stringify(m));
    for (const m of [{ id: 1, op: 'read', name: 'getRange', args: [1, -Infinity, Infinity, 10, true] }, { id: 2, op: 'read', name: 'listRuns', args: [] },
      { id: 3, op: 'persist' }, { id: 4, op: 'configure', params: { imports: null, quietMs: 100 } }]) assert.ok('request' in parseRequest(m), JSON.stringify(m));
  });

  it('hands over the alerts ingest met, once', async () => {
    writeRun(root, 'a', 3, { alert: 'loss < 0.4' });
    const w = await inWorker();
    const d = await w.sync(undefined, { imports: false, force: false });
    assert.deepEqual(d.alerts.map((a) => [a.runUid, a.condition, a.step]), [['a', 'loss < 0.4', 2]]);
    writeRun(root, 'a', 2, { from: 3 });
    assert.deepEqual((await w.sync(undefined, { imports: false, force: false })).alerts, []);
  });

  it('moves an in-memory index to its file when writes are allowed, and the panels read everything again', async () => {
    writeRun(root, 'a', 3);
    const w = await inWorker(params(false));
    await w.sync(undefined, { imports: false, force: false });
    await w.save();
    assert.equal(fs.existsSync(path.join(root, '.labbook')), false, 'nothing written while read-only');
    const d = await w.persist();
    assert.deepEqual([...d.changes.reset], ['a']);
    await w.save();
    assert.ok(fs.readdirSync(path.join(root, '.labbook')).some((f) => f.endsWith('.sqlite') || f.endsWith('.db')), 'the index is in the folder');
  });

  it('fails to open when no worker can start, so the host falls back to its own thread', async () => {
    await assert.rejects(openInWorker({ script: path.join(root, 'missing-worker.js'), wasmDir: path.dirname(SCRIPT), onRestart: () => undefined }, params(), { report: (m) => problems.push(m) }));
    const local = await openInProcess(await loadSql(), params(false), { report: (m) => problems.push(m) });
    open.push(local);
    writeRun(root, 'a', 2);
    assert.deepEqual([...(await local.sync(undefined, { imports: false, force: false })).changes.runs], ['a']);
  });

  it('rebuilds with progress and stops when cancelled', async () => {
    for (let i = 0; i < 120; i++) writeRun(root, `r${i}`, 2);
    const w = await inWorker();
    const seen: number[] = [];
    const r = await w.rebuild({ onProgress: (p) => seen.push(p.files), isCancelled: () => seen.length >= 2 });
    assert.equal(r.cancelled, true);
    assert.ok(r.changes.runs.size > 0 && r.changes.runs.size < 120, `read ${r.changes.runs.size} of 120 runs before stopping`);
    const full = await w.rebuild({});
    assert.equal(full.cancelled, false);
    assert.equal((await w.reads.listRuns()).length, 120);
  });
});
