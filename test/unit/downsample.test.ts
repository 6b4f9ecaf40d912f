import * as assert from 'assert';
import { downsampleMinMax } from '../../src/core/downsample';
import { assertEnvelopeKept } from './support/envelope';
import { prng as random } from './support/prng';

describe('downsampleMinMax', () => {
  it('returns short series unchanged', () => {
    assert.deepStrictEqual(downsampleMinMax([0, 1, 2], [3, 4, 5], 100), { steps: [0, 1, 2], values: [3, 4, 5] });
  });

  it('stays within the budget and keeps every bucket extreme, first and last point', () => {
    const n = 100_000;
    const steps = Array.from({ length: n }, (_, i) => i);
    const values = steps.map((i) => Math.sin(i / 50));
    values[12_345] = 99; // a spike
    values[77_777] = -99; // a dip
    const out = downsampleMinMax(steps, values, 1000);
    assert.ok(out.steps.length <= 1000, `got ${out.steps.length}`);
    assert.ok(out.values.includes(99));
    assert.ok(out.values.includes(-99));
    assert.strictEqual(out.steps[0], 0);
    assert.strictEqual(out.steps[out.steps.length - 1], n - 1);
    for (let i = 1; i < out.steps.length; i++) assert.ok(out.steps[i] > out.steps[i - 1], 'steps stay strictly increasing');
    assert.strictEqual(Math.max(...out.values), 99);
    assert.strictEqual(Math.min(...out.values), -99);
  });

  it('keeps NaN points so gaps stay visible', () => {
    const steps = Array.from({ length: 1000 }, (_, i) => i);
    const values = steps.map((i) => (i === 500 ? NaN : i));
    const out = downsampleMinMax(steps, values, 100);
    assert.ok(out.values.some((v) => Number.isNaN(v)));
  });

  it('handles uneven steps', () => {
    const steps = [0, 1, 2, 1000, 1001, 5000];
    const out = downsampleMinMax(steps, [1, 2, 3, 4, 5, 6], 5);
    assert.ok(out.steps.length <= 5);
    assert.deepStrictEqual([out.steps[0], out.steps[out.steps.length - 1]], [0, 5000]);
  });

  it('honours the budget and keeps every bucket minimum and maximum, for random walks, spikes and uneven steps', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rnd = random(seed);
      const n = 50 + Math.floor(rnd() * 20_000);
      const budget = 5 + Math.floor(rnd() * 3000);
      const steps: number[] = [];
      const values: number[] = [];
      let step = Math.floor(rnd() * 100);
      let v = 0;
      for (let i = 0; i < n; i++) {
        step += seed % 3 === 0 ? 1 + Math.floor(rnd() ** 4 * 500) : 1;
        v += rnd() - 0.5;
        steps.push(step);
        values.push(rnd() < 0.001 ? v * 100 : seed % 5 === 0 && rnd() < 0.01 ? NaN : v);
      }
      const out = downsampleMinMax(steps, values, budget);
      if (n <= budget) {
        assert.deepStrictEqual(out, { steps, values });
        continue;
      }
      assert.ok(out.steps.length <= budget, `seed ${seed}: ${out.steps.length} points for a budget of ${budget}`);
      assertEnvelopeKept(steps, values, out, Math.floor(budget / 5));
    }
  });
});
