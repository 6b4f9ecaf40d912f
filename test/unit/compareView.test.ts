import * as assert from 'assert';
import { emaSmooth, runningMean, smooth, timeWeightedEma, windowFor } from '../../webview-ui/shared/smoothing';
import { formatDuration, stepSpan, xValues } from '../../webview-ui/shared/xAxis';
import { groupBand, groupLabel } from '../../webview-ui/shared/grouping';
import { correlations, metricColumn, paramColumn, pearson } from '../../webview-ui/shared/analysis';
import { axisValue, brushedRuns, pcpAxis } from '../../webview-ui/shared/pcpModel';
import { fileNameFor, toCsv } from '../../webview-ui/shared/csv';

const close = (a: readonly number[], b: readonly number[], eps = 1e-9) => {
  assert.strictEqual(a.length, b.length);
  a.forEach((v, i) => assert.ok(v === b[i] || Math.abs(v - b[i]) < eps || (Number.isNaN(v) && Number.isNaN(b[i])), `at ${i}: ${v} vs ${b[i]}`));
};

/** TensorBoard's smoothing, written as its dashboard does (tf_line_chart_data_loader / vz_line_chart2). */
function tensorboard(ys: number[], weight: number): number[] {
  let last = ys.length > 0 ? 0 : NaN;
  let numAccum = 0;
  const isConstant = ys.every((v) => v === ys[0]);
  return ys.map((nextVal) => {
    if (isConstant || !Number.isFinite(nextVal)) return nextVal;
    last = last * weight + (1 - weight) * nextVal;
    numAccum++;
    let debiasWeight = 1;
    if (weight !== 1) debiasWeight = 1 - Math.pow(weight, numAccum);
    return last / debiasWeight;
  });
}

describe('smoothing', () => {
  it('is TensorBoard\'s debiased EMA on known inputs', () => {
    close(emaSmooth([1, 2, 3], 0.5), [1, 1.25 / 0.75, 2.125 / 0.875]);
    close(emaSmooth([10, 0, 10, 0], 0.6), tensorboard([10, 0, 10, 0], 0.6));
  });

  it('matches TensorBoard\'s formula on a noisy series, with NaN and Infinity passed through', () => {
    const ys = Array.from({ length: 500 }, (_, i) => Math.exp(-i / 100) + Math.sin(i * 12.9898) * 0.1);
    ys[100] = NaN;
    ys[200] = Infinity;
    for (const w of [0, 0.3, 0.6, 0.9, 0.99]) close(smooth('ema', [], ys, w).map((v, i) => (w === 0 ? ys[i] : v)), w === 0 ? ys : tensorboard(ys, w));
  });

  it('leaves a constant line as it is and the first point unbiased', () => {
    assert.deepStrictEqual(emaSmooth([3, 3, 3], 0.9), [3, 3, 3]);
    assert.strictEqual(emaSmooth([5, 1], 0.99)[0], 5);
  });

  it('time-weighted EMA equals the EMA on even steps and weighs a long gap less', () => {
    const ys = [4, 2, 8, 1, 7, 3];
    close(timeWeightedEma([0, 1, 2, 3, 4, 5], ys, 0.7), emaSmooth(ys, 0.7));
    close(timeWeightedEma([0, 10, 20, 30, 40, 50], ys, 0.7), emaSmooth(ys, 0.7));
    // After a gap ten times the usual, the old values count for (almost) nothing.
    const uneven = timeWeightedEma([0, 1, 2, 3, 200], [0, 0, 0, 0, 10], 0.5);
    assert.ok(uneven[4] > 9.9, `got ${uneven[4]}`);
    assert.ok(emaSmooth([0, 0, 0, 0, 10], 0.5)[4] < 6);
  });

  it('running average keeps the last k points', () => {
    close(runningMean([1, 2, 3, 4, 5], 2), [1, 1.5, 2.5, 3.5, 4.5]);
    assert.strictEqual(windowFor(0.9), 10);
    close(smooth('mean', [], [2, NaN, 4], 0.5), [2, NaN, 3]);
  });
});

describe('x axis', () => {
  const line = { steps: [0, 10, 20, 30], times: [100, 101, null, 105] };
  it('places points by step, wall time and time since the run started', () => {
    assert.deepStrictEqual(xValues({ kind: 'step' }, line, 90), [0, 10, 20, 30]);
    close(xValues({ kind: 'wall' }, line, 90), [100, 101, NaN, 105]);
    close(xValues({ kind: 'relative' }, line, 90), [10, 11, NaN, 15]);
    close(xValues({ kind: 'relative' }, line, null), [0, 1, NaN, 5]);
  });

  it('places points by another metric\'s value at their step, linear between its logged values', () => {
    const epoch = { steps: [5, 20], values: [0, 1] };
    close(xValues({ kind: 'metric', metric: 'epoch' }, line, null, epoch), [NaN, 1 / 3, 1, 1]);
    close(xValues({ kind: 'metric', metric: 'epoch' }, line, null, undefined), [NaN, NaN, NaN, NaN]);
  });

  it('turns a zoomed x range back into the steps it covers, with a neighbour on each side', () => {
    assert.deepStrictEqual(stepSpan([0, 1, 2, 3, 4], [0, 10, 20, 30, 40], 1.5, 3.2), { lo: 10, hi: 40 });
    assert.strictEqual(stepSpan([0, 1], [0, 10], 5, 6), undefined);
    assert.strictEqual(formatDuration(3725), '1h02m');
  });
});

describe('grouping', () => {
  it('labels runs by param, tag and experiment', () => {
    const run = { project: 'mnist', tags: ['b', 'a'] };
    assert.strictEqual(groupLabel({ kind: 'param', key: 'lr' }, run, '0.1'), 'lr=0.1');
    assert.strictEqual(groupLabel({ kind: 'tag' }, run, null), 'a, b');
    assert.strictEqual(groupLabel({ kind: 'experiment' }, run, null), 'mnist');
  });

  it('gives the mean, min, max and std across the runs at each x, counting only runs that reach it', () => {
    const band = groupBand([{ xs: [0, 10], ys: [0, 10] }, { xs: [0, 10], ys: [2, 2] }, { xs: [0, 5], ys: [4, 4] }], 3);
    close(band.xs, [0, 5, 10]);
    close(band.mean, [2, (5 + 2 + 4) / 3, 6]);
    close(band.min, [0, 2, 2]);
    close(band.max, [4, 5, 10]);
    assert.deepStrictEqual(band.count, [3, 3, 2]);
    close([band.std[2]], [4]);
  });
});

describe('analysis columns', () => {
  it('reads numeric params as numbers and others as categories', () => {
    assert.deepStrictEqual(paramColumn('lr', ['0.1', null, '1e-3']).values, [0.1, null, 0.001]);
    const opt = paramColumn('opt', ['"adam"', 'sgd', null]);
    assert.strictEqual(opt.numeric, false);
  });

  it('correlates each numeric param with a metric, strongest first', () => {
    const target = metricColumn('acc', [1, 2, 3, 4]);
    const up = paramColumn('up', ['1', '2', '3', '4']);
    const down = paramColumn('down', ['8', '6', '5', '1']);
    const flat = paramColumn('flat', ['1', '1', '1', '1']);
    const cat = paramColumn('cat', ['a', 'b', 'a', 'b']);
    assert.ok(Math.abs(pearson(up.values, target.values)!.r - 1) < 1e-12);
    const order = correlations([flat, down, up, cat], target);
    assert.deepStrictEqual(order.map((c) => c.key), ['up', 'down', 'flat']);
    assert.strictEqual(order[2].r, null);
  });
});

describe('parallel coordinates model', () => {
  it('builds linear, log and categorical axes and filters runs by brushes', () => {
    const lr = pcpAxis(paramColumn('lr', ['0.001', '0.01', '0.1', null]), true);
    assert.strictEqual(lr.scale, 'log');
    close(lr.positions.map((p) => p ?? NaN), [0, 0.5, 1, NaN]);
    assert.ok(Math.abs(axisValue(lr, 0.5) - 0.01) < 1e-12);
    const opt = pcpAxis(paramColumn('opt', ['sgd', 'adam', 'sgd', 'adam']), false);
    assert.deepStrictEqual(opt.categories, ['adam', 'sgd']);
    const acc = pcpAxis(metricColumn('acc', [0.5, 0.7, 0.9, 0.6]), false);
    assert.strictEqual(acc.scale, 'linear');
    const axes = [lr, opt, acc];
    assert.deepStrictEqual(brushedRuns(axes, new Map(), 4), [0, 1, 2, 3]);
    assert.deepStrictEqual(brushedRuns(axes, new Map([[acc.id, { lo: 0.4, hi: 1 }]]), 4), [1, 2]);
    assert.deepStrictEqual(brushedRuns(axes, new Map([[acc.id, { lo: 0.4, hi: 1 }], [opt.id, { lo: 0.9, hi: 1 }]]), 4), [2]);
    // A run without a value on a brushed axis is out.
    assert.deepStrictEqual(brushedRuns(axes, new Map([[lr.id, { lo: 0, hi: 1 }]]), 4), [0, 1, 2]);
    // Log asked for values that are not all positive: linear.
    assert.strictEqual(pcpAxis(paramColumn('x', ['0', '1']), true).scale, 'linear');
  });
});

describe('chart CSV', () => {
  it('quotes, and disarms cells a spreadsheet would run as formulas', () => {
    assert.strictEqual(toCsv(['run', 'value'], [['=cmd()', -1.5], ['a,"b"', null], ['-x', NaN]]), 'run,value\r\n\'=cmd(),-1.5\r\n"a,""b""",\r\n\'-x,NaN\r\n');
    assert.strictEqual(fileNameFor('train/loss vs step', 'png'), 'train_loss_vs_step.png');
  });
});
