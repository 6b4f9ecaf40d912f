import * as assert from 'assert';
import { flattenParams, paramDiff } from '../../src/core/diff';
import { isComparePanelToHost } from '../../src/protocol/comparePanel';

describe('parameter diff', () => {
  it('flattens nested params with dots, keeping arrays and empty objects as values', () => {
    assert.deepStrictEqual(flattenParams({ lr: 0.1, opt: { name: 'adam', betas: [0.9, 0.99], extra: {} } }), { lr: 0.1, 'opt.name': 'adam', 'opt.betas': [0.9, 0.99], 'opt.extra': {} });
  });

  it('gives a row per parameter of any run, marking rows where the runs disagree or one lacks it', () => {
    const rows = paramDiff([
      { lr: 0.1, epochs: 10, opt: { name: 'adam', betas: [0.9, 0.99] }, tags: { a: 1, b: 2 }, seed: 0 },
      { lr: 0.01, epochs: 10, opt: { name: 'adam', betas: [0.9, 0.99] }, tags: { b: 2, a: 1 }, seed: 0, dropout: 0.5 },
      { lr: 0.1, epochs: 10.0, opt: { name: 'sgd', betas: [0.9, 0.999] }, tags: { a: 1, b: 2 }, seed: null },
    ]);
    assert.deepStrictEqual(
      rows.map((r) => [r.key, r.differs]),
      [['dropout', true], ['epochs', false], ['lr', true], ['opt.betas', true], ['opt.name', true], ['seed', true], ['tags.a', false], ['tags.b', false]],
    );
    assert.deepStrictEqual(rows.find((r) => r.key === 'dropout')!.values, [undefined, 0.5, undefined]);
    assert.deepStrictEqual(rows.find((r) => r.key === 'seed')!.values, [0, 0, null], 'null is a value, not a missing one');
  });

  it('treats NaN and infinities as equal to themselves', () => {
    assert.deepStrictEqual(paramDiff([{ a: NaN, b: Infinity }, { a: NaN, b: -Infinity }]).map((r) => r.differs), [false, true]);
  });

  it('accepts only well-formed messages from the compare webview', () => {
    assert.ok(isComparePanelToHost({ type: 'ready' }));
    assert.ok(isComparePanelToHost({ type: 'openRun', id: 'r1' }));
    assert.ok(!isComparePanelToHost({ type: 'openRun' }));
    assert.ok(!isComparePanelToHost({ type: 'openArtifact', path: 'x' }));
    assert.ok(!isComparePanelToHost(null));
  });
});
