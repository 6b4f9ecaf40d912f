import * as assert from 'assert';
import { Store } from '../../src/core/store/store';
import { TableSession, type TableFilter } from '../../src/core/runsTable';
import { countingTagChips } from './support/countingReads';
import { loadSql } from './support/helpers';

const T0 = 1_700_000_000;
const opts = { nowSeconds: T0 + 10_000 };
const layout = { metricStats: [], onlyDiffering: false } as const;

/** Six finished runs with a param, a metric and tags: `even` on every other run, `stage:final` on the first three. */
async function fixture(): Promise<Store> {
  const { store } = await Store.open(await loadSql());
  store.transaction(() => {
    for (let i = 0; i < 6; i++) addRun(store, `r${i}`, i, [...(i % 2 ? [] : ['even']), ...(i < 3 ? ['stage:final'] : [])]);
  });
  return store;
}

function addRun(store: Store, uid: string, i: number, tags: string[]): void {
  const id = store.createRun(uid, 'exp', `run ${i}`, `labbook/${uid}`);
  store.updateRun(id, { status: 'finished', startTime: T0 + i, endTime: T0 + i + 60 });
  store.setParams(id, { p: (i * 7) % 5 }, true);
  store.setTags(id, tags, true);
  store.insertPoints(store.seriesId(id, 'm'), [0], [i / 10], [T0 + i]);
}

const byM: TableFilter = { query: 'metrics.m > 0', sort: [{ column: 'metric:m', descending: true }] };
const byP: TableFilter = { query: 'metrics.m > 0', sort: [{ column: 'param:p', descending: false }, { column: 'metric:m', descending: false }] };

describe('runs table: tag chips when only the sort changes', () => {
  let store: Store;
  beforeEach(async () => {
    store = await fixture();
  });
  afterEach(() => store.close());

  it('a new sort of the same query reorders the runs without counting their tags again', async () => {
    const { reads, counted } = countingTagChips(store);
    const session = new TableSession(() => [{ reads, folder: 'ws' }], () => opts);
    const first = await session.apply(byM, layout);
    assert.strictEqual(counted(), 1);
    assert.deepStrictEqual(first.order, ['r5', 'r4', 'r3', 'r2', 'r1']);
    assert.deepStrictEqual(first.tags, [{ tag: 'even', count: 2 }, { tag: 'stage:final', count: 2 }]);
    const resorted = await session.apply(byP, layout);
    const back = await session.apply(byM, layout);
    assert.strictEqual(counted(), 1, 'a sort does not change which runs match, nor their tags');
    assert.deepStrictEqual(resorted.order, ['r5', 'r3', 'r1', 'r4', 'r2']);
    assert.deepStrictEqual(resorted.tags, first.tags);
    assert.deepStrictEqual(resorted.statuses, first.statuses);
    assert.deepStrictEqual(back.order, first.order);
    await session.apply({ ...byM, query: 'metrics.m > 0.25' }, layout);
    assert.strictEqual(counted(), 2, 'another query counts the chips of its runs');
  });

  it('chips are counted again after the index changed', async () => {
    const { reads, counted } = countingTagChips(store);
    const session = new TableSession(() => [{ reads, folder: 'ws' }], () => opts);
    await session.apply(byM, layout);
    store.transaction(() => store.setTags(store.runIdByUid('r4')!, ['even', 'stage:final'], true));
    await session.refresh(new Set(['r4']));
    assert.strictEqual(counted(), 2, 'the refresh counts them again');
    const after = await session.apply(byP, layout);
    assert.strictEqual(counted(), 2, 'the chips counted by the refresh serve the next sort');
    assert.deepStrictEqual(after.tags, [{ tag: 'stage:final', count: 3 }, { tag: 'even', count: 2 }]);
  });

  it('a tag edit that keeps the order brings the view its new chip counts', async () => {
    const session = new TableSession(() => [{ reads: countingTagChips(store).reads, folder: 'ws' }], () => opts);
    await session.apply(byM, layout);
    store.transaction(() => store.setTags(store.runIdByUid('r4')!, ['even', 'stage:final'], true));
    const next = await session.refresh(new Set(['r4']));
    assert.ok(next && 'result' in next, 'the chips changed: the whole result, not only the changed rows');
    assert.deepStrictEqual(next.result.order, ['r5', 'r4', 'r3', 'r2', 'r1']);
    assert.deepStrictEqual(next.result.tags, [{ tag: 'stage:final', count: 3 }, { tag: 'even', count: 2 }]);
    store.transaction(() => store.insertPoints(store.seriesId(store.runIdByUid('r4')!, 'm'), [1], [0.4], [T0 + 5]));
    const rowsOnly = await session.refresh(new Set(['r4']));
    assert.ok(rowsOnly && 'rows' in rowsOnly, 'same order and chips: only the changed rows');
  });

  it('when other runs match than when the chips were counted (a change not yet refreshed), they are counted again', async () => {
    const { reads, counted } = countingTagChips(store);
    const session = new TableSession(() => [{ reads, folder: 'ws' }], () => opts);
    await session.apply(byM, layout);
    store.transaction(() => addRun(store, 'r6', 6, ['late']));
    const after = await session.apply(byP, layout);
    assert.strictEqual(counted(), 2);
    assert.ok(after.order.includes('r6'));
    assert.ok(after.tags.some((t) => t.tag === 'late'));
  });
});
