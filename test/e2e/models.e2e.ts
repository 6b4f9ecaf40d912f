// The Models view as a user meets it: three runs trained with the Python SDK, the best one's model
// registered with the alias champion, seen in the Models view, and its run opened with a click.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { activeWebview, editorTab, openViewContainer, screenshot, treeRow, treeView } from '../support/browser';
import { repoRoot } from '../support/paths';
import { workbenchSuite } from '../support/workbenchSuite';

const TRAIN = `
import os, labbook
for name, lr, accs in [("lr-0.1", 0.1, [0.52, 0.70, 0.78]), ("lr-0.01", 0.01, [0.61, 0.84, 0.93]), ("lr-0.001", 0.001, [0.40, 0.66, 0.81])]:
    run = labbook.init(project="mnist", name=name, config={"lr": lr})
    for step, acc in enumerate(accs):
        run.log({"val/acc": acc, "val/loss": 1 - acc}, step=step)
    os.makedirs(os.path.join("out", name), exist_ok=True)
    open(os.path.join("out", name, "weights.pt"), "w").write(name)
    run.log_artifact(os.path.join("out", name, "weights.pt"), artifact_path="model")
    run.finish()
first = labbook.search_runs('name = "lr-0.001"')[0]
labbook.register_model("mnist-cnn", run=first, artifact_path="model/weights.pt", description="first try")
best = labbook.best_run("mnist", "val/acc")
labbook.register_model("mnist-cnn", run=best, artifact_path="model/weights.pt", aliases=["champion"], description="best of the lr sweep")
`;

describe('Models view (e2e)', function () {
  this.timeout(120_000);
  const wb = workbenchSuite({
    name: 'models',
    openFirst: false,
    prepare(workspace) {
      execFileSync('python3', ['-c', TRAIN], {
        cwd: workspace,
        env: { ...process.env, PYTHONPATH: path.join(repoRoot, 'sdk', 'python'), LABBOOK_DIR: path.join(workspace, 'labbook'), LABBOOK_CAPTURE_ENV: '0', LABBOOK_CAPTURE_CONSOLE: '0', LABBOOK_CAPTURE_SYSTEM: '0' },
        timeout: 60_000,
      });
      // MLflow's registries beside them: a file store and a real mlflow.db, shown read-only.
      fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'models', 'mlflow-file-registry', 'mlruns'), path.join(workspace, 'mlruns'), { recursive: true });
      fs.copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'trackers', 'mlflow-sqlite', 'zoomcamp-official', '02-experiment-tracking', 'mlflow.db'), path.join(workspace, 'mlflow.db'));
    },
  });

  it('shows the registered model with its versions, the champion alias and metrics, MLflow’s models beside it, and opens a version’s run', async function () {
    const page = await wb.open();
    await openViewContainer(page, 'Labbook');
    const pane = treeView(page, 'Models');
    await treeRow(pane, 'mnist-cnn').waitFor({ state: 'visible', timeout: 60_000 });
    const v2 = treeRow(pane, 'v2');
    await v2.waitFor({ state: 'visible', timeout: 30_000 });
    const description = (await v2.locator('.label-description').textContent()) ?? '';
    assert.match(description, /@champion/);
    assert.match(description, /lr-0\.01/);
    assert.match(description, /val\/acc 0\.93/);
    const v1 = (await treeRow(pane, 'v1').locator('.label-description').textContent()) ?? '';
    assert.doesNotMatch(v1, /champion/);
    assert.match(v1, /val\/acc 0\.81 /, 'metrics are shown without trailing zeros');
    for (const name of ['iris-classifier', 'nyc-taxi-regressor']) {
      const row = treeRow(pane, name);
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      assert.match((await row.locator('.label-description').textContent()) ?? '', /^MLflow · /);
    }
    await screenshot(page, '40-models-view');
    await v2.click();
    await editorTab(page, 'lr-0.01').waitFor({ state: 'visible', timeout: 30_000 });
    await activeWebview(page).locator('canvas').first().waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(page, '41-models-open-run');
  });
});
