import * as assert from 'assert';
import { type CompareSource } from '../../src/core/compare';
import { compareRange } from '../../src/core/compareRange';
import { downsampleRange } from '../../src/core/downsample';
import { Store } from '../../src/core/store/store';
import { storeReads } from '../../src/core/worker/indexReads';
import { loadSql } from './support/helpers';

describe('compare view zoom (finer points within a step range)', () => {
  it('ends at the raw points when zoomed far enough into a long series', async () => {
    const { store } = await Store.open(await loadSql());
    const n = 200_000;
    const steps = Array.from({ length: n }, (_, i) => i);
    const values = steps.map((s) => Math.sin(s / 7));
    for (const uid of ['a', 'b']) {
      const run = store.createRun(uid, 'proj', uid, `labbook/${uid}`);
      const id = store.seriesId(run, 'loss');
      store.insertPoints(id, steps, values, steps.map((s) => 1000 + s));
    }
    const reads = storeReads(() => store);
    const sources: CompareSource[] = [{ reads, uid: 'a', folder: 'ws' }, { reads, uid: 'b', folder: 'ws' }];
    const wide = await compareRange(sources, 'loss', 0, n - 1, 2000);
    assert.strictEqual(wide.length, 2);
    assert.ok(wide[0].steps.length <= 2000 && wide[0].steps.length > 1000, `wide: ${wide[0].steps.length}`);
    const mid = await compareRange(sources, 'loss', 100_000, 140_000, 2000);
    assert.ok(mid[0].steps[0] >= 99_999 && mid[0].steps[mid[0].steps.length - 1] <= 140_001);
    const raw = await compareRange(sources, 'loss', 123_400, 123_900, 2000);
    assert.deepStrictEqual(raw[1].steps, Array.from({ length: 503 }, (_, i) => 123_399 + i), 'every raw point, a neighbour on each side');
    assert.deepStrictEqual(raw[1].values, raw[1].steps.map((s) => Math.sin(s / 7)));
    assert.deepStrictEqual(raw[1].times, raw[1].steps.map((s) => 1000 + s));
    assert.strictEqual(raw[1].total, n);
    assert.deepStrictEqual(await compareRange(sources, 'nope', 0, 10, 2000), []);
  });

  it('cuts a range without points to nothing and keeps both ends of a sparse one', () => {
    const pts = { steps: [0, 100, 200, 300], values: [1, 2, 3, 4], times: [0, 1, 2, 3] };
    assert.deepStrictEqual(downsampleRange(pts, 120, 180, 100).steps, [100, 200]);
    assert.deepStrictEqual(downsampleRange(pts, 400, 500, 100).steps, [300]);
    assert.deepStrictEqual(downsampleRange({ steps: [], values: [], times: [] }, 0, 1, 100).steps, []);
  });
});
