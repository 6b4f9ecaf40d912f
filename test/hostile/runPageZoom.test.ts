import * as assert from 'assert';
import { Store } from '../../src/core/store/store';
import { storeReads } from '../../src/core/worker/indexReads';
import { MIN_ZOOM_POINTS } from '../../src/core/zoomRange';
import { answerRunRange } from '../../src/panels/runPageRange';
import { isRunPanelToHost } from '../../src/protocol/runPanel';
import { loadSql } from '../unit/support/helpers';

describe('hostile run page zoom requests', () => {
  const reasons: string[] = [];
  const check = (m: unknown) => isRunPanelToHost(m, (why) => reasons.push(why));
  const range = (over: Record<string, unknown> = {}) => ({ type: 'range', requestId: 1, key: 'loss', from: 10, to: 20, width: 600, ...over });

  it('takes a range of integer steps and an integer width only', () => {
    assert.ok(check(range()));
    for (const bad of [{ from: NaN }, { to: Infinity }, { width: NaN }, { from: 1.5 }, { width: '600' }, { key: 'x'.repeat(5000) }, { requestId: -0.5 }, { extra: 1 }]) {
      assert.ok(!check(range(bad)), JSON.stringify(bad));
    }
    const { width: _w, ...missing } = range();
    assert.ok(!check(missing), 'a field missing');
    assert.ok(reasons.every((r) => !r.includes('xxxx')), 'a refusal never quotes the message');
  });

  async function longRun(n: number) {
    const { store } = await Store.open(await loadSql());
    const run = store.createRun('r', 'proj', 'r', 'labbook/r');
    const steps = Array.from({ length: n }, (_, i) => i);
    // A spike at one step that every zoom level must keep.
    const values = steps.map((s) => (s === 123_456 ? 1000 : Math.sin(s / 7)));
    store.insertPoints(store.seriesId(run, 'loss'), steps, values, steps.map((s) => 1000 + s));
    return { reads: storeReads(() => store), run };
  }

  it('answers box after box with finer points, raw at the end, the spike kept all the way', async () => {
    const n = 300_000;
    const { reads, run } = await longRun(n);
    const ask = (from: number, to: number, width = 800) => answerRunRange(reads, run, range({ requestId: from, from, to, width }) as never, 4000);
    const wide = await ask(0, n - 1);
    assert.strictEqual(wide.requestId, 0);
    assert.ok(wide.series && wide.series.steps.length <= 1600 && wide.series.steps.length > 800, `wide: ${wide.series?.steps.length}`);
    assert.strictEqual(wide.series.total, n);
    assert.ok(wide.series.values.includes(1000), 'the spike survives the reduction');
    const mid = await ask(123_000, 124_000);
    assert.ok(mid.series!.steps.length <= 1600 && mid.series!.values.includes(1000));
    const raw = await ask(123_400, 123_500);
    assert.deepStrictEqual(raw.series!.steps, Array.from({ length: 103 }, (_, i) => 123_399 + i), 'every raw point, a neighbour on each side');
    assert.deepStrictEqual(raw.series!.values, raw.series!.steps.map((s) => (s === 123_456 ? 1000 : Math.sin(s / 7))));
    const reversed = await ask(123_500, 123_400);
    assert.deepStrictEqual(reversed.series!.steps, raw.series!.steps, 'ends in either order');
  });

  it('bounds a huge or tiny width, and answers an unknown key or a bad range with an error', async () => {
    const { reads, run } = await longRun(50_000);
    const huge = await answerRunRange(reads, run, range({ from: 0, to: 49_999, width: Number.MAX_SAFE_INTEGER }) as never, 4000);
    assert.ok(huge.series && huge.series.steps.length <= 4000, `huge width: ${huge.series?.steps.length} points`);
    const tiny = await answerRunRange(reads, run, range({ from: 0, to: 49_999, width: -5 }) as never, 4000);
    assert.ok(tiny.series && tiny.series.steps.length >= MIN_ZOOM_POINTS / 2 && tiny.series.steps.length <= MIN_ZOOM_POINTS, `tiny width: ${tiny.series?.steps.length} points`);
    const unknown = await answerRunRange(reads, run, range({ key: 'nope' }) as never, 4000);
    assert.deepStrictEqual([unknown.series, unknown.error], [undefined, 'the run has no such metric']);
    // Past the message check (as from a caller that skipped it): still no read with a NaN range.
    const nan = await answerRunRange(reads, run, range({ from: NaN }) as never, 4000);
    assert.deepStrictEqual([nan.series, nan.error], [undefined, 'not a step range']);
    const otherRun = await answerRunRange(reads, run + 1, range() as never, 4000);
    assert.strictEqual(otherRun.series, undefined, 'only the panel\'s own run');
  });
});
