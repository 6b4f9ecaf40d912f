// Sweeps in the Experiments tree model: under their experiment, described by strategy, progress,
// best value and running agents, and re-rendered only where something changed.
import * as assert from 'assert';
import type { RunRow } from '../../../src/core/store/store';
import { diffTreeModels, treeModel } from '../../../src/core/treeRows';
import { parseDefinition, summarize, TrialLog } from '../../../src/core/sweeps/sweepState';

const def = parseDefinition({ id: 'sw-1', name: 'lr search', experiment: 'mnist', strategy: 'bayesian', parameters: { lr: {}, opt: {} }, objective: { metric: 'acc', goal: 'maximize' }, max_trials: 50 }, 'sw-1');
const NOW = 1_800_000_000;

function model(records: Array<Record<string, unknown>>) {
  const log = new TrialLog();
  for (const r of records) log.apply(r);
  return treeModel([], { now: NOW, heartbeatTimeoutSeconds: 120, showArchived: false, sweeps: [summarize(def, log, 'labbook/_sweeps/sw-1', NOW)] });
}

describe('sweeps in the tree model', () => {
  const base = [
    { t: 'suggest', trial: 0, time: NOW - 10, agent: 'a:1', params: { lr: 0.01, opt: 'adam' } },
    { t: 'complete', trial: 0, time: NOW - 9, value: 0.91 },
    { t: 'suggest', trial: 1, time: NOW - 5, agent: 'a:1', params: { lr: 0.1, opt: 'sgd' } },
    { t: 'suggest', trial: 2, time: NOW - 5, agent: 'b:2', params: { lr: 0.2, opt: 'sgd' } },
  ];

  it('shows a sweep under its experiment even before any trial run is indexed', () => {
    const m = model(base);
    assert.deepStrictEqual(m.experiments.map((e) => [e.name, e.description, e.sweeps]), [['mnist', '0 runs · 1 sweep', ['sw-1']]]);
    const view = m.sweeps.get('sw-1')!;
    assert.strictEqual(view.description, 'bayesian · 1 / 50 · best 0.91 · 2 agents running');
    assert.deepStrictEqual(view.trials.map((t) => t.description), ['0.91 · lr=0.01, opt=adam', 'running · lr=0.1, opt=sgd', 'running · lr=0.2, opt=sgd']);
    assert.strictEqual(view.trials[0].runId, null, 'no run in the index: the trial does not open one');
  });

  it('shows the best value without float noise in the tooltip', () => {
    const m = model([{ t: 'suggest', trial: 0, time: NOW - 10, agent: 'a:1', params: { lr: 0.03 } }, { t: 'complete', trial: 0, time: NOW - 9, value: 0.9400000000000001 }]);
    assert.match(m.sweeps.get('sw-1')!.tooltip, /Best: acc = 0\.94 \(trial 0\)/);
  });

  it('re-renders one trial when only it changed, the sweep row when its text or trial list changed', () => {
    const before = model(base);
    const heartbeat = diffTreeModels(before, model([...base, { t: 'heartbeat', trial: 1, time: NOW - 1 }]));
    assert.deepStrictEqual([heartbeat.sweeps.size, heartbeat.trials.size, heartbeat.experiments.size], [0, 0, 0], 'a heartbeat changes no row');
    const failed = diffTreeModels(before, model([...base, { t: 'fail', trial: 2, time: NOW - 1 }]));
    assert.deepStrictEqual([...failed.sweeps], ['sw-1'], 'progress changed: the sweep row');
    const pruneWithoutProgress = diffTreeModels(model([...base, { t: 'run', trial: 1, run_id: 'r1' }]), model([...base, { t: 'run', trial: 1, run_id: 'r2' }]));
    assert.deepStrictEqual([pruneWithoutProgress.sweeps.size, pruneWithoutProgress.trials.size], [0, 0], 'a run id not in the index changes nothing');
    const stopped = diffTreeModels(before, model([...base, { t: 'stop', time: NOW }]));
    assert.deepStrictEqual([...stopped.sweeps], ['sw-1']);
    assert.strictEqual(model([...base, { t: 'stop', time: NOW }]).sweeps.get('sw-1')!.contextValue, 'sweep.stopped');
    const added = diffTreeModels(before, model([...base, { t: 'suggest', trial: 3, time: NOW, agent: 'a:1', params: {} }]));
    assert.deepStrictEqual([...added.sweeps], ['sw-1']);
  });

  it('re-renders only the trial whose run reached the index', () => {
    const records = [...base, { t: 'run', trial: 0, time: NOW - 9, run_id: 'r0' }];
    const log = new TrialLog();
    for (const r of records) log.apply(r);
    const sweeps = [summarize(def, log, 'labbook/_sweeps/sw-1', NOW)];
    const row: RunRow = {
      id: 1, uid: 'r0', experiment: 'mnist', name: 'r0', description: '', status: 'finished', statusMessage: null, startTime: NOW - 10, endTime: null,
      lastActivity: NOW - 9, note: '', folder: 'labbook/r0', source: 'labbook', formatVersion: 1, pointCount: 1, deleted: false, archived: false,
    };
    const before = treeModel([], { now: NOW, heartbeatTimeoutSeconds: 120, showArchived: false, sweeps });
    const after = treeModel([row], { now: NOW, heartbeatTimeoutSeconds: 120, showArchived: false, sweeps });
    const d = diffTreeModels(before, after);
    assert.deepStrictEqual([[...d.sweeps], [...d.trials]], [[], ['sw-1#0']]);
    assert.strictEqual(after.sweeps.get('sw-1')!.trials[0].runId, 'r0');
  });

  describe('trial runs appear once, under their sweep', () => {
    const runRow = (uid: string, over: Partial<RunRow> = {}): RunRow => ({
      id: 1, uid, experiment: 'mnist', name: uid, description: '', status: 'finished', statusMessage: null, startTime: NOW - 100, endTime: null,
      lastActivity: NOW - 90, note: '', folder: `labbook/${uid}`, source: 'labbook', formatVersion: 1, pointCount: 1, deleted: false, archived: false, ...over,
    });
    // Trial 0's run is named by the log; trial 1's (a command agent's, still running) only by its tags.
    const records = [...base, { t: 'run', trial: 0, time: NOW - 9, run_id: 'r0' }];
    const tags: Record<string, string[]> = { r1: ['sweep:sw-1', 'trial:1'], plain: ['baseline'], other: ['sweep:gone', 'trial:0'] };
    const build = (rows: RunRow[], extra: Partial<Parameters<typeof treeModel>[1]> = {}) => {
      const log = new TrialLog();
      for (const r of records) log.apply(r);
      return treeModel(rows, { now: NOW, heartbeatTimeoutSeconds: 120, showArchived: false, sweeps: [summarize(def, log, 'labbook/_sweeps/sw-1', NOW)], tags: (uid) => tags[uid] ?? [], ...extra });
    };

    it('lists a sweep\'s trial runs under the sweep only; the experiment still counts every run it has', () => {
      const m = build([runRow('r0'), runRow('r1', { status: 'running', lastActivity: NOW }), runRow('plain'), runRow('other')]);
      const mnist = m.experiments.find((e) => e.name === 'mnist')!;
      assert.deepStrictEqual([...mnist.runs].sort(), ['other', 'plain'], 'a run of a sweep not in the folder stays in the list');
      assert.strictEqual(mnist.more, 0);
      assert.strictEqual(mnist.description, '4 runs · 1 running · 1 sweep');
      assert.deepStrictEqual(m.sweeps.get('sw-1')!.trials.map((t) => t.runId), ['r0', 'r1', null], 'a running trial opens its run, found by its tags');
      assert.ok(m.runs.has('r0') && m.runs.has('r1'), 'trial runs keep their run view (commands and pickers use it)');
    });

    it('a trial run moved to another experiment stays listed there, and still opens from its trial', () => {
      const m = build([runRow('r0', { experiment: 'elsewhere' }), runRow('plain')]);
      assert.deepStrictEqual(m.experiments.find((e) => e.name === 'elsewhere')?.runs, ['r0']);
      assert.strictEqual(m.sweeps.get('sw-1')!.trials[0].runId, 'r0');
    });

    it('pages count only the listed runs, and the newest run tagged with a trial is its run', () => {
      const rows = [runRow('r1', { startTime: NOW - 50 }), runRow('r1-retry', { startTime: NOW - 10 }), ...Array.from({ length: 3 }, (_, i) => runRow(`p${i}`))];
      tags['r1-retry'] = ['trial:1', 'sweep:sw-1'];
      const m = build(rows, { pageOf: () => 2 });
      const mnist = m.experiments.find((e) => e.name === 'mnist')!;
      assert.deepStrictEqual([mnist.runs.length, mnist.more], [2, 2], 'r1 (an older run of trial 1) and three others listed');
      assert.ok(!mnist.runs.includes('r1-retry'));
      assert.strictEqual(m.sweeps.get('sw-1')!.trials[1].runId, 'r1-retry');
      assert.deepStrictEqual(m.experiments.find((e) => e.name === 'mnist')!.runs.filter((u) => u.startsWith('r1')), ['r1'], 'an older run of the same trial is not its run and stays listed');
    });
  });
});

