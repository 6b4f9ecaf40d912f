import * as assert from 'assert';
import { buildComparePayload, type CompareSource } from '../../src/core/compare';
import { compareRange } from '../../src/core/compareRange';
import { Store } from '../../src/core/store/store';
import { loadSql } from './support/helpers';
import { countingReads } from './support/countingReads';

describe('compare view reads through the level-of-detail pyramid', () => {
  it('builds the payload of a 1 M-point series without reading its points whole, keeping every spike', async function () {
    this.timeout(60_000);
    const { store } = await Store.open(await loadSql());
    const n = 1_000_000;
    const steps = Array.from({ length: n }, (_, i) => i);
    for (const uid of ['a', 'b']) {
      const run = store.createRun(uid, 'proj', uid, `labbook/${uid}`);
      const values = steps.map((s) => Math.cos(s / 1000));
      values[123_457] = 50;
      values[876_543] = -50;
      const id = store.seriesId(run, 'loss');
      store.insertPoints(id, steps, values, steps.map((s) => 1000 + 2 * s));
    }
    const c = countingReads(store, { chartLines: false });
    const sources: CompareSource[] = [{ reads: c.reads, uid: 'a', folder: 'ws' }, { reads: c.reads, uid: 'b', folder: 'ws' }];
    const payload = (await buildComparePayload(sources, { now: 0, heartbeatTimeoutSeconds: 120, maxChartPoints: 4000 }))!;
    assert.strictEqual(c.read(), 0, `getPoints read ${c.read()} points`);
    for (const line of payload.series[0].lines) {
      assert.ok(line.steps.length <= 2000 && line.steps.length >= 1000, `sent ${line.steps.length} points of a 2000 budget`);
      assert.strictEqual(line.total, n);
      assert.ok(line.values.includes(50) && line.values.includes(-50), 'the spike and the dip are drawn');
      assert.ok(line.steps.every((s, i) => i === 0 || s > line.steps[i - 1]), 'steps ascending');
      // Wall times follow the steps (here exactly linear, so the interpolation is exact).
      assert.ok(line.times.every((t, i) => Math.abs(t - (1000 + 2 * line.steps[i])) < 1e-6), 'times match the steps');
    }
    assert.deepStrictEqual(payload.metrics[0].max, [50, 50]);
    assert.deepStrictEqual(payload.metrics[0].min, [-50, -50]);
    const zoomed = await compareRange(sources, 'loss', 500_000, 500_100, 2000);
    assert.deepStrictEqual(zoomed[0].steps, Array.from({ length: 103 }, (_, i) => 499_999 + i), 'raw points with a neighbour on each side');
    assert.strictEqual(c.read(), 0, 'zooming reads no whole series either');
  });
});
