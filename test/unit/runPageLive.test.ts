import * as assert from 'assert';
import { Store } from '../../src/core/store/store';
import { LiveSeries } from '../../src/panels/runPageLive';
import { countingReads } from './support/countingReads';
import { loadSql } from './support/helpers';

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

/** A run whose `loss` holds `steps` points (a spike at step 777), read through counting reads. */
async function liveRun(steps: number) {
  const { store } = await Store.open(await loadSql());
  const runId = store.createRun('live', 'proj', 'live run', 'labbook/live');
  const loss = store.seriesId(runId, 'loss');
  const values = range(0, steps).map((s) => Math.sin(s / 100));
  if (steps > 777) values[777] = 50;
  store.insertPoints(loss, range(0, steps), values, range(0, steps).map(() => null));
  const add = (key: string, from: number, n: number, value = 2) => store.insertPoints(store.seriesId(runId, key), range(from, n), range(from, n).map(() => value), range(from, n).map(() => null));
  return { store, runId, add, ...countingReads(store, { chartLines: true }) };
}

describe('run page live updates', () => {
  it('sends only the appended points of a long series, reading no more than them', async () => {
    const r = await liveRun(100_000);
    const live = new LiveSeries();
    const [first] = await live.full(r.reads, r.runId, 4000);
    assert.ok(first.steps.length <= 4000 && first.total === 100_000);
    for (let step = 100_000; step < 100_003; step++) {
      r.add('loss', step, 1, step);
      const before = r.read();
      const update = await live.next(r.reads, r.runId, new Map([['loss', step]]), 4000);
      assert.ok(!update.resend, 'the page is not sent everything again');
      assert.deepStrictEqual(update.append.map((s) => [s.key, s.steps, s.values, s.total]), [['loss', [step], [step], step + 1]]);
      assert.deepStrictEqual(update.replace, []);
      assert.strictEqual(r.read() - before, 1, 'points read for one appended');
    }
  });

  it('draws a series anew through its pyramid once the points the page holds outgrow half a budget more, spikes kept', async () => {
    const r = await liveRun(1000);
    const live = new LiveSeries();
    const [first] = await live.full(r.reads, r.runId, 100);
    let held = first.steps.length;
    let replaced: number | undefined;
    for (let step = 1000; step < 1200 && replaced === undefined; step += 10) {
      r.add('loss', step, 10);
      const before = r.read();
      const update = await live.next(r.reads, r.runId, new Map([['loss', step]]), 100);
      assert.ok(!update.resend);
      if (update.replace.length) {
        const [line] = update.replace;
        assert.ok(line.steps.length <= 100, `${line.steps.length} points for a budget of 100`);
        assert.strictEqual(line.steps[line.steps.length - 1], step + 9);
        assert.ok(line.values.includes(50), 'the spike is kept');
        assert.ok(r.read() - before <= 10 + 100, `read ${r.read() - before} points`);
        assert.deepStrictEqual(update.append, []);
        replaced = held;
      } else {
        held += update.append[0].steps.length;
      }
    }
    assert.ok(replaced !== undefined && replaced <= 150 && replaced > 140, `drawn anew while the page held ${replaced} points`);
  });

  it('sends a new series whole, reduced to the budget', async () => {
    const r = await liveRun(10);
    const live = new LiveSeries();
    await live.full(r.reads, r.runId, 100);
    r.add('acc', 0, 1000);
    const update = await live.next(r.reads, r.runId, new Map([['acc', 0]]), 100);
    assert.ok(!update.resend);
    assert.strictEqual(update.append[0].key, 'acc');
    assert.ok(update.append[0].steps.length <= 100 && update.append[0].total === 1000);
  });

  it('sends everything again when points land inside what the page drew', async () => {
    const r = await liveRun(100);
    const live = new LiveSeries();
    await live.full(r.reads, r.runId, 4000);
    r.add('loss', 50, 1);
    assert.deepStrictEqual(await live.next(r.reads, r.runId, new Map([['loss', 50]]), 4000), { resend: true });
  });
});
