import * as assert from 'assert';
import { PROBE_POINTS, stepSpanOfTimes, type PointReader } from '../../src/core/series/timeSpan';

/** Stored points (step, value, time) as a reader, counting the points it reads. */
function stored(steps: number[], times: number[]): { read: PointReader; readCount: () => number } {
  const pts = new Float64Array(steps.length * 3);
  steps.forEach((s, i) => {
    pts[i * 3] = s;
    pts[i * 3 + 1] = Math.sin(s);
    pts[i * 3 + 2] = times[i];
  });
  let n = 0;
  return {
    read: (from, to) => {
      n += to - from;
      return pts.slice(from * 3, to * 3);
    },
    readCount: () => n,
  };
}

/** The obvious answer for times that never go back: the steps of the points inside, else the ones around. */
function bruteSpan(steps: number[], times: number[], t0: number, t1: number): { lo: number; hi: number } {
  const inside = steps.filter((_, i) => times[i] >= t0 && times[i] <= t1);
  if (inside.length) return { lo: inside[0], hi: inside[inside.length - 1] };
  const after = times.findIndex((t) => t > t1);
  if (after < 0) return { lo: steps[steps.length - 1], hi: steps[steps.length - 1] };
  return { lo: steps[Math.max(0, after - 1)], hi: steps[after] };
}

describe('the step span of a wall-time range (time charts zoom through it)', () => {
  it('equals the points inside the range, or the ones around it, for sampled times with pauses and repeats', () => {
    // A GPU sampler: every 2 s, a pause of 10 min, samples sharing a second; steps count samples from 0.
    const times: number[] = [];
    let t = 1_700_000_000;
    for (let i = 0; i < 5000; i++) {
      t += i === 2500 ? 600 : i % 7 === 0 ? 0 : 2;
      times.push(t);
    }
    const steps = times.map((_, i) => i * 3);
    const { read } = stored(steps, times);
    const first = times[0];
    const last = times[times.length - 1];
    const ranges: Array<[number, number]> = [[first - 50, last + 50], [first + 100, first + 101], [first + 100.5, first + 100.7], [times[2499] + 1, times[2500] - 1],
      [first - 10, first - 1], [last + 1, last + 10], [times[10], times[10]], [last, first], [first + 3333, first + 7777]];
    for (const [a, b] of ranges) {
      assert.deepStrictEqual(stepSpanOfTimes(read, steps.length, a, b), bruteSpan(steps, times, Math.min(a, b), Math.max(a, b)), `${a - first} … ${b - first}`);
    }
  });

  it('reads a few chunks per range, however long the series', () => {
    const n = 1_000_000;
    const steps = Array.from({ length: n }, (_, i) => i);
    const times = steps.map((s) => 1_700_000_000 + s * 0.5);
    const { read, readCount } = stored(steps, times);
    assert.deepStrictEqual(stepSpanOfTimes(read, n, 1_700_100_000, 1_700_100_010), { lo: 200_000, hi: 200_020 });
    const probes = 2 * Math.ceil(Math.log2(n)) + 2;
    assert.ok(readCount() <= probes * PROBE_POINTS, `${readCount()} points read`);
  });

  it('places a point of unknown time by the nearest known one in its chunk', () => {
    const steps = Array.from({ length: 200 }, (_, i) => i);
    const times = steps.map((s) => (s % 5 === 0 ? NaN : 100 + s));
    const { read } = stored(steps, times);
    assert.deepStrictEqual(stepSpanOfTimes(read, steps.length, 150, 160), { lo: 50, hi: 59 }, 'steps 50 and 60 (NaN) sit at the times of steps 51 and 61');
    const none = stored(steps, steps.map(() => NaN));
    assert.deepStrictEqual(stepSpanOfTimes(none.read, steps.length, 150, 160), { lo: 199, hi: 199 }, 'no time known: the last point');
    assert.strictEqual(stepSpanOfTimes(read, 0, 1, 2), undefined, 'an empty series');
    assert.strictEqual(stepSpanOfTimes(read, steps.length, NaN, 2), undefined, 'not a range');
  });

  it('when time goes back, reads the slice between the edges bisection finds (documented; the overview keeps the rest)', () => {
    // A small step back (a clock adjusted by 1.5 s) moves the edges by at most the points it spans.
    const steps = Array.from({ length: 400 }, (_, i) => i);
    const nudged = steps.map((s) => 1000 + s - (s >= 200 ? 1.5 : 0));
    assert.deepStrictEqual(stepSpanOfTimes(stored(steps, nudged).read, steps.length, 1100, 1120), { lo: 100, hi: 120 });
    // A clock set back an hour after step 99: the second hour's times lie before the first's.
    const setBack = steps.map((s) => (s < 100 ? s : s - 3700));
    // Every bisection probe past step 99 sees an earlier time, so both edges end past the last point:
    // the span is the last point alone, and steps 10…20 (inside the view) are not read by this zoom.
    assert.deepStrictEqual(stepSpanOfTimes(stored(steps, setBack).read, steps.length, 10, 20), { lo: 399, hi: 399 });
    // A view of the later hour finds its points as if the first hour were not there.
    assert.deepStrictEqual(stepSpanOfTimes(stored(steps, setBack).read, steps.length, -3550, -3540), { lo: 150, hi: 160 });
  });
});
