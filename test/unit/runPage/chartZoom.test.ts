import * as assert from 'assert';
import type { SeriesData } from '../../../src/protocol/runPanel';
import { ChartZoom } from '../../../webview-ui/run/chartZoom';

const series = (key: string, steps: number[]): SeriesData => ({ key, steps, values: steps.map((s) => s / 10), total: steps.length });

describe('run page chart zoom (what a zoomed chart draws)', () => {
  it('draws the finer points of the latest zoom only; a reset goes back to the overview', () => {
    const z = new ChartZoom();
    const overview = series('loss', [0, 500, 1000]);
    const [first] = z.ask('loss', ['loss']);
    const [second] = z.ask('loss', ['loss']);
    assert.strictEqual(z.answer(first.requestId, series('loss', [100, 101]), () => overview), undefined, 'an older zoom\'s answer is dropped');
    assert.strictEqual(z.answer(second.requestId, series('other', [1]), () => overview), undefined, 'an answer for another key is dropped');
    const [third] = z.ask('loss', ['loss']);
    assert.strictEqual(z.answer(third.requestId, series('loss', [200, 201, 202]), () => overview), 'loss');
    assert.deepStrictEqual(z.series('loss', 'loss', overview)!.steps, [200, 201, 202], 'the overview\'s later points are not drawn in');
    assert.strictEqual(z.isZoomed('loss'), true);
    z.reset('loss');
    assert.strictEqual(z.series('loss', 'loss', overview), overview);
    assert.strictEqual(z.isZoomed('loss'), false);
  });

  it('keeps drawing a live run\'s new points while zoomed, after the zoomed ones', () => {
    const z = new ChartZoom();
    const overview = series('loss', [0, 5, 10]);
    const [a] = z.ask('loss', ['loss']);
    z.answer(a.requestId, series('loss', [8, 9, 10]), () => overview);
    const grown = { ...series('loss', [0, 5, 10, 11, 12]), total: 13 };
    const drawn = z.series('loss', 'loss', grown)!;
    assert.deepStrictEqual(drawn.steps, [8, 9, 10, 11, 12]);
    assert.deepStrictEqual(drawn.values, [0.8, 0.9, 1, 1.1, 1.2]);
    assert.strictEqual(drawn.total, 13);
  });
});
