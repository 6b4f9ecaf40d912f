import * as assert from 'assert';
import { CompareFeed, buildComparePayload, lineBudget, type ComparePayload, type CompareSource, type CompareUpdate } from '../../src/core/compare';
import { Store } from '../../src/core/store/store';
import { distinctRunColors, runColorIndex } from '../../src/core/runsTable/columns';
import { assertEnvelopeKept } from './support/envelope';
import { loadSql } from './support/helpers';
import { storeReads } from '../../src/core/worker/indexReads';
import { countingReads } from './support/countingReads';

const NOW = 1_700_000_000;
const options = { now: NOW, heartbeatTimeoutSeconds: 120, maxChartPoints: 4000 };

function addSeries(store: Store, runId: number, key: string, steps: number[], values: number[]): void {
  const id = store.seriesId(runId, key);
  store.insertPoints(id, steps, values, steps.map(() => null));
}

async function twoRuns(): Promise<{ store: Store; sources: CompareSource[]; loss: { steps: number[]; values: number[] } }> {
  const { store } = await Store.open(await loadSql());
  const long = store.createRun('long', 'proj', 'long run', 'labbook/long');
  store.updateRun(long, { status: 'finished', startTime: NOW - 100 });
  store.setParams(long, { lr: 0.1, batch: 32 }, false);
  const steps = Array.from({ length: 100_000 }, (_, i) => i);
  // A noisy decaying loss with one spike and one dip that must stay visible.
  const values = steps.map((s) => 2 * Math.exp(-s / 20_000) + 0.05 * Math.sin(s * 1.7));
  values[31_337] = 9;
  values[88_888] = -1;
  addSeries(store, long, 'train/loss', steps, values);
  const epochs = Array.from({ length: 60 }, (_, i) => i);
  addSeries(store, long, 'epoch', epochs.map((e) => e * 1000), epochs);
  const short = store.createRun('short', 'proj', 'short run', 'labbook/short');
  store.updateRun(short, { status: 'finished', startTime: NOW - 50 });
  store.setParams(short, { lr: 0.01, batch: 32 }, false);
  addSeries(store, short, 'train/loss', [0, 1, 2], [3, 2, 1]);
  const reads = storeReads(() => store);
  return { store, sources: [{ reads, uid: 'long', folder: 'ws' }, { reads, uid: 'short', folder: 'ws' }], loss: { steps, values } };
}

describe('compare payload', () => {
  it('reduces a 100k-point series to the drawing budget, keeping every bucket minimum and maximum', async () => {
    const { sources, loss } = await twoRuns();
    const payload = (await buildComparePayload(sources, options))!;
    const line = payload.series.find((s) => s.key === 'train/loss')!.lines.find((l) => l.run === 0)!;
    // Two runs share 4000 points: 2000 per line.
    assert.ok(line.steps.length <= 2000, `sent ${line.steps.length} of 100000 points, budget 2000`);
    assert.ok(line.steps.length >= 1000, `sent only ${line.steps.length} points of a 2000 budget`);
    assert.strictEqual(line.total, 100_000);
    assertEnvelopeKept(loss.steps, loss.values, line, Math.floor(2000 / 5));
    assert.ok(line.values.includes(9) && line.values.includes(-1), 'the spike and the dip are drawn');
  });

  it('sends a short series whole', async () => {
    const { sources } = await twoRuns();
    const payload = (await buildComparePayload(sources, options))!;
    const epoch = payload.series.find((s) => s.key === 'epoch')!;
    assert.strictEqual(epoch.lines.length, 1);
    assert.deepStrictEqual(epoch.lines[0].values, Array.from({ length: 60 }, (_, i) => i));
    assert.deepStrictEqual(payload.series.find((s) => s.key === 'train/loss')!.lines.find((l) => l.run === 1)!.values, [3, 2, 1]);
  });

  it('gives each metric its last value and range per run, and the parameter differences', async () => {
    const { sources } = await twoRuns();
    const payload = (await buildComparePayload(sources, options))!;
    assert.deepStrictEqual(payload.series.map((s) => s.key), ['epoch', 'train/loss']);
    const loss = payload.metrics.find((m) => m.key === 'train/loss')!;
    assert.deepStrictEqual([loss.min, loss.max, loss.last[1]], [[-1, 1], [9, 3], 1]);
    assert.deepStrictEqual(payload.metrics.find((m) => m.key === 'epoch')!.last, [59, null]);
    assert.deepStrictEqual(payload.params, [
      { key: 'batch', values: ['32', '32'], differs: false },
      { key: 'lr', values: ['0.1', '0.01'], differs: true },
    ]);
    const [long, short] = distinctRunColors(['long', 'short']);
    assert.deepStrictEqual(payload.runs.map((r) => [r.id, r.name, r.status, r.folder, r.color]), [['long', 'long run', 'finished', '', long], ['short', 'short run', 'finished', '', short]]);
  });

  it('colours each run as the runs table does, and never gives two of up to ten runs the same colour', async () => {
    const { sources } = await twoRuns();
    const payload = (await buildComparePayload(sources, options))!;
    // 'long' and 'short' have different table colours: the comparison keeps them.
    assert.notStrictEqual(runColorIndex('long'), runColorIndex('short'));
    assert.deepStrictEqual(payload.runs.map((r) => r.color), [runColorIndex('long'), runColorIndex('short')]);
    const uids = Array.from({ length: 10 }, (_, i) => `run-${i}`);
    const colors = distinctRunColors(uids);
    assert.strictEqual(new Set(colors).size, 10);
    assert.strictEqual(colors[0], runColorIndex('run-0'));
    // The same runs give the same colours wherever they are compared.
    assert.deepStrictEqual(distinctRunColors(uids), colors);
  });

  it('keeps each run its colour when another run is gone, and gives up below two runs', async () => {
    const { store, sources } = await twoRuns();
    const third = store.createRun('third', 'proj', 'third run', 'labbook/third');
    const withThird = [sources[0], { reads: storeReads(() => store), uid: 'gone', folder: 'ws' }, sources[1], { reads: storeReads(() => store), uid: 'third', folder: 'ws' }];
    const colors = distinctRunColors(withThird.map((s) => s.uid));
    assert.deepStrictEqual((await buildComparePayload(withThird, options))!.runs.map((r) => [r.id, r.color]), [['long', colors[0]], ['short', colors[2]], ['third', colors[3]]]);
    assert.ok(third > 0);
    assert.strictEqual(await buildComparePayload([sources[0], { reads: storeReads(() => store), uid: 'gone', folder: 'ws' }], options), undefined);
  });

  it('shares one chart budget among the lines of a chart, never below 64 points (32 min/max buckets) a line', () => {
    assert.deepStrictEqual([1, 2, 8, 20, 40].map((n) => lineBudget(4000, n)), [4000, 2000, 500, 200, 100]);
    // 100 runs: a chart draws 6,400 points, not 100 × 160.
    assert.deepStrictEqual([62, 100, 1000].map((n) => lineBudget(4000, n)), [64, 64, 64]);
    for (const n of [2, 5, 20, 62]) assert.ok(n * lineBudget(4000, n) <= 4000, `${n} lines share 4,000 points`);
  });

  describe('live updates', () => {
    /** The view's side: what it draws after applying an update to what it had. */
    function apply(view: ComparePayload, u: CompareUpdate): ComparePayload {
      const series = u.keys.map((key) => {
        const had = view.series.find((s) => s.key === key)?.lines ?? [];
        const lines = new Map(had.map((l) => [l.run, { ...l }]));
        for (const l of u.lines.filter((x) => x.key === key)) {
          const old = lines.get(l.run);
          lines.set(l.run, l.append && old ? { run: l.run, steps: old.steps.concat(l.steps), values: old.values.concat(l.values), times: old.times.concat(l.times), total: l.total } : { run: l.run, steps: l.steps, values: l.values, times: l.times, total: l.total });
        }
        return { key, lines: [...lines.values()].sort((a, b) => a.run - b.run) };
      });
      return { runs: u.runs, params: u.params, metrics: u.metrics, keys: u.keys, series, context: u.context };
    }

    /** Counts the points read from the index (whole, or drawn through the pyramid). */
    function counting(store: Store, sources: CompareSource[]): { sources: CompareSource[]; read: () => number } {
      const c = countingReads(store, { chartLines: true });
      return { sources: sources.map((src) => ({ ...src, reads: c.reads })), read: c.read };
    }

    it('sends nothing for runs that did not change, and reads none of their points', async () => {
      const { store, sources } = await twoRuns();
      const c = counting(store, sources);
      const feed = new CompareFeed(c.sources);
      const first = (await feed.full(options))!;
      const readFirst = c.read();
      const next = (await feed.next(options))!;
      assert.ok('update' in next);
      assert.deepStrictEqual(next.update.lines, []);
      assert.strictEqual(c.read(), readFirst, 'no point read again');
      assert.deepStrictEqual(apply(first, next.update), first);
    });

    it('sends only the new points of a growing line, and its new last value and range', async () => {
      const { store, sources } = await twoRuns();
      const c = counting(store, sources);
      const feed = new CompareFeed(c.sources);
      const first = (await feed.full(options))!;
      const short = store.getRun('short')!;
      addSeries(store, short.id, 'train/loss', [3, 4, 5], [0.5, -2, 0.25]);
      const before = c.read();
      const next = (await feed.next(options))!;
      assert.ok('update' in next);
      assert.deepStrictEqual(next.update.lines, [{ key: 'train/loss', run: 1, steps: [3, 4, 5], values: [0.5, -2, 0.25], times: [NaN, NaN, NaN], total: 6, append: true }]);
      assert.ok(c.read() - before <= 4, `read ${c.read() - before} points for 3 new ones`);
      const loss = next.update.metrics.find((m) => m.key === 'train/loss')!;
      assert.deepStrictEqual([loss.last[1], loss.min[1], loss.max[1]], [0.25, -2, 3]);
      assert.deepStrictEqual(apply(first, next.update), await buildComparePayload(sources, options));
    });

    it('sends a line whole, reduced anew, once it outgrows the budget; new metrics whole', async () => {
      const { store, sources } = await twoRuns();
      const feed = new CompareFeed(sources);
      const first = (await feed.full(options))!;
      const short = store.getRun('short')!;
      const steps = Array.from({ length: 5000 }, (_, i) => i + 3);
      addSeries(store, short.id, 'train/loss', steps, steps.map((x) => Math.cos(x)));
      addSeries(store, short.id, 'val/acc', [0, 1], [0.5, 0.6]);
      const next = (await feed.next(options))!;
      assert.ok('update' in next);
      const line = next.update.lines.find((l) => l.key === 'train/loss')!;
      assert.strictEqual(line.append, false);
      assert.ok(line.steps.length <= 2000 && line.total === 5003);
      assert.deepStrictEqual(next.update.keys, ['epoch', 'train/loss', 'val/acc']);
      assert.deepStrictEqual(apply(first, next.update), await buildComparePayload(sources, options));
    });

    it('starts over when a compared run is gone', async () => {
      const { store, sources } = await twoRuns();
      const third = store.createRun('third', 'proj', 'third run', 'labbook/third');
      addSeries(store, third, 'epoch', [0], [0]);
      const all = [...sources, { reads: storeReads(() => store), uid: 'third', folder: 'ws' }];
      const feed = new CompareFeed(all);
      await feed.full(options);
      store.deleteRun(third);
      const next = (await feed.next(options))!;
      assert.ok('full' in next);
      assert.deepStrictEqual(next.full, await buildComparePayload(all, options));
    });
  });
});
