import * as assert from 'assert';
import { deviceFamily, naturalCompare, planPage, systemCategory } from '../../../webview-ui/run/metricLayout';
import { formatNumber, metricGoal, summarizeMetric } from '../../../webview-ui/run/metricSummary';
import { findWandbRuns, readWandbRun } from '../../../src/core/importers/wandb';
import { trackerFixtures } from '../support/helpers';

const many = (key: string, total = 10) => ({ key, total });

describe('run page layout of metrics', () => {
  it('draws a per-device family as one chart with a line per device, in device order', () => {
    const cpus = Array.from({ length: 24 }, (_, i) => many(`system/cpu.${i}.cpu_percent`));
    const plan = planPage([many('train/loss'), ...cpus.reverse()]);
    const system = plan.sections.find((s) => s.id === 'system')!;
    assert.strictEqual(system.charts.length, 1);
    const chart = system.charts[0];
    assert.strictEqual(chart.id, 'system/cpu.*.cpu_percent');
    assert.strictEqual(chart.keys.length, 24);
    assert.deepStrictEqual(chart.keys.slice(0, 3), ['system/cpu.0.cpu_percent', 'system/cpu.1.cpu_percent', 'system/cpu.2.cpu_percent']);
    assert.strictEqual(chart.x, 'time');
    assert.match(chart.title, /24 devices/);
  });

  it('puts System last and closed, training groups first and open', () => {
    const plan = planPage([many('system/memory_percent'), many('val/acc'), many('train/loss'), many('loss')]);
    assert.deepStrictEqual(plan.sections.map((s) => s.title), ['metrics', 'train', 'val', 'System']);
    assert.deepStrictEqual(plan.sections.map((s) => s.openByDefault), [true, true, true, false]);
    assert.ok(plan.sections.slice(0, 3).every((s) => s.charts.every((c) => c.x === 'step')));
  });

  it('shows single-value metrics as numbers, not charts', () => {
    const plan = planPage([many('train/loss'), { key: 'test/acc', total: 1 }, { key: 'params_count', total: 1 }]);
    assert.deepStrictEqual(plan.scalars, ['params_count', 'test/acc']);
    assert.deepStrictEqual(plan.sections.flatMap((s) => s.charts.map((c) => c.id)), ['train/loss']);
  });

  it('moves pinned charts, system families too, to a Pinned section on top', () => {
    const plan = planPage([many('train/loss'), many('train/acc'), many('system/gpu.0.gpu'), many('system/gpu.1.gpu')], new Set(['train/loss', 'system/gpu.*.gpu']));
    assert.strictEqual(plan.sections[0].title, 'Pinned');
    assert.deepStrictEqual(plan.sections[0].charts.map((c) => c.id), ['train/loss', 'system/gpu.*.gpu']);
    assert.deepStrictEqual(plan.sections.map((s) => s.title), ['Pinned', 'train']);
  });

  it('tells device families apart from metrics of their own', () => {
    assert.deepStrictEqual(deviceFamily('system/gpu.0.memoryAllocated'), { family: 'system/gpu.*.memoryAllocated', device: 0 });
    assert.deepStrictEqual(deviceFamily('system/gpu_1_utilization_percentage'), { family: 'system/gpu_*_utilization_percentage', device: 1 });
    assert.deepStrictEqual(deviceFamily('system/gpu.0.mem.pct'), { family: 'system/gpu.*.mem.pct', device: 0 });
    assert.deepStrictEqual(deviceFamily('system/gpu.process.1.gpu'), { family: 'system/gpu.*.gpu', device: 1 });
    assert.strictEqual(deviceFamily('system/cpu'), undefined);
    assert.strictEqual(deviceFamily('system/memory_percent'), undefined);
    assert.strictEqual(systemCategory('system/gpu.0.memory'), 'GPU');
    assert.strictEqual(systemCategory('system/proc.memory.rssMB'), 'Memory');
    assert.strictEqual(systemCategory('system/network.sent'), 'Network');
    assert.strictEqual(systemCategory('system/disk./.usagePercent'), 'Disk');
  });

  it('sorts names naturally', () => {
    assert.deepStrictEqual(['step_10', 'step_2', 'step_1'].sort(naturalCompare), ['step_1', 'step_2', 'step_10']);
  });

  it('puts the training charts of a W&B run with many system metrics on the first screen', async () => {
    const root = trackerFixtures('wandb', 'reversal-gpt');
    const folder = (await findWandbRuns(root)).find((f) => f.endsWith('vxam6q8u'))!;
    const run = await readWandbRun(root, folder, undefined, 0);
    assert.ok(run, 'the fixture reads');
    const metrics = [...run.metrics].map(([key, s]) => ({ key, total: s.steps.length }));
    const system = metrics.filter((m) => m.key.startsWith('system/'));
    assert.ok(system.length > 20, `the fixture has many system metrics (${system.length})`);
    const plan = planPage(metrics);
    const charts = plan.sections.flatMap((s) => s.charts);
    const systemCharts = plan.sections.find((s) => s.id === 'system')!.charts;
    // 139 system series: 64 CPU cores in one chart, 8 GPUs (and the process's GPU) in one chart per measure.
    assert.strictEqual(system.length, 139);
    assert.strictEqual(systemCharts.length, 20, systemCharts.map((c) => c.id).join(' '));
    const cores = systemCharts.find((c) => c.id === 'system/cpu.*.cpu_percent')!;
    assert.strictEqual(cores.keys.length, 64);
    assert.strictEqual(systemCharts.find((c) => c.id === 'system/gpu.*.gpu')!.keys.length, 9);
    assert.deepStrictEqual(plan.sections.slice(0, -1).flatMap((s) => s.charts.map((c) => c.id)), ['iteration', 'learning_rate', 'train/accuracy', 'train/loss']);
    assert.notStrictEqual(plan.sections[0].id, 'system');
    assert.strictEqual(plan.sections[plan.sections.length - 1].id, 'system');
    assert.ok(charts.length < metrics.length);
  });
});

describe('run page metric summary', () => {
  it('gives last, min, max and the step of the best value', () => {
    const row = summarizeMetric('val/loss', [0, 1, 2, 3], [0.9, 0.4, NaN, 0.5], 4);
    assert.deepStrictEqual(row, { key: 'val/loss', last: 0.5, lastStep: 3, min: 0.4, max: 0.9, goal: 'min', bestStep: 1, count: 4 });
    assert.strictEqual(summarizeMetric('val/acc', [0, 5, 9], [0.1, 0.8, 0.7]).bestStep, 5);
    assert.strictEqual(summarizeMetric('lr', [0, 1], [1, 2]).bestStep, null);
    assert.strictEqual(summarizeMetric('x', [], []).last, null);
  });

  it('knows which way a metric should go from its name', () => {
    assert.strictEqual(metricGoal('train/loss'), 'min');
    assert.strictEqual(metricGoal('val/top1_acc'), 'max');
    assert.strictEqual(metricGoal('eval/f1'), 'max');
    assert.strictEqual(metricGoal('system/gpu.0.memory'), null);
    assert.strictEqual(metricGoal('learning_rate'), null);
  });

  it('formats numbers for reading', () => {
    assert.strictEqual(formatNumber(0.123456789), '0.12346');
    assert.strictEqual(formatNumber(12000), '12,000');
    assert.strictEqual(formatNumber(1e-7), '1.000e-7');
    assert.strictEqual(formatNumber(null), '—');
    assert.strictEqual(formatNumber(Infinity), '∞');
  });
});
