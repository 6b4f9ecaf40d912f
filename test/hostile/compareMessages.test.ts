import * as assert from 'assert';
import { isComparePanelToHost, SAVE_DATA_LIMIT } from '../../src/protocol/comparePanel';

describe('hostile compare view messages: zoom ranges and chart saves', () => {
  const reasons: string[] = [];
  const check = (m: unknown) => isComparePanelToHost(m, (why) => reasons.push(why));

  it('takes a zoom range of integer steps only', () => {
    assert.ok(check({ type: 'range', key: 'train/loss', lo: 10, hi: 20, request: 1 }));
    assert.ok(!check({ type: 'range', key: 'train/loss', lo: 1.5, hi: 20, request: 1 }));
    assert.ok(!check({ type: 'range', key: 'train/loss', lo: 0, hi: Infinity, request: 1 }));
    assert.ok(!check({ type: 'range', key: 'train/loss', lo: '0', hi: 5, request: 1 }));
    assert.ok(!check({ type: 'range', key: 'x'.repeat(5000), lo: 0, hi: 5, request: 1 }));
    assert.ok(!check({ type: 'range', key: 'k', lo: 0, hi: 5 }), 'a field missing');
  });

  it('takes a chart scrolled into view as one key of bounded size', () => {
    assert.ok(check({ type: 'lines', key: 'val/acc' }));
    assert.ok(!check({ type: 'lines', key: 5 }));
    assert.ok(!check({ type: 'lines', key: 'x'.repeat(5000) }));
    assert.ok(!check({ type: 'lines', keys: ['a', 'b'] }), 'a list of keys is not a field it has');
  });

  it('refuses a save over its size, with a field too many, or of the wrong shape', () => {
    assert.ok(check({ type: 'save', kind: 'csv', name: 'a.csv', data: 'x,y\r\n' }));
    assert.ok(!check({ type: 'save', kind: 'csv', name: 'a.csv', data: 'x'.repeat(SAVE_DATA_LIMIT + 1) }));
    assert.ok(!check({ type: 'save', kind: 'png', name: 'a.png', data: 'data:', path: '/etc/passwd' }));
    assert.ok(!check({ type: 'save', kind: 'a-very-long-kind', name: 'a', data: '' }));
    assert.ok(reasons.every((r) => !r.includes('passwd')), 'a refusal never quotes the message');
  });
});
