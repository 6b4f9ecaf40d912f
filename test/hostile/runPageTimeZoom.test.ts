import * as assert from 'assert';
import { Store } from '../../src/core/store/store';
import { storeReads } from '../../src/core/worker/indexReads';
import { answerRunRange } from '../../src/panels/runPageRange';
import { isRunPanelToHost } from '../../src/protocol/runPanel';
import { loadSql } from '../unit/support/helpers';

/** A sample every 2 s from this Unix time on; step i is the i-th sample. */
const START = 1_700_000_000;
const SPIKE = 123_456;

describe('run page charts drawn against time zoom down to raw points', () => {
  const reasons: string[] = [];
  const check = (m: unknown) => isRunPanelToHost(m, (why) => reasons.push(why));
  const timeRange = (over: Record<string, unknown> = {}) => ({ type: 'timeRange', requestId: 1, key: 'system/gpu.0.memory', from: START * 1000, to: (START + 60) * 1000, width: 600, ...over });

  it('takes a range of whole milliseconds and an integer width only', () => {
    assert.ok(check(timeRange()), reasons.join('; '));
    for (const bad of [{ from: NaN }, { to: Infinity }, { from: 1.5 }, { width: '600' }, { key: 'x'.repeat(5000) }, { extra: 1 }]) {
      assert.ok(!check(timeRange(bad)), JSON.stringify(bad));
    }
  });

  async function gpuRun(n: number) {
    const { store } = await Store.open(await loadSql());
    const run = store.createRun('r', 'proj', 'r', 'labbook/r');
    const steps = Array.from({ length: n }, (_, i) => i);
    // GPU memory with one short spike that the overview can only keep as a bucket's max.
    const values = steps.map((s) => (s === SPIKE ? 80 : 40 + Math.sin(s / 50)));
    store.insertPoints(store.seriesId(run, 'system/gpu.0.memory'), steps, values, steps.map((s) => START + 2 * s));
    return { reads: storeReads(() => store), run };
  }

  it('answers a time box with the points of that wall-time range, raw once few enough, the spike kept', async () => {
    const n = 300_000;
    const { reads, run } = await gpuRun(n);
    const ask = (t0: number, t1: number, width = 800) => answerRunRange(reads, run, timeRange({ from: t0 * 1000, to: t1 * 1000, width }) as never, 4000);
    const wide = await ask(START, START + 2 * n);
    assert.ok(wide.series && wide.series.steps.length <= 1600 && wide.series.steps.length > 800, `wide: ${wide.series?.steps.length}`);
    assert.ok(wide.series.values.includes(80), 'the spike survives the reduction');
    const at = START + 2 * SPIKE;
    const mid = await ask(at - 3000, at + 3000);
    assert.ok(mid.series!.steps.length <= 1600 && mid.series!.values.includes(80));
    // Five minutes around the spike: 150 samples each side, all raw, with a neighbour past each edge.
    const raw = await ask(at - 300, at + 300);
    const want = Array.from({ length: 303 }, (_, i) => SPIKE - 151 + i);
    assert.deepStrictEqual(raw.series!.steps, want, 'every raw point of the five minutes');
    assert.deepStrictEqual(raw.series!.times, want.map((s) => START + 2 * s), 'with their wall times');
    assert.strictEqual(raw.series!.values[151], 80);
    const between = await ask(at + 0.5, at + 1.5);
    assert.deepStrictEqual(between.series!.steps, [SPIKE - 1, SPIKE, SPIKE + 1, SPIKE + 2], 'between two samples: the ones around the view');
  });

  it('answers a range that is not one, or a series with no points, without reading a made-up line', async () => {
    const { reads, run } = await gpuRun(1000);
    const nan = await answerRunRange(reads, run, timeRange({ from: NaN }) as never, 4000);
    assert.deepStrictEqual([nan.series, nan.error], [undefined, 'not a time range']);
    const unknown = await answerRunRange(reads, run, timeRange({ key: 'system/nope' }) as never, 4000);
    assert.deepStrictEqual([unknown.series, unknown.error], [undefined, 'the run has no such metric']);
    const { store } = await Store.open(await loadSql());
    const empty = store.createRun('e', 'proj', 'e', 'labbook/e');
    store.seriesId(empty, 'system/cpu');
    const none = await answerRunRange(storeReads(() => store), empty, timeRange({ key: 'system/cpu' }) as never, 4000);
    assert.deepStrictEqual(none.series?.steps, [], 'no points, no line');
  });
});
