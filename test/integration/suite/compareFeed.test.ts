import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostToComparePanel } from '../../../src/protocol/comparePanel';
import { RunWriter } from '../../support/runWriter';
import { eventually, labbookApi, webviewTabs, workspaceDir } from './helpers';

type Init = Extract<HostToComparePanel, { type: 'init' }>;
type Update = Extract<HostToComparePanel, { type: 'update' }>;
type Range = Extract<HostToComparePanel, { type: 'range' }>;

const EXPERIMENT = 'compare-feed';
/** `labbook.maxChartPoints` by default: two runs share it, 2,000 points a line. */
const LINE_BUDGET = 2000;

describe('Compare: what the view is sent', function () {
  this.timeout(90_000);

  it('opened on runs from the tree: a line per run within the budget and the params diff; a zoom gets finer points; a live run sends only its new points', async function () {
    const api = await labbookApi();
    const root = path.join(workspaceDir(), 'labbook');
    const long = new RunWriter(root, { project: EXPERIMENT, name: 'cf-long', params: { lr: 0.1, batch: 32 } });
    long.series(0, 20_000, (s) => ({ loss: 1 / (1 + s) + (s % 7) * 1e-4 })).finish();
    const live = new RunWriter(root, { project: EXPERIMENT, name: 'cf-live', params: { lr: 0.01, batch: 32 } });
    live.series(0, 50, (s) => ({ loss: 2 / (1 + s) })).heartbeat();
    const ids = await eventually(api, 'both runs in the tree', () => {
      const e = api.snapshot().experiments.find((x) => x.name === EXPERIMENT);
      return e?.runs.length === 2 && e.runs.every((r) => r.pointCount > 0) && e.runs.map((r) => r.id);
    });
    assert.ok(ids.includes(long.runId) && ids.includes(live.runId));

    // What the tree's Compare does with its two selected runs.
    await vscode.commands.executeCommand('labbook.compareRuns', [long.runId, live.runId]);
    const panel = await eventually(api, 'the compare panel', () => api.compares?.().find((p) => p.runs.includes(long.runId) && p.runs.includes(live.runId)));
    const init = await eventually(api, 'the first payload', () => panel.messages.find((m): m is Init => (m as HostToComparePanel).type === 'init'));
    assert.deepEqual(init.runs.map((r) => r.id), [long.runId, live.runId]);
    const loss = init.series.find((s) => s.key === 'loss');
    assert.ok(loss, `series: ${init.series.map((s) => s.key).join(', ')}`);
    assert.equal(loss.lines.length, 2, 'a line per run');
    const [longLine, liveLine] = [0, 1].map((i) => loss.lines.find((l) => l.run === i)!);
    assert.equal(longLine.total, 20_000);
    assert.ok(longLine.steps.length <= LINE_BUDGET && longLine.steps.length >= LINE_BUDGET / 4, `the long line is reduced to its budget: ${longLine.steps.length} points`);
    assert.equal(liveLine.steps.length, 50, 'a short line is sent whole');
    const lr = init.params.find((p) => p.key === 'lr');
    const batch = init.params.find((p) => p.key === 'batch');
    assert.deepEqual([lr?.values, lr?.differs], [['0.1', '0.01'], true]);
    assert.deepEqual([batch?.values, batch?.differs], [['32', '32'], false]);

    // Zoom into 200 steps of the long run: raw points, finer than the whole line had there.
    panel.zoom('loss', 10_000, 10_200, 7);
    const range = await eventually(api, 'the zoom answer', () => panel.messages.find((m): m is Range => (m as HostToComparePanel).type === 'range' && (m as Range).request === 7));
    const zoomed = range.lines.find((l) => l.run === 0)!;
    const before = longLine.steps.filter((s) => s >= 10_000 && s <= 10_200).length;
    assert.ok(zoomed.steps.length >= 201, `every step of the range: ${zoomed.steps.length} points`);
    assert.ok(zoomed.steps.length > before * 5, `finer than before (${before} points there)`);
    assert.ok(zoomed.steps.every((s) => s >= 9_999 && s <= 10_201), 'within the range, one neighbour past each end');

    // The live run writes 10 more points: only those are sent.
    const sentBefore = panel.messages.length;
    live.series(50, 10, (s) => ({ loss: 2 / (1 + s) })).heartbeat();
    const update = await eventually(api, 'an update with the new points', () => panel.messages.slice(sentBefore).find((m): m is Update => (m as HostToComparePanel).type === 'update' && (m as Update).lines.some((l) => l.key === 'loss' && l.run === 1)));
    assert.deepEqual(update.lines.map((l) => [l.key, l.run, l.append, l.steps]), [['loss', 1, true, [50, 51, 52, 53, 54, 55, 56, 57, 58, 59]]]);
    assert.ok(!panel.messages.slice(sentBefore).some((m) => (m as HostToComparePanel).type === 'init'), 'no whole payload again');

    live.finish();
    for (const tab of webviewTabs().filter((t) => t.label.startsWith('Compare: cf-'))) await vscode.window.tabGroups.close(tab);
  });
});
