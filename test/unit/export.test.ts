import * as assert from 'assert';
import { metricsCsv } from '../../src/core/export';

describe('export: metrics as CSV', () => {
  it('writes one row per step and one column per metric, empty where a metric has no value', () => {
    const csv = metricsCsv([
      { key: 'val/loss', steps: [0, 10], values: [2, 1.5] },
      { key: 'train/loss', steps: [0, 1, 2, 10], values: [3, 2.5, NaN, 1] },
      { key: 'odd, "key"', steps: [1], values: [-Infinity] },
    ]);
    assert.strictEqual(csv, [
      'step,"odd, ""key""",train/loss,val/loss',
      '0,,3,2',
      '1,-Infinity,2.5,',
      '2,,NaN,',
      '10,,1,1.5',
      '',
    ].join('\n'));
  });

  it('writes only the header when there are no metrics', () => {
    assert.strictEqual(metricsCsv([]), 'step\n');
  });
});
