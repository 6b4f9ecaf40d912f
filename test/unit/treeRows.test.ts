import * as assert from 'assert';
import type { RunRow } from '../../src/core/store/store';
import { coarseAgo, diffTreeModels, hasTreeChanges, shortId, treeModel } from '../../src/core/treeRows';
import { NOW, runRow, treeOptions as options } from './support/runRows';

/** A run still open (no end), last heard of at its start. */
const run = (uid: string, over: Partial<RunRow> = {}): RunRow => runRow(uid, { endTime: null, lastActivity: NOW - 7200, ...over });

describe('tree rows', () => {
  it('changes nothing when a running run only logs points', () => {
    const before = treeModel([run('a', { status: 'running', lastActivity: NOW - 1, pointCount: 10 }), run('b')], options);
    const after = treeModel([run('a', { status: 'running', lastActivity: NOW, pointCount: 500 }), run('b')], { ...options, now: NOW + 2 });
    const diff = diffTreeModels(before, after);
    assert.ok(!hasTreeChanges(diff), JSON.stringify({ ...diff, experiments: [...diff.experiments], runs: [...diff.runs] }));
  });

  it('re-renders only the run whose status changed, and its experiment when its count of running runs did', () => {
    const before = treeModel([run('a', { status: 'running', lastActivity: NOW }), run('b'), run('c', { experiment: 'other' })], options);
    const after = treeModel([run('a', { status: 'finished', lastActivity: NOW }), run('b'), run('c', { experiment: 'other' })], options);
    const diff = diffTreeModels(before, after);
    assert.deepStrictEqual([...diff.runs], ['a']);
    assert.deepStrictEqual([...diff.experiments], ['mnist']);
    assert.strictEqual(diff.experimentList, false);
  });

  it('turns a silent running run into a killed one, and only that run', () => {
    const rows = [run('a', { status: 'running', lastActivity: NOW }), run('b', { status: 'running', lastActivity: NOW + 100 })];
    const before = treeModel(rows, options);
    const after = treeModel(rows, { ...options, now: NOW + 150 });
    assert.strictEqual(after.runs.get('a')!.icon, 'killed');
    assert.strictEqual(after.runs.get('b')!.icon, 'running');
    assert.deepStrictEqual([...diffTreeModels(before, after).runs], ['a']);
  });

  it('re-renders an experiment (not the root) when a run is added to it, the root when an experiment appears', () => {
    const before = treeModel([run('a')], options);
    const added = diffTreeModels(before, treeModel([run('a'), run('b')], options));
    assert.deepStrictEqual([...added.experiments], ['mnist']);
    assert.deepStrictEqual([...added.runs], []);
    assert.strictEqual(added.experimentList, false);
    assert.strictEqual(diffTreeModels(before, treeModel([run('a'), run('z', { experiment: 'new' })], options)).experimentList, true);
  });

  it('tells apart runs of the same name in one experiment by start time, or by short id when they started together', () => {
    const m = treeModel([run('r1', { name: 'reverse', startTime: 100 }), run('r2', { name: 'reverse', startTime: 200 }), run('u', { name: 'unique' })], options);
    assert.match(m.runs.get('r1')!.description, /^started t100 · /);
    assert.match(m.runs.get('r2')!.description, /^started t200 · /);
    assert.doesNotMatch(m.runs.get('u')!.description, /started|#/);
    const same = treeModel([run('abcdef1234', { name: 'reverse', startTime: 100 }), run('fedcba9876', { name: 'reverse', startTime: 100 })], options);
    assert.match(same.runs.get('abcdef1234')!.description, /^#abcdef12 · /);
    assert.match(same.runs.get('fedcba9876')!.description, /^#fedcba98 · /);
    // Same names in different experiments are told apart by the tree already.
    const apart = treeModel([run('x', { name: 'reverse' }), run('y', { name: 'reverse', experiment: 'other' })], options);
    assert.doesNotMatch(apart.runs.get('x')!.description, /started|#/);
  });

  it('says how long ago in steps that change rarely', () => {
    assert.strictEqual(coarseAgo(NOW - 30, NOW), 'just now');
    assert.strictEqual(coarseAgo(NOW - 3 * 60, NOW), '2 min ago');
    assert.strictEqual(coarseAgo(NOW - 4 * 60 - 59, NOW), '2 min ago');
    assert.strictEqual(coarseAgo(NOW - 12 * 60, NOW), '10 min ago');
    assert.strictEqual(coarseAgo(NOW - 59 * 60, NOW), '45 min ago');
    assert.strictEqual(coarseAgo(NOW - 3 * 3600 - 5, NOW), '3 h ago');
    assert.strictEqual(coarseAgo(null, NOW), '');
    // Over a quarter of an hour of polls, a finished run's description changes at most at 10, 15 and 20 minutes.
    const labels = new Set<string>();
    for (let t = 10 * 60; t < 25 * 60; t += 2) labels.add(coarseAgo(NOW - t, NOW));
    assert.deepStrictEqual([...labels], ['10 min ago', '15 min ago', '20 min ago']);
  });

  it('hides archived runs unless asked, keeping their view for pickers', () => {
    const rows = [run('a'), run('b', { archived: true })];
    const hidden = treeModel(rows, options);
    assert.deepStrictEqual(hidden.experiments[0].runs, ['a']);
    assert.ok(hidden.runs.has('b'));
    assert.deepStrictEqual(treeModel(rows, { ...options, showArchived: true }).experiments[0].runs, ['a', 'b']);
  });

  it('leaves the live point count out of a running run tooltip, so that it does not change on every write', () => {
    const a = treeModel([run('a', { status: 'running', lastActivity: NOW, pointCount: 5 })], options).runs.get('a')!;
    assert.strictEqual(a.tooltip.points, null);
    assert.strictEqual(treeModel([run('a', { pointCount: 5 })], options).runs.get('a')!.tooltip.points, 5);
    assert.strictEqual(shortId('mlflow:mlruns/1/0123456789abcdef'), '01234567');
  });
});
