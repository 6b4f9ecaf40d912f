// Hostile sweep folders: broken lines, torn writes, oversized lines and definitions, links out of
// the workspace, nonsense records. Each is reported with its file (and line), the rest still loads.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ProblemList } from '../../src/core/problems';
import { MAX_DEFINITION_BYTES, MAX_TRIAL_LINE_BYTES, SweepReader } from '../../src/core/sweeps/sweepReader';
import { tempDir } from '../unit/support/helpers';

const DEF = { format: 'labbook-sweep', version: 1, id: 'sw-1', name: 'first', experiment: 'mnist', strategy: 'random', parameters: { lr: { min: 0, max: 1 } }, objective: { metric: 'acc', goal: 'maximize' }, max_trials: 5, heartbeat_timeout: 120 };

function sweepFolder(root: string, id: string, def: unknown = { ...DEF, id }, lines: string[] = []): string {
  const dir = path.join(root, 'labbook', '_sweeps', id);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'sweep.json'), typeof def === 'string' ? def : JSON.stringify(def));
  fs.writeFileSync(path.join(dir, 'trials.jsonl'), lines.join(''));
  return dir;
}
const line = (o: object) => `${JSON.stringify(o)}\n`;
const suggest = (n: number, lr: number) => line({ t: 'suggest', trial: n, time: 1, agent: 'h:1', params: { lr } });
const complete = (n: number, value: unknown) => line({ t: 'complete', trial: n, time: 2, value });

describe('hostile sweep folders', () => {
  it('skips lines that are not JSON or not records, naming file and line, and reads the rest', async () => {
    const root = tempDir();
    sweepFolder(root, 'sw-1', undefined, [suggest(0, 0.1), '{"t":"complete",\n', '[1,2]\n', line({ t: 'complete', time: 3 }), line({ t: 'explode', trial: 0 }), complete(0, 0.5), complete(0, 0.9), complete(7, 1)]);
    const problems = new ProblemList();
    const [s] = await new SweepReader(root, 'labbook', problems).read();
    assert.strictEqual(s.best?.value, 0.5, 'the first ending record wins; a trial never suggested is ignored');
    assert.strictEqual(s.progress, '1 / 5');
    assert.deepStrictEqual(problems.messages, [
      'labbook/_sweeps/sw-1/trials.jsonl:2: not valid JSON; skipped',
      'labbook/_sweeps/sw-1/trials.jsonl:3: not a JSON object; skipped',
      'labbook/_sweeps/sw-1/trials.jsonl:4: a "complete" record without a trial number; skipped',
      'labbook/_sweeps/sw-1/trials.jsonl:5: an unknown record type "explode"; skipped',
    ]);
  });

  it('waits for a torn last line, then reads it once it is complete', async () => {
    const root = tempDir();
    const dir = sweepFolder(root, 'sw-1', undefined, [suggest(0, 0.1), '{"t":"complete","trial":0,"ti']);
    const problems = new ProblemList();
    const reader = new SweepReader(root, 'labbook', problems);
    let [s] = await reader.read();
    assert.strictEqual(s.counts.completed, 0);
    fs.appendFileSync(path.join(dir, 'trials.jsonl'), 'me":2,"value":0.7}\n');
    [s] = await reader.read();
    assert.strictEqual(s.counts.completed, 1);
    assert.strictEqual(s.best?.value, 0.7);
    assert.deepStrictEqual(problems.messages, []);
  });

  it('skips an oversized line and an oversized or broken definition, and shows the other sweeps', async () => {
    const root = tempDir();
    sweepFolder(root, 'sw-big-line', { ...DEF, id: 'sw-big-line' }, [line({ t: 'suggest', trial: 0, params: { x: 'y'.repeat(MAX_TRIAL_LINE_BYTES + 10) } }), suggest(1, 0.3), complete(1, 0.4)]);
    sweepFolder(root, 'sw-big-def', { ...DEF, id: 'sw-big-def', pad: 'x'.repeat(MAX_DEFINITION_BYTES) });
    sweepFolder(root, 'sw-not-json', '{"format": "labbook-sweep", ');
    sweepFolder(root, 'sw-no-objective', { ...DEF, id: 'sw-no-objective', objective: {} });
    sweepFolder(root, 'sw-nonsense', { ...DEF, id: 'sw-nonsense', max_trials: 'many', heartbeat_timeout: -5, parameters: [1], command: [1, 'python'] });
    const problems = new ProblemList();
    const reader = new SweepReader(root, 'labbook', problems);
    const sweeps = await reader.read();
    assert.deepStrictEqual(sweeps.map((s) => s.id).sort(), ['sw-big-line', 'sw-nonsense']);
    const big = sweeps.find((s) => s.id === 'sw-big-line')!;
    assert.deepStrictEqual(big.trials.map((t) => t.number), [1]);
    const nonsense = sweeps.find((s) => s.id === 'sw-nonsense')!;
    assert.strictEqual(nonsense.progress, '0');
    assert.deepStrictEqual(nonsense.command, ['python']);
    assert.strictEqual(problems.messages.length, 4, problems.messages.join('\n'));
    assert.ok(problems.messages.some((m) => m.startsWith('labbook/_sweeps/sw-big-line/trials.jsonl:1: skipped: the line is longer than')));
    assert.ok(problems.messages.some((m) => m.startsWith('labbook/_sweeps/sw-big-def/sweep.json: larger than')));
    assert.ok(problems.messages.some((m) => m.startsWith('labbook/_sweeps/sw-not-json/sweep.json:1: not valid JSON')));
    assert.ok(problems.messages.includes('labbook/_sweeps/sw-no-objective/sweep.json: no "objective.metric"; the sweep is not shown'));
    // Read again unchanged: nothing is said twice.
    await reader.read();
    assert.strictEqual(problems.messages.length, 4);
  });

  it('never reads through a link that leaves the workspace, and says so once', async () => {
    const root = tempDir();
    const outside = tempDir();
    fs.writeFileSync(path.join(outside, 'secret.jsonl'), suggest(0, 0.99));
    const dir = sweepFolder(root, 'sw-1');
    fs.rmSync(path.join(dir, 'trials.jsonl'));
    fs.symlinkSync(path.join(outside, 'secret.jsonl'), path.join(dir, 'trials.jsonl'));
    // A linked sweep folder is not a sweep at all.
    fs.mkdirSync(path.join(outside, 'sw-2'));
    fs.writeFileSync(path.join(outside, 'sw-2', 'sweep.json'), JSON.stringify({ ...DEF, id: 'sw-2' }));
    fs.symlinkSync(path.join(outside, 'sw-2'), path.join(root, 'labbook', '_sweeps', 'sw-2'));
    const problems = new ProblemList();
    const reader = new SweepReader(root, 'labbook', problems);
    assert.deepStrictEqual(await reader.read(), []);
    await reader.read();
    assert.deepStrictEqual(problems.messages, ['labbook/_sweeps/sw-1: labbook/_sweeps/sw-1/trials.jsonl leads outside the workspace (a link); not used']);
  });

  it('keeps a bounded number of trials per sweep', async () => {
    const { MAX_TRIALS, TrialLog } = await import('../../src/core/sweeps/sweepState');
    const log = new TrialLog();
    for (let n = 0; n < MAX_TRIALS + 5; n++) log.apply({ t: 'suggest', trial: n, params: {} });
    assert.strictEqual(log.trials.size, MAX_TRIALS);
    assert.strictEqual(log.ignored, 5);
  });
});

describe('hostile sweep folders: stop and resume', () => {
  it('appends on a fresh line after a torn one, and the reader sees it', async () => {
    const { appendControlRecord } = await import('../../src/core/sweeps/sweepControl');
    const root = tempDir();
    const dir = sweepFolder(root, 'sw-1', undefined, [suggest(0, 0.1), '{"t":"compl']);
    await appendControlRecord(root, 'labbook/_sweeps/sw-1', 'stop', 5, 'from the editor');
    const lines = fs.readFileSync(path.join(dir, 'trials.jsonl'), 'utf8').split('\n');
    assert.deepStrictEqual(lines.slice(1), ['{"t":"compl', '{"t":"stop","time":5,"reason":"from the editor"}', '']);
    const problems = new ProblemList();
    const [s] = await new SweepReader(root, 'labbook', problems).read();
    assert.strictEqual(s.stopped, true);
  });

  it('never writes through a linked trial log or a linked sweep folder', async () => {
    const { appendControlRecord } = await import('../../src/core/sweeps/sweepControl');
    const root = tempDir();
    const outside = tempDir();
    const victim = path.join(outside, 'bashrc');
    fs.writeFileSync(victim, 'export A=1\n');
    const dir = sweepFolder(root, 'sw-1');
    fs.rmSync(path.join(dir, 'trials.jsonl'));
    fs.symlinkSync(victim, path.join(dir, 'trials.jsonl'));
    await assert.rejects(appendControlRecord(root, 'labbook/_sweeps/sw-1', 'stop', 1), /outside the workspace|link/);
    fs.symlinkSync(outside, path.join(root, 'labbook', '_sweeps', 'sw-2'));
    await assert.rejects(appendControlRecord(root, 'labbook/_sweeps/sw-2', 'stop', 1), /link/);
    assert.strictEqual(fs.readFileSync(victim, 'utf8'), 'export A=1\n');
    assert.deepStrictEqual(fs.readdirSync(outside).sort(), ['bashrc']);
  });

  it('accepts only plain sweep ids for commands and paths', async () => {
    const { isSafeSweepId } = await import('../../src/core/sweeps/sweepControl');
    assert.ok(isSafeSweepId('sw-3f9a1c2e7b'));
    for (const bad of ['', '..', 'a b', 'sw-$(rm -rf ~)', 'a/b', '-rf', 'x;ls']) assert.ok(!isSafeSweepId(bad), bad);
  });
});

describe('hostile sweep folders: Restricted Mode', () => {
  it('offers no sweep command that writes or runs something outside trusted workspaces', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'package.json'), 'utf8'));
    const acting = ['labbook.createSweep', 'labbook.launchSweepAgents', 'labbook.stopSweep', 'labbook.resumeSweep'];
    const menus = Object.values(pkg.contributes.menus as Record<string, Array<{ command: string; when?: string }>>).flat();
    const entries = menus.filter((m) => acting.includes(m.command));
    assert.ok(entries.length >= acting.length);
    for (const m of entries) assert.match(m.when ?? '', /isWorkspaceTrusted/, `${m.command}: ${m.when}`);
    for (const command of acting) assert.ok(menus.some((m) => m.command === command && m.when?.includes('isWorkspaceTrusted')), `${command} in the palette only when trusted`);
  });
});
