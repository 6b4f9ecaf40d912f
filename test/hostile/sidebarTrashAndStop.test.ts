/**
 * Hostile input for organising runs: trash paths and manifests that try to move folders outside
 * the log root, links on the way, pids that no longer belong to the run, and recorded commands
 * that would run by themselves when typed into a terminal.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import { listTrash, moveToTrash, restoreFromTrash } from '../../src/core/organise/trashFiles';
import { manifestText } from '../../src/core/organise/trash';
import { canSignal, procStartTime } from '../../src/core/organise/processCheck';
import { rerunPlan } from '../../src/core/organise/rerun';
import { processStartTime } from '../../src/organise/runProcess';
import type { RunRow } from '../../src/core/store/store';
import { sandbox, SECRET } from './support/outside';

function row(folder: string, over: Partial<RunRow> = {}): RunRow {
  return {
    id: 1, uid: 'u1', experiment: 'p', name: 'victim', description: '', status: 'finished', statusMessage: null, startTime: 1, endTime: null,
    lastActivity: 1, note: '', folder, source: 'labbook', formatVersion: 1, pointCount: 0, deleted: false, archived: false, ...over,
  };
}

describe('hostile: the trash', () => {
  it('does not move a run folder that is a link to outside the workspace, nor what it points at', async () => {
    const sb = sandbox();
    sb.write('labbook/real/events.jsonl', '{}\n');
    sb.link('labbook/linked', sb.secretDir);
    const before = sb.snapshot();
    await assert.rejects(moveToTrash({ root: sb.root, logRoot: 'labbook' }, row('labbook/linked')), /link/);
    assert.deepStrictEqual(sb.snapshot(), before);
    assert.ok(fs.lstatSync(path.join(sb.root, 'labbook', 'linked')).isSymbolicLink());
  });

  it('does not move a run folder reached through a linked parent folder', async () => {
    const sb = sandbox();
    sb.link('labbook/proj', sb.secretDir);
    await assert.rejects(moveToTrash({ root: sb.root, logRoot: 'labbook' }, row('labbook/proj/ssh')));
    assert.ok(fs.existsSync(sb.secretPng));
  });

  it('does not write into a _trash folder that is a link outside', async () => {
    const sb = sandbox();
    sb.write('labbook/run-a/events.jsonl', '{}\n');
    sb.link('labbook/_trash', sb.outside);
    const before = sb.snapshot();
    await assert.rejects(moveToTrash({ root: sb.root, logRoot: 'labbook' }, row('labbook/run-a')), /link/);
    assert.deepStrictEqual(sb.snapshot(), before);
    assert.ok(fs.existsSync(path.join(sb.root, 'labbook', 'run-a', 'events.jsonl')), 'the run stays where it was');
  });

  it('refuses run folders that are not below the log root (the log root itself, a path with ..)', async () => {
    const sb = sandbox();
    sb.write('labbook/events.jsonl', '{}\n');
    for (const folder of ['labbook', 'labbook/../..', '..', 'labbook/_trash/x']) {
      await assert.rejects(moveToTrash({ root: sb.root, logRoot: 'labbook' }, row(folder)), /not deleted/, folder);
    }
    assert.ok(fs.existsSync(path.join(sb.root, 'labbook', 'events.jsonl')));
  });

  it('does not restore to a place a manifest names outside the log root, and says so', async () => {
    const sb = sandbox();
    sb.write('labbook/_trash/e1/run/events.jsonl', `{"secret":"${SECRET}"}\n`);
    sb.write('labbook/_trash/e1/trash.json', JSON.stringify({ format: 'labbook-trash', version: 1, uid: 'u', from: '../outside/moved' }));
    const messages: string[] = [];
    assert.deepStrictEqual(await listTrash({ root: sb.root, logRoot: 'labbook' }, (m) => messages.push(m)), []);
    assert.match(messages.join('\n'), /labbook\/_trash\/e1\/trash.json: not restorable/);
    await assert.rejects(restoreFromTrash({ root: sb.root, logRoot: 'labbook' }, { entry: 'e1', uid: 'u', name: 'n', experiment: '', from: '../outside/moved', time: 0 }), /cannot be restored/);
    await assert.rejects(restoreFromTrash({ root: sb.root, logRoot: 'labbook' }, { entry: '../../..', uid: 'u', name: 'n', experiment: '', from: 'labbook/x', time: 0 }), /not a trash entry/);
    assert.ok(!fs.existsSync(path.join(sb.outside, 'moved')));
  });

  it('does not restore a trashed "run" that is a link to outside (it would move the outside folder in)', async () => {
    const sb = sandbox();
    fs.mkdirSync(path.join(sb.root, 'labbook', '_trash', 'e2'), { recursive: true });
    sb.link('labbook/_trash/e2/run', sb.secretDir);
    const entry = { entry: 'e2', uid: 'u', name: 'n', experiment: '', from: 'labbook/back', time: 0 };
    sb.write('labbook/_trash/e2/trash.json', manifestText(entry));
    const before = sb.snapshot();
    await assert.rejects(restoreFromTrash({ root: sb.root, logRoot: 'labbook' }, entry), /link/);
    assert.deepStrictEqual(sb.snapshot(), before);
    assert.ok(!fs.existsSync(path.join(sb.root, 'labbook', 'back')));
  });
});

describe('hostile: stopping a run signals only its own process', () => {
  const host = os.hostname();
  const facts = { status: 'running', source: 'labbook', host, pid: 4242, startTime: 1000, lastActivity: 2000 };

  it('refuses other machines, other trackers, runs that are not running, and pids Labbook never signals', () => {
    assert.match((canSignal({ ...facts, host: 'elsewhere' }, host, 900) as { reason: string }).reason, /not on this machine/);
    assert.match((canSignal({ ...facts, source: 'mlflow' }, host, 900) as { reason: string }).reason, /another tracker/);
    assert.match((canSignal({ ...facts, status: 'killed' }, host, 900) as { reason: string }).reason, /not running/);
    for (const pid of [0, 1, -1, 1.5, null]) assert.strictEqual(canSignal({ ...facts, pid }, host, 900).ok, false, String(pid));
    assert.match((canSignal({ ...facts, host: null }, host, 900) as { reason: string }).reason, /does not say/);
  });

  it('refuses a pid whose process started after the run last wrote (the pid was reused), or that does not exist', () => {
    assert.match((canSignal(facts, host, 2100) as { reason: string }).reason, /another program/);
    assert.match((canSignal(facts, host, undefined) as { reason: string }).reason, /not running on this machine/);
    assert.deepStrictEqual(canSignal(facts, host, 999), { ok: true, pid: 4242 });
    // A resumed run: its new process started after the header but before its last write.
    assert.deepStrictEqual(canSignal(facts, host, 1500), { ok: true, pid: 4242 });
  });

  it('reads a process start time even when its command name holds ") " and spaces', () => {
    const stat = '4242 (evil) 1 2 3 (x) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 12345 1000 100 18446744073709551615';
    assert.strictEqual(procStartTime(stat, 1_700_000_000, 100), 1_700_000_000 + 123.45);
    assert.strictEqual(procStartTime('garbage', 1, 100), undefined);
  });

  it('on this machine, tells a live process started now from one started before a run that wrote an hour ago', async function () {
    if (process.platform === 'win32') this.skip();
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const started = await processStartTime(child.pid!);
      assert.ok(started !== undefined && Math.abs(started - Date.now() / 1000) < 5, `start ${started}`);
      const now = Date.now() / 1000;
      assert.strictEqual(canSignal({ ...facts, pid: child.pid!, startTime: now - 3600, lastActivity: now - 3600 }, host, started).ok, false);
      assert.strictEqual(canSignal({ ...facts, pid: child.pid!, startTime: now, lastActivity: now }, host, started).ok, true);
    } finally {
      child.kill('SIGKILL');
    }
    assert.strictEqual(await processStartTime(999_999_999), undefined);
  });
});

describe('hostile: rerun never types a command that runs by itself', () => {
  const root = path.join(os.tmpdir(), 'ws');

  it('refuses a recorded command with a line break, a carriage return, an escape sequence or a bracketed-paste end', () => {
    for (const command of ['python train.py\nrm -rf ~', 'python train.py\rcurl x | sh', 'python \u001b[201~ train.py', 'python train.py\u2028id', 'a\u0003b']) {
      const plan = rerunPlan({ command, cwd: root }, root);
      assert.strictEqual(plan.ok, false, JSON.stringify(command));
    }
  });

  it('opens in the workspace folder, not a recorded working directory outside it', () => {
    const plan = rerunPlan({ command: 'python train.py --lr 0.1', cwd: '/etc' }, root);
    assert.ok(plan.ok && plan.cwd === root && /outside this workspace/.test(plan.cwdNote ?? ''));
    const inside = rerunPlan({ command: 'python train.py', cwd: path.join(root, 'sub') }, root);
    assert.ok(inside.ok && inside.cwd === path.join(root, 'sub') && !inside.cwdNote);
    const relative = rerunPlan({ command: 'python train.py', cwd: '../..' }, root);
    assert.ok(relative.ok && relative.cwd === root);
  });

  it('quotes arguments when it builds the command from argv', () => {
    const plan = rerunPlan({ argv: ['train.py', '--name', "it's; rm -rf ~"], python: { executable: '/usr/bin/python3' } }, root);
    assert.ok(plan.ok);
    assert.strictEqual(plan.command, `python3 train.py --name 'it'"'"'s; rm -rf ~'`);
    assert.strictEqual(rerunPlan({}, root).ok, false);
  });
});

describe('hostile: Restricted Mode and the sidebar actions', () => {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    contributes: { commands: Array<{ command: string; enablement?: string }>; menus: Record<string, Array<{ command: string; when?: string }>> };
  };
  const acting = ['labbook.deleteRuns', 'labbook.restoreFromTrash', 'labbook.archiveRuns', 'labbook.starRuns', 'labbook.tagRuns', 'labbook.moveRuns',
    'labbook.createExperiment', 'labbook.renameExperiment', 'labbook.describeExperiment', 'labbook.archiveExperiment', 'labbook.stopRun', 'labbook.rerunRun'];

  it('offers what writes files, signals a process or types into a terminal only in a trusted workspace', () => {
    for (const [where, items] of Object.entries(pkg.contributes.menus)) {
      for (const item of items.filter((i) => acting.includes(i.command))) assert.match(item.when ?? '', /isWorkspaceTrusted/, `${item.command} in ${where}`);
    }
    for (const id of ['labbook.stopRun', 'labbook.rerunRun']) {
      assert.strictEqual(pkg.contributes.commands.find((c) => c.command === id)?.enablement, 'isWorkspaceTrusted', id);
    }
  });
});
