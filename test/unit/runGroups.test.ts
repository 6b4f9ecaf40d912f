// Grouping runs in the Experiments tree by a tag or a param ("Group By…").
import * as assert from 'assert';
import * as fs from 'fs';
import {
  allTagLists, groupingChoices, groupKey, groupRuns, NO_GROUP_LABEL, paramByRun, paramKeys, parseGrouping, sameGroups, tagGroupValue,
} from '../../src/core/organise/runGroups';
import { diffTreeModels, treeModel } from '../../src/core/treeRows';
import { appendEvents, header, workspace } from './support/helpers';
import { runRow as run, treeOptions as options } from './support/runRows';

describe('sidebar: grouping runs', () => {
  it('reads a tag key from key:value and key=value tags, and a plain tag as itself', () => {
    assert.strictEqual(tagGroupValue(['best', 'model:resnet'], 'model'), 'resnet');
    assert.strictEqual(tagGroupValue(['model=vit'], 'model'), 'vit');
    assert.strictEqual(tagGroupValue(['best'], 'best'), 'best');
    assert.strictEqual(tagGroupValue(['models:x', 'best'], 'model'), undefined);
    assert.deepStrictEqual(groupingChoices([['model:resnet', 'best'], ['model=vit', 'b2']], ['lr', 'batch', 'lr']), { tags: ['b2', 'best', 'model'], params: ['batch', 'lr'] });
  });

  it('groups ordered runs by value in natural order, "(none)" last, keeping the run order inside a group', () => {
    const values: Record<string, string | undefined> = { a: '10', b: '2', c: undefined, d: '2', e: '10' };
    const groups = groupRuns(['a', 'b', 'c', 'd', 'e'], (uid) => values[uid], () => 200);
    assert.deepStrictEqual(groups.map((g) => [g.label, g.count, g.runs]), [['2', 2, ['b', 'd']], ['10', 2, ['a', 'e']], [NO_GROUP_LABEL, 1, ['c']]]);
    assert.strictEqual(groups[2].value, null);
    assert.strictEqual(groups[0].description, '2 runs');
  });

  it('pages each group on its own', () => {
    const uids = Array.from({ length: 5 }, (_, i) => `r${i}`);
    const groups = groupRuns(uids, (uid) => (uid === 'r4' ? undefined : 'x'), (key) => (key === groupKey('x') ? 2 : 200));
    assert.deepStrictEqual(groups.map((g) => [g.runs.length, g.more, g.count]), [[2, 2, 4], [1, 0, 1]]);
  });

  it('keeps a group value that is no valid key apart from "(none)"', () => {
    assert.notStrictEqual(groupKey(null), groupKey('(none)'));
    assert.notStrictEqual(groupKey(null), groupKey(''));
    const groups = groupRuns(['a', 'b'], (uid) => (uid === 'a' ? '(none)' : undefined), () => 200);
    assert.strictEqual(groups.length, 2);
  });

  it('remembers only a well-formed grouping', () => {
    assert.deepStrictEqual(parseGrouping({ kind: 'param', key: 'lr' }), { kind: 'param', key: 'lr' });
    for (const bad of [undefined, null, 'lr', { kind: 'metric', key: 'x' }, { kind: 'tag', key: '' }, { kind: 'tag', key: 5 }]) assert.strictEqual(parseGrouping(bad), undefined);
  });

  it('groups the tree model, respecting the filter, and counts hidden runs of every group', () => {
    const rows = [run('a', { startTime: 3 }), run('b', { startTime: 2 }), run('c', { startTime: 1 }), run('z', { experiment: 'other' })];
    const lr: Record<string, string> = { a: '0.1', b: '0.01', c: '0.1' };
    const model = treeModel(rows, { ...options, groupOf: (uid) => lr[uid], groupPageOf: () => 1, filter: new Set(['a', 'b', 'c']) });
    assert.deepStrictEqual(model.experiments.map((e) => e.name), ['mnist']);
    const groups = model.experiments[0].groups!;
    assert.deepStrictEqual(groups.map((g) => [g.label, g.runs, g.more]), [['0.01', ['b'], 0], ['0.1', ['a'], 1]]);
    assert.deepStrictEqual(model.experiments[0].runs, ['b', 'a']);
    assert.strictEqual(model.experiments[0].more, 0);
    assert.strictEqual(model.shownRuns, 3);
    const plain = treeModel(rows, options);
    assert.strictEqual(plain.experiments[0].groups, undefined);
  });

  it('re-renders an experiment whose groups changed, and not one whose groups stayed', () => {
    const rows = [run('a'), run('b'), run('c', { experiment: 'other' })];
    const before = treeModel(rows, { ...options, groupOf: (uid) => (uid === 'a' ? 'x' : 'y') });
    const after = treeModel(rows, { ...options, groupOf: (uid) => (uid === 'a' || uid === 'b' ? 'x' : 'y') });
    assert.deepStrictEqual([...diffTreeModels(before, after).experiments], ['mnist']);
    assert.ok(sameGroups(before.experiments[1].groups, after.experiments[1].groups));
    assert.ok(!sameGroups(before.experiments[0].groups, undefined));
  });

  it('reads param values and keys and tag lists from the index', async () => {
    const ws = await workspace();
    appendEvents(ws.eventsFile('a'), [header('a', { tags: ['model:resnet'] }), { t: 'params', values: { lr: 0.1, opt: 'adam' } }]);
    appendEvents(ws.eventsFile('b'), [header('b'), { t: 'params', values: { lr: 0.01 } }]);
    await ws.indexer.sync();
    assert.deepStrictEqual([...paramByRun(ws.store, 'lr')].sort(), [['a', '0.1'], ['b', '0.01']]);
    assert.deepStrictEqual([...paramByRun(ws.store, 'opt')], [['a', 'adam']]);
    assert.deepStrictEqual(paramKeys(ws.store), ['lr', 'opt']);
    assert.deepStrictEqual(allTagLists(ws.store).sort(), [[], ['model:resnet']]);
    fs.rmSync(ws.root, { recursive: true, force: true });
  });
});
