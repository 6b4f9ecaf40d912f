import * as assert from 'assert';
import { CompareFeed, FIRST_MESSAGE_LINES, MIN_OVERVIEW_POINTS, firstCharts, type CompareSource } from '../../src/core/compare';
import { answerRange } from '../../src/core/compareRange';
import { Store } from '../../src/core/store/store';
import { storeReads, type IndexReads, type ReadName } from '../../src/core/worker/indexReads';
import { validReadArgs } from '../../src/core/worker/readArgs';
import { assertEnvelopeKept } from './support/envelope';
import { loadSql } from './support/helpers';

const RUNS = 100;
const KEYS = ['m0', 'm1', 'm2', 'm3', 'm4'];
const POINTS = 600;
const options = { now: 1_700_000_000, heartbeatTimeoutSeconds: 120, maxChartPoints: 4000 };
/** Run 37's m0 jumps to this at step 333. */
const SPIKE = 1000;

/** Run 3's m4 has no value (NaN) at step 100: a gap. */
const valueAt = (r: number, m: number, s: number) => (r === 37 && m === 0 && s === 333 ? SPIKE : r === 3 && m === 4 && s === 100 ? NaN : Math.sin(s / 9 + r) + m);

/** 100 runs of 5 metrics × 600 points (wall time 1000 + 2 × step), read through counting reads. */
async function sweep(): Promise<{ store: Store; sources: CompareSource[]; calls: Map<ReadName, number> }> {
  const { store } = await Store.open(await loadSql());
  store.transaction(() => {
    for (let r = 0; r < RUNS; r++) {
      const run = store.createRun(`r${r}`, 'sweep', `run ${r}`, `labbook/r${r}`);
      store.setParams(run, { lr: r / 1000 }, false);
      KEYS.forEach((key, m) => {
        const steps = Array.from({ length: POINTS }, (_, s) => s);
        store.insertPoints(store.seriesId(run, key), steps, steps.map((s) => valueAt(r, m, s)), steps.map((s) => 1000 + 2 * s));
      });
    }
  });
  const inner = storeReads(() => store);
  const calls = new Map<ReadName, number>();
  const reads = Object.fromEntries(Object.entries(inner).map(([name, f]) => [name, (...args: unknown[]) => {
    calls.set(name as ReadName, (calls.get(name as ReadName) ?? 0) + 1);
    return (f as (...a: unknown[]) => unknown)(...args);
  }])) as unknown as IndexReads;
  return { store, sources: Array.from({ length: RUNS }, (_, r) => ({ reads, uid: `r${r}`, folder: 'ws' })), calls };
}

describe('compare of many runs', function () {
  this.timeout(60_000);

  it('opens 100 runs with one read of the runs and one of the lines: every chart listed, the first charts drawn', async () => {
    const { sources, calls } = await sweep();
    const payload = (await new CompareFeed(sources).full(options))!;
    assert.deepStrictEqual(payload.keys, KEYS);
    // 100 lines a chart: the first two charts fit the first message's 240 lines.
    assert.deepStrictEqual(payload.series.map((s) => s.key), ['m0', 'm1']);
    assert.ok(payload.series.every((s) => s.lines.length === RUNS));
    // Every metric's values in the table, drawn or not.
    assert.deepStrictEqual(payload.metrics.map((m) => m.key), KEYS);
    assert.deepStrictEqual(payload.metrics[4].last.slice(0, 2), [valueAt(0, 4, POINTS - 1), valueAt(1, 4, POINTS - 1)]);
    // Through the index worker each read is a round-trip: 2, not one per run and per line.
    assert.deepStrictEqual(Object.fromEntries(calls), { compareRuns: 1, chartLines: 1 });
  });

  it('shares a chart\'s budget among its 100 lines, keeping every bucket\'s lowest and highest point (a spike stays)', async () => {
    const { sources } = await sweep();
    const payload = (await new CompareFeed(sources).full(options))!;
    const m0 = payload.series[0];
    const points = m0.lines.reduce((n, l) => n + l.steps.length, 0);
    assert.ok(points <= RUNS * MIN_OVERVIEW_POINTS, `${points} points in a chart of ${RUNS} lines`);
    for (const line of m0.lines) {
      assert.ok(line.steps.length >= MIN_OVERVIEW_POINTS / 2 && line.steps.length <= MIN_OVERVIEW_POINTS, `run ${line.run}: ${line.steps.length} points`);
      const steps = Array.from({ length: POINTS }, (_, s) => s);
      assertEnvelopeKept(steps, steps.map((s) => valueAt(line.run, 0, s)), line, MIN_OVERVIEW_POINTS / 4);
      assert.ok(line.times.every((t, i) => Math.abs(t - (1000 + 2 * line.steps[i])) < 1e-6), `run ${line.run}: wall times follow the steps`);
    }
    assert.ok(m0.lines[37].values.includes(SPIKE), 'the spike is drawn');
  });

  it('answers a zoom of a chart of 100 runs in one read of their lines, at most 100 points a line, as each run looked up would', async () => {
    const { sources, calls } = await sweep();
    const feed = new CompareFeed(sources);
    await feed.full(options);
    calls.clear();
    const ask = { type: 'range', key: 'm0', lo: 200, hi: 400, request: 1 } as const;
    const zoom = await answerRange(sources, ask, options.maxChartPoints, feed);
    assert.deepStrictEqual(Object.fromEntries(calls), { chartLines: 1 });
    assert.ok(zoom.type === 'range' && zoom.lines.length === RUNS && zoom.lines.every((l) => l.steps.length >= 50 && l.steps.length <= 100 && l.steps[0] >= 199 && l.steps[l.steps.length - 1] <= 401));
    assert.ok(zoom.lines[37].values.includes(SPIKE));
    assert.deepStrictEqual(zoom, await answerRange(sources, ask, options.maxChartPoints));
  });

  it('sends a chart scrolled into view once, in one read, then keeps it up to date; charts not asked for send only their values', async () => {
    const { store, sources, calls } = await sweep();
    const feed = new CompareFeed(sources);
    await feed.full(options);
    calls.clear();
    const [m4] = await feed.load(['m4']);
    assert.strictEqual(m4.key, 'm4');
    assert.strictEqual(m4.lines.length, RUNS);
    assert.ok(m4.lines.every((l, i) => l.run === i && l.steps.length <= MIN_OVERVIEW_POINTS && l.total === POINTS));
    assert.deepStrictEqual(Object.fromEntries(calls), { chartLines: 1 });
    assert.deepStrictEqual(await feed.load(['m4', 'm0', 'nope']), [], 'charts already sent and unknown keys give nothing');
    // The gap of run 3 is kept, and reaches the view as null (JSON has no NaN).
    const gap = m4.lines[3].values.findIndex((v) => Number.isNaN(v));
    assert.ok(gap >= 0 && m4.lines[3].steps[gap] === 100, 'the NaN point is drawn as a gap');
    const wire = JSON.parse(JSON.stringify({ type: 'lines', series: [m4] })) as { series: Array<{ lines: Array<{ values: Array<number | null> }> }> };
    assert.strictEqual(wire.series[0].lines[3].values[gap], null);

    // Run 5 grows in m3 (never asked for) and m4 (asked for).
    const run5 = store.getRun('r5')!;
    for (const key of ['m3', 'm4']) store.insertPoints(store.seriesId(run5.id, key), [POINTS], [-7], [5000]);
    const next = (await feed.next(options))!;
    assert.ok('update' in next);
    assert.deepStrictEqual(next.update.lines.map((l) => [l.key, l.run, l.total]), [['m4', 5, POINTS + 1]]);
    assert.ok(next.update.lines[0].values.includes(-7));
    const m3 = next.update.metrics.find((m) => m.key === 'm3')!;
    assert.deepStrictEqual([m3.last[5], m3.min[5]], [-7, -7]);
    assert.deepStrictEqual(next.update.keys, KEYS);
  });

  it('sends every chart at once when they are few, and starts a reloaded view from the first charts again', async () => {
    const { sources } = await sweep();
    const few = new CompareFeed(sources.slice(0, 3));
    const payload = (await few.full(options))!;
    assert.deepStrictEqual(payload.series.map((s) => s.key), KEYS);
    const many = new CompareFeed(sources);
    await many.full(options);
    await many.load(['m3']);
    // The view started over (a run re-read): the charts it had stay drawn.
    assert.deepStrictEqual((await many.full(options))!.series.map((s) => s.key), ['m0', 'm1', 'm3']);
    // A new view: only the first charts.
    many.restart();
    assert.deepStrictEqual((await many.full(options))!.series.map((s) => s.key), ['m0', 'm1']);
  });

  it('picks the first charts within the first message\'s lines, at least one', () => {
    const n = (counts: Record<string, number>) => (k: string) => counts[k];
    assert.deepStrictEqual(firstCharts(['a', 'b', 'c'], n({ a: 100, b: 100, c: 100 })), ['a', 'b']);
    assert.deepStrictEqual(firstCharts(['a', 'b'], n({ a: FIRST_MESSAGE_LINES + 1, b: 1 })), ['a']);
    assert.deepStrictEqual(firstCharts(['a', 'b', 'c'], n({ a: 5, b: 5, c: 5 })), ['a', 'b', 'c']);
    assert.deepStrictEqual(firstCharts([], n({})), []);
    // In the order the view shows them: sections by the part before `/` (`metrics` for none), then by key.
    assert.deepStrictEqual(firstCharts(['epoch', 'lr', 'a/x', 'z/y'], n({ epoch: 100, lr: 100, 'a/x': 100, 'z/y': 100 })), ['a/x', 'epoch']);
  });

  it('checks the index worker\'s arguments of the batched reads', () => {
    assert.ok(validReadArgs('chartLines', [[1, 2], -Infinity, Infinity, 64, false]));
    assert.ok(!validReadArgs('chartLines', [[1.5], 0, 1, 64, false]));
    assert.ok(!validReadArgs('chartLines', [['1'], 0, 1, 64, false]));
    assert.ok(!validReadArgs('chartLines', [[-1], 0, 1, 64, false]));
    assert.ok(validReadArgs('compareRuns', [['a', 'b']]));
    assert.ok(!validReadArgs('compareRuns', [[1]]));
  });
});
