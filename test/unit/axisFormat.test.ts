import * as assert from 'assert';
import { formatAxisNumber, formatX } from '../../webview-ui/shared/xAxis';

describe('Axis labels of steps and metric values', () => {
  it('print large steps with separators, the same on the run page and in Compare', () => {
    assert.strictEqual(formatAxisNumber(2_500_000), '2,500,000');
    assert.strictEqual(formatX('step', 2_500_000), '2,500,000');
  });

  it('print a zoomed axis\'s fractional edges from 1,000 up as whole steps', () => {
    assert.strictEqual(formatAxisNumber(49_746.1), '49,746');
    assert.strictEqual(formatAxisNumber(50_248.6), '50,249');
  });

  it('keep small fractions (an epoch axis) with four significant digits', () => {
    assert.strictEqual(formatAxisNumber(0.5), '0.5');
    assert.strictEqual(formatAxisNumber(2.123456), '2.123');
    assert.strictEqual(formatAxisNumber(-12), '-12');
    assert.strictEqual(formatAxisNumber(NaN), '');
  });
});
