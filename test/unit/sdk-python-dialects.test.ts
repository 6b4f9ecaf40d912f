// An MLflow tracking script run through `import labbook.mlflow as mlflow` (sdk/python), then read
// back with the extension's reader: the experiment, runs, params, metrics with steps, tags,
// artifacts and statuses are what the script logged, and the experiments folder is no problem.
// Needs `python3` on PATH. Tests run from the repo root.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir, workspace } from './support/helpers';

const SDK_PYTHON = path.join(process.cwd(), 'sdk', 'python');
const PYTHON = process.env.LABBOOK_TEST_PYTHON ?? 'python3';
const HAVE_PYTHON = spawnSync(PYTHON, ['-c', 'import sys; assert sys.version_info >= (3, 8)']).status === 0;

const SCRIPT = `
import os
import labbook.mlflow as mlflow

mlflow.set_tracking_uri("sqlite:///mlflow.db")
mlflow.set_experiment("iris")
with mlflow.start_run(run_name="rf-100") as run:
    mlflow.log_params({"n_estimators": 100, "max_depth": 4})
    for step in range(3):
        mlflow.log_metric("accuracy", 0.8 + step / 100, step=step)
    mlflow.set_tags({"model": "random-forest"})
    with open("model.txt", "w") as f:
        f.write("trees")
    mlflow.log_artifact("model.txt", artifact_path="model")
with mlflow.start_run(run_name="rf-broken"):
    mlflow.log_metric("accuracy", 0.1, step=0)
    mlflow.end_run(status="FAILED")
`;

(HAVE_PYTHON ? describe : describe.skip)('an MLflow script through labbook.mlflow, read by the extension', function () {
  this.timeout(60000);

  it('shows the runs the script logged', async () => {
    const root = tempDir('labbook-mlflow-dialect-');
    try {
      fs.writeFileSync(path.join(root, 'train.py'), SCRIPT);
      const env = { ...process.env, PYTHONPATH: SDK_PYTHON, LABBOOK_DIR: path.join(root, 'labbook'), LABBOOK_CAPTURE_ENV: '0', LABBOOK_CAPTURE_SYSTEM: '0' };
      const proc = spawnSync(PYTHON, ['train.py'], { cwd: root, env, encoding: 'utf8' });
      assert.strictEqual(proc.status, 0, proc.stderr);
      const ws = await workspace({ root });
      await ws.indexer.sync();
      const runs = Object.fromEntries(ws.store.listRuns().map((r) => [r.name, r]));
      assert.deepStrictEqual(Object.keys(runs).sort(), ['rf-100', 'rf-broken']);
      const run = runs['rf-100'];
      assert.strictEqual(run.experiment, 'iris');
      assert.strictEqual(run.status, 'finished');
      assert.strictEqual(runs['rf-broken'].status, 'failed');
      assert.deepStrictEqual(ws.store.getParams(run.id), { n_estimators: 100, max_depth: 4 });
      const series = ws.store.listSeries(run.id).find((s) => s.key === 'accuracy')!;
      const points = ws.store.getPoints(series.id);
      assert.deepStrictEqual(Array.from(points.steps), [0, 1, 2]);
      assert.deepStrictEqual(Array.from(points.values), [0, 1, 2].map((s) => 0.8 + s / 100));
      assert.deepStrictEqual(ws.store.getTags(run.id), ['model:random-forest']);
      assert.deepStrictEqual(ws.store.getArtifacts(run.id).map((a) => a.name), ['model/model.txt']);
      assert.ok(fs.existsSync(path.join(root, 'labbook', '_experiments')));
      assert.deepStrictEqual(ws.problems.messages, []);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
