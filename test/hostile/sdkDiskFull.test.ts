// The Node SDK on a full disk: a child process whose writes to events.jsonl fail as on a full disk
// (a write that does not fit writes what fits, the next one throws ENOSPC) until the disk is freed.
// No record may be glued onto a torn line, unwritten records are written again, a loss ends the run
// as failed with a count, and a final status that cannot be written makes the process exit 1.
// The result is read back with the extension's reader. (The Python SDK's tests of the same cases,
// including a real `ulimit -f`, are in sdk/python/tests/test_disk_full.py.)
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir, workspace } from '../unit/support/helpers';

const SDK_NODE = require.resolve('../../sdk/node/src');
const REASON = /disk full: (\d+) records could not be written/;

/** A script that starts a run, makes its events file "full" after `room` more bytes, logs, and
 *  frees the disk before finishing unless `free` is false. */
function script(opts: { room: number; count: number; free: boolean }): string {
  return `
const fs = require('fs');
const lb = require(${JSON.stringify(SDK_NODE)});
const run = lb.startRun({ project: 'p', flushInterval: 3600, heartbeatInterval: 3600, captureConsole: false, captureEnv: false, captureSystem: false });
run.flush();
const realWrite = fs.writeSync;
let room = ${opts.room};
fs.writeSync = function (fd, buf, off, len, ...rest) {
  if (room === null) return realWrite.call(fs, fd, buf, off, len, ...rest);
  if (room <= 0) { const e = new Error('ENOSPC: no space left on device, write'); e.code = 'ENOSPC'; e.errno = -28; throw e; }
  const n = Math.min(room, len ?? buf.length - (off ?? 0));
  room -= n;
  return realWrite.call(fs, fd, buf, off, n, ...rest);
};
run.logParams({ a: 1 });
for (let i = 0; i < ${opts.count}; i++) { run.log({ loss: i }); if (i % 10 === 0) run.flush(); }
${opts.free ? 'room = null;' : ''}
run.log({ loss: ${opts.count} });
console.log('done');
`;
}

interface Result {
  code: number | null;
  stderr: string;
  lines: string[];
  tail: string;
  root: string;
}

function runChild(source: string, extraEnv: Record<string, string> = {}): Result {
  const root = tempDir('labbook-diskfull-');
  const file = path.join(root, 'script.js');
  fs.writeFileSync(file, source);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('LABBOOK_') && k !== 'NODE_OPTIONS') env[k] = v;
  env.LABBOOK_DIR = path.join(root, 'labbook');
  Object.assign(env, extraEnv);
  const p = spawnSync(process.execPath, [file], { cwd: root, env, encoding: 'utf8', timeout: 60000 });
  assert.match(p.stdout, /done/, p.stderr);
  const folders = fs.readdirSync(env.LABBOOK_DIR);
  assert.strictEqual(folders.length, 1);
  const text = fs.readFileSync(path.join(env.LABBOOK_DIR, folders[0], 'events.jsonl'), 'utf8');
  const lines = text.split('\n');
  const tail = lines.pop() ?? '';
  for (const piece of [...lines, tail]) assert.ok((piece.match(/\{"t":/g) ?? []).length <= 1, `records glued into one line: ${piece}`);
  return { code: p.status, stderr: p.stderr, lines, tail, root };
}

function parsed(lines: string[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const l of lines) {
    try {
      out.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      /* a torn piece */
    }
  }
  return out;
}

const steps = (recs: Array<Record<string, unknown>>) => recs.filter((r) => r.t === 'metrics').map((r) => r.step as number);
const statuses = (recs: Array<Record<string, unknown>>) => recs.filter((r) => r.t === 'status');

describe('hostile: the Node SDK on a full disk', function () {
  this.timeout(60000);
  const roots: string[] = [];
  after(() => {
    for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
  });

  it('starts a fresh line after a torn write and writes every failed record again once there is room', async () => {
    const r = runChild(script({ room: 30, count: 50, free: true }));
    roots.push(r.root);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.strictEqual(r.tail, '', 'the file ends inside a line');
    const recs = parsed(r.lines);
    assert.deepStrictEqual(steps(recs), Array.from({ length: 51 }, (_, i) => i));
    assert.deepStrictEqual(statuses(recs).map((s) => s.status), ['running', 'finished']);
    assert.strictEqual(r.stderr.match(/could not write/g)?.length, 1, r.stderr);
    // the extension reads it: the torn piece is one message with its line, everything else loads
    const ws = await workspace({ root: r.root });
    await ws.indexer.sync();
    const [run] = ws.store.listRuns();
    assert.strictEqual(run.status, 'finished');
    assert.ok(ws.problems.messages.length <= 1, ws.problems.messages.join('\n'));
    for (const m of ws.problems.messages) assert.match(m, /events\.jsonl:\d+/);
  });

  it('keeps failed records in bounded memory; what is lost fails the run with a count', async () => {
    const r = runChild(script({ room: 0, count: 300, free: true }), { LABBOOK_MAX_PENDING_BYTES: '3000' });
    roots.push(r.root);
    assert.strictEqual(r.code, 0, r.stderr);
    const recs = parsed(r.lines);
    const got = steps(recs);
    assert.ok(got.length > 10, `only ${got.length} records kept`);
    assert.deepStrictEqual(got, Array.from({ length: got.length }, (_, i) => i), 'the oldest are kept, without gaps');
    const final = statuses(recs).at(-1)!;
    assert.strictEqual(final.status, 'failed');
    const m = REASON.exec(String(final.message));
    assert.ok(m, String(final.message));
    assert.strictEqual(Number(m[1]), 301 - got.length);
    const ws = await workspace({ root: r.root });
    await ws.indexer.sync();
    const [run] = ws.store.listRuns();
    assert.strictEqual(run.status, 'failed');
    assert.match(String(run.statusMessage), REASON);
  });

  it('exits 1 and says so on stderr when even the final status cannot be written', () => {
    const r = runChild(script({ room: 45, count: 20, free: false }));
    roots.push(r.root);
    assert.deepStrictEqual(statuses(parsed(r.lines)).map((s) => s.status), ['running']);
    assert.strictEqual(r.code, 1, r.stderr);
    assert.match(r.stderr, /final status/);
  });
});
