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
});
