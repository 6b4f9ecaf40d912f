// The run page as a user reads it: a W&B run with 139 system series opens on its training charts
// (system metrics one chart per device family, in a closed System section at the end); a Labbook
// run shows its environment as sections and previews its artifacts inline.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { activeWebview, editorTab, expand, openViewContainer, screenshot, treeRow, treeView, until } from '../support/browser';
import { drawnOf, zoomInUntilRaw } from '../support/chartZoom';
import { repoRoot } from '../support/paths';
import { RunWriter, trainingCurve } from '../support/runWriter';
import { png } from '../unit/support/png';
import { workbenchSuite } from '../support/workbenchSuite';

/** A finished Labbook run with an environment and one artifact of each previewed kind. */
function writeArtifactRun(logRoot: string): void {
  const run = new RunWriter(logRoot, { project: 'previews', name: 'with-artifacts', params: { lr: 0.001, layers: 4 } });
  run.series(0, 30, (s) => trainingCurve(s, 3));
  run.record({
    t: 'env',
    values: {
      command: 'python train.py --lr 0.001 --layers 4', cwd: '/home/me/proj', pid: 4242,
      git: { commit: '3e1f00aa9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e', branch: 'main', dirty: true, remote: 'https://example.org/me/proj.git' },
      python: { version: '3.11.7', implementation: 'CPython', executable: '/usr/bin/python3' },
      packages: Object.fromEntries([['torch', '2.3.1'], ['numpy', '1.26.4'], ['pandas', '2.2.2'], ...Array.from({ length: 60 }, (_, i) => [`pkg-${i}`, `0.${i}.0`])]),
      os: { system: 'Linux', release: '6.1', machine: 'x86_64', hostname: 'trainer-01' },
      hardware: { cpu_count: 16, cpu_model: 'AMD EPYC 7763', memory_bytes: 68_719_476_736, gpus: [{ index: 0, name: 'NVIDIA A100 80GB', memory_bytes: 85_899_345_920, driver: '535.104' }] },
    },
  });
  const files: Record<string, Buffer | string> = {
    'samples/step_2.png': png(48, 48, (x, y) => [x * 5, y * 5, 60]),
    'samples/step_10.png': png(48, 48, (x, y) => [y * 5, x * 5, 140]),
    'samples/step_40.png': png(48, 48, (x, y) => [200, x * 5, y * 5]),
    'metrics.csv': `epoch,loss,acc\n${Array.from({ length: 700 }, (_, i) => `${i},${(1 / (i + 1)).toFixed(4)},${(i / 700).toFixed(3)}`).join('\n')}\n`,
    'config.yaml': 'model:\n  name: resnet18\n  layers: [2, 2, 2, 2]\noptimizer:\n  name: adam\n  lr: 0.001\n',
    'stats.json': JSON.stringify({ best: { step: 27, val_loss: 0.312 }, classes: ['cat', 'dog'], converged: true }),
    'report.md': '# Result\n\nValidation loss **flattens** after step 20.\n\n| lr | loss |\n|---|---|\n| 0.001 | 0.31 |\n\n<script>document.title = "pwned"</script>\n',
    'train.log': Array.from({ length: 40 }, (_, i) => `[${i}] epoch ${i} loss ${(1 / (i + 1)).toFixed(3)}`).join('\n'),
  };
  for (const [name, data] of Object.entries(files)) {
    const file = path.join(run.dir, 'artifacts', ...name.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
    run.record({ t: 'artifact', path: `artifacts/${name}`, name, size: fs.statSync(file).size });
  }
  run.finish();
}

/** Samples of the long run's GPU memory: one a second for about 17 hours, one of them a spike. */
const GPU_SAMPLES = 60_000;
const GPU_SPIKE_AT = 41_234;
const GPU_SPIKE = 79.5;

/** A long Labbook run whose GPU memory was sampled every second, with one brief spike (a leak freed at once). */
function writeLongGpuRun(logRoot: string): void {
  const start = 1_731_470_000;
  const run = new RunWriter(logRoot, { project: 'long-gpu', name: 'seventeen-hours', time: start });
  const lines = Array.from({ length: GPU_SAMPLES }, (_, i) => {
    const gb = i === GPU_SPIKE_AT ? GPU_SPIKE : Number((40 + 8 * Math.sin(i / 900) + ((i * 7919) % 13) / 10).toFixed(2));
    return JSON.stringify({ t: 'metrics', step: i, time: start + i + 1, values: { 'system/gpu.0.memory_used_gb': gb } });
  });
  run.raw(lines.join('\n') + '\n');
  run.finish();
}

describe('Run page (e2e)', function () {
  this.timeout(120_000);
  const wb = workbenchSuite({
    name: 'runpage',
    prepare(workspace) {
      const wandbRun = path.join(repoRoot, 'test', 'fixtures', 'trackers', 'wandb', 'reversal-gpt', 'wandb', 'run-20241113_040556-vxam6q8u');
      fs.cpSync(wandbRun, path.join(workspace, 'wandb', path.basename(wandbRun)), { recursive: true });
      writeArtifactRun(path.join(workspace, 'labbook'));
      writeLongGpuRun(path.join(workspace, 'labbook'));
    },
  });
  let page: Page;
  before(() => {
    page = wb.page;
  });

  async function openRun(experiment: string, name: string): Promise<FrameLocator> {
    await openViewContainer(page, 'Labbook');
    const pane = treeView(page, 'Experiments');
    await pane.waitFor({ state: 'visible', timeout: 60_000 });
    await expand(treeRow(pane, experiment));
    const row = treeRow(pane, name);
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await row.dblclick();
    await editorTab(page, name).waitFor({ state: 'visible', timeout: 30_000 });
    return activeWebview(page);
  }

  it('opens a W&B run with 139 system series on its training charts, System closed at the end', async function () {
    const frame = await openRun('next-token-failures', 'reverse');
    await frame.locator('.chart[data-key="train/loss"] canvas').waitFor({ state: 'visible', timeout: 30_000 });
    const sections = await frame.locator('details.metric-section').evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('data-section'), open: (e as HTMLDetailsElement).open })));
    assert.equal(sections[sections.length - 1].id, 'system');
    assert.equal(sections[sections.length - 1].open, false, 'System starts closed');
    assert.ok(sections.slice(0, -1).every((s) => s.open));
    const lossTop = await frame.locator('.chart[data-key="train/loss"]').evaluate((e) => e.getBoundingClientRect().top);
    assert.ok(lossTop < 700, `train/loss is on the first screen (top at ${lossTop} px)`);
    await new Promise((r) => setTimeout(r, 800));
    await screenshot(page, 'runpage-01-wandb-first-screen');
  });

  it('draws the System section as one chart per device family, against time', async function () {
    const frame = activeWebview(page);
    await frame.locator('details[data-section="system"] > summary').click();
    const cores = frame.locator('.chart[data-key="system/cpu.*.cpu_percent"]');
    await cores.locator('canvas').waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await cores.getAttribute('data-lines'), '64');
    assert.equal(await cores.getAttribute('data-x'), 'time');
    const charts = await frame.locator('details[data-section="system"] .chart').count();
    assert.ok(charts <= 25, `139 system series in ${charts} charts`);
    await cores.scrollIntoViewIfNeeded();
    await new Promise((r) => setTimeout(r, 800));
    await screenshot(page, 'runpage-02-system-expanded');
  });

  it("shows a Labbook run's environment as readable sections", async function () {
    const frame = await openRun('previews', 'with-artifacts');
    const env = frame.locator('details[data-box="environment"]');
    await env.locator('summary').click();
    await frame.locator('[data-env="git"]').waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await frame.locator('[data-env="hardware"]').textContent()) ?? '', /68\.7 GB/);
    await frame.locator('.package-list input').fill('torch');
    await until('packages filtered', async () => (await frame.locator('.package-list tr').count()) === 1);
    await env.scrollIntoViewIfNeeded();
    await new Promise((r) => setTimeout(r, 500));
    await screenshot(page, 'runpage-03-environment');
  });

  for (const [file, kind, selector] of [
    ['step_10.png', 'image', '.preview-content img'],
    ['metrics.csv', 'csv', '.preview-content table tbody tr'],
    ['stats.json', 'json', '.preview-content .value-tree'],
    ['config.yaml', 'yaml', '.preview-content .value-tree'],
    ['report.md', 'markdown', '.preview-content .markdown h3'],
    ['train.log', 'text', '.preview-content pre.preview-text'],
  ] as const) {
    it(`previews ${file} inline (${kind})`, async function () {
      const frame = activeWebview(page);
      const box = frame.locator('details[data-box="artifacts"]');
      if (!(await box.evaluate((d) => (d as HTMLDetailsElement).open))) await box.locator('> summary').click();
      await frame.locator('ul.artifact-tree a', { hasText: file }).click();
      await frame.locator(selector).first().waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(await frame.locator('.preview-content').getAttribute('data-kind'), kind);
      if (kind === 'image') await until('the same image at other steps', async () => (await frame.locator('.compare-row img').count()) === 3);
      if (kind === 'markdown') assert.equal(await frame.locator('.preview-content script').count(), 0);
      await box.scrollIntoViewIfNeeded();
      await new Promise((r) => setTimeout(r, 400));
      await screenshot(page, `runpage-04-preview-${kind}`);
    });
  }

  it('zooms a GPU memory chart of a 17-hour run, box after box, down to the raw samples around a spike', async function () {
    const frame = await openRun('long-gpu', 'seventeen-hours');
    const system = frame.locator('details[data-section="system"]');
    if (!(await system.evaluate((d) => (d as HTMLDetailsElement).open))) await system.locator('> summary').click();
    const card = frame.locator('.chart[data-key="system/gpu.0.memory_used_gb"]');
    const canvas = card.locator('canvas');
    await canvas.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await card.getAttribute('data-x'), 'time');
    const [overview] = await drawnOf(card, 'data-drawn');
    assert.ok(overview.points < GPU_SAMPLES / 4, `the overview is reduced: ${overview.points} points`);
    await canvas.scrollIntoViewIfNeeded();
    // Seconds since the start: sample i was taken i + 1 s after it.
    const at = GPU_SPIKE_AT + 1;
    const last = await zoomInUntilRaw(page, {
      canvas, drawn: card, at, span: GPU_SAMPLES / 20, minSpan: 300, lines: 1, timeoutMs: 30_000,
      isRaw: (l) => l.points === l.last! - l.first! + 1,
      each: (zoom, [line], raw) => {
        console.log(`      time zoom ${zoom}: ${line.points} points over ${line.first}…${line.last} s${raw ? ', raw' : ''}`);
        assert.equal(line.ymax, GPU_SPIKE, `the spike is kept at zoom ${zoom}`);
      },
    });
    assert.ok(last[0].points < 1000, `raw samples of a few minutes: ${last[0].points}`);
    assert.match((await card.locator('.count').textContent()) ?? '', /zoomed/);
    await new Promise((r) => setTimeout(r, 400));
    await screenshot(page, 'runpage-05-gpu-time-zoomed-raw');
    await canvas.dblclick();
    await until('the whole run drawn again', async () => {
      const [line] = await drawnOf(card, 'data-drawn');
      return (line?.points === overview.points && line.last === overview.last) || undefined;
    });
    assert.doesNotMatch((await card.locator('.count').textContent()) ?? '', /zoomed/);
  });
});
