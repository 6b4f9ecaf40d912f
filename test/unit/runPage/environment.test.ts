import * as assert from 'assert';
import { environmentView, filterPackages, formatDuration, formatGigabytes } from '../../../webview-ui/run/environment';

const ENV = {
  command: 'python train.py --lr 0.1',
  argv: ['train.py', '--lr', '0.1'],
  cwd: '/home/me/proj',
  pid: 4242,
  start_time: 1763892900,
  git: { commit: '3e1f00aa', branch: 'main', dirty: true, diff: 'git.diff', remote: 'https://example.org/me/proj.git', root: '/home/me/proj' },
  python: { version: '3.11.7', implementation: 'CPython', executable: '/usr/bin/python3' },
  packages: { torch: '2.3.0', Numpy: '1.26.4', 'absl-py': '2.1.0' },
  os: { system: 'Linux', release: '6.1', machine: 'x86_64', hostname: 'box', platform: 'Linux-6.1-x86_64' },
  hardware: { cpu_count: 8, cpu_model: 'AMD EPYC', memory_bytes: 33554432000, gpus: [{ index: 0, name: 'A100', memory_bytes: 42949672960, driver: '535.1' }] },
  conda: { name: 'ml' },
};

describe('run page environment', () => {
  const view = environmentView(ENV, { startTime: 1763892900, lastActivity: 1763892900 + 3725, running: false }, 'UTC');
  const section = (id: string) => view.sections.find((s) => s.id === id)!;
  const value = (id: string, label: string) => section(id).rows.find((r) => r.label === label)?.value;

  it('reads as sections in order, with no raw JSON and no package count row', () => {
    assert.deepStrictEqual(view.sections.map((s) => s.title), ['Command', 'Git', 'Python', 'System', 'Hardware', 'Times', 'Other']);
    for (const s of view.sections) for (const r of s.rows) assert.doesNotMatch(r.value, /^[{[]/, `${s.title}/${r.label} is raw JSON`);
    assert.ok(view.sections.every((s) => s.rows.every((r) => !/installed/.test(r.value))));
  });

  it('shows the command copyable and git state with the diff file', () => {
    assert.deepStrictEqual(section('command').rows[0], { label: 'command', value: 'python train.py --lr 0.1', copy: true });
    assert.strictEqual(value('git', 'commit'), '3e1f00aa');
    assert.strictEqual(value('git', 'uncommitted changes'), 'yes');
    assert.strictEqual(value('git', 'branch'), 'main');
    assert.strictEqual(view.gitDiff, 'git.diff');
    assert.strictEqual(value('git', 'diff'), undefined);
  });

  it('lists packages sorted and searchable', () => {
    assert.deepStrictEqual(view.packages.map((p) => p.name), ['absl-py', 'Numpy', 'torch']);
    assert.deepStrictEqual(filterPackages(view.packages, 'num').map((p) => p.name), ['Numpy']);
    assert.deepStrictEqual(filterPackages(view.packages, '2.3').map((p) => p.name), ['torch']);
  });

  it('gives memory in GB and times as dates and durations', () => {
    assert.strictEqual(value('hardware', 'memory'), '33.6 GB');
    assert.strictEqual(value('hardware', 'GPU 0'), 'A100, 42.9 GB, driver 535.1');
    assert.strictEqual(value('times', 'started'), '2025-11-23 10:15:00');
    assert.strictEqual(value('times', 'duration'), '1 h 02 min');
    assert.strictEqual(value('other', 'conda.name'), 'ml');
    assert.strictEqual(formatGigabytes(5e8), '500 MB');
    assert.strictEqual(formatDuration(65), '1 min 05 s');
  });

  it('takes an empty or odd environment without failing', () => {
    assert.deepStrictEqual(environmentView({}, { startTime: 0, lastActivity: 0, running: false }).sections, []);
    const odd = environmentView({ git: 'not an object', packages: [1, 2], hardware: { gpus: 'none' } }, { startTime: 0, lastActivity: 0, running: true });
    assert.deepStrictEqual(odd.packages, []);
    assert.ok(odd.sections.some((s) => s.id === 'other'));
  });
});
