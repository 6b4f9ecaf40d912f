import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { readMlflowFileStore, serverArtifactPath } from '../../../src/core/importers/mlflow';
import { ProblemList } from '../../../src/core/problems';
import { tempDir, trackerFixtures } from '../support/helpers';

const EXP = '579515437971696587';
const RUN = 'e74c1fd422434f52b710373d81bf550f';

describe('mlflow: artifacts logged through `mlflow server` (mlflow-artifacts: URIs)', () => {
  it('are found in the mlartifacts/<experiment>/<run>/artifacts tree beside the store', async () => {
    const ws = tempDir();
    fs.cpSync(trackerFixtures('mlflow-files', 'ultralytics-boat', 'runs'), path.join(ws, 'runs'), { recursive: true });
    const art = path.join(ws, 'mlartifacts', EXP, RUN, 'artifacts');
    fs.mkdirSync(path.join(art, 'weights'), { recursive: true });
    fs.writeFileSync(path.join(art, 'results.csv'), 'epoch,loss\n');
    fs.writeFileSync(path.join(art, 'weights', 'best.txt'), 'w');
    const problems = new ProblemList();
    const runs = await readMlflowFileStore(ws, path.join(ws, 'runs', 'mlflow'), problems);
    const run = runs.find((r) => r.uid.endsWith(RUN))!;
    assert.deepStrictEqual(run.artifacts, [`mlartifacts/${EXP}/${RUN}/artifacts/results.csv`, `mlartifacts/${EXP}/${RUN}/artifacts/weights/best.txt`]);
    assert.ok(!problems.messages.some((m) => m.includes(RUN)), problems.messages.join('\n'));
  });

  it('say so once per store when that folder is not there (the store was committed without it)', async () => {
    const root = trackerFixtures('mlflow-files', 'ultralytics-boat');
    const problems = new ProblemList();
    await readMlflowFileStore(root, path.join(root, 'runs', 'mlflow'), problems);
    assert.deepStrictEqual(problems.messages, [
      `runs/mlflow: 4 runs (runs/mlflow/${EXP}/0ae924f6c54a445cbd2bde14c5719cfa, runs/mlflow/${EXP}/645bde63d75a465dbfc844dd9de02837, runs/mlflow/${EXP}/7c26ce0784314283bd3a6cf2a9a8236b, …) logged artifacts through an MLflow server (mlflow-artifacts:/<experiment>/<run>/artifacts); no mlartifacts/ folder holding them was found beside the store, so they show none`,
    ]);
  });

  it('read the path of both URI forms and refuse one that climbs out', () => {
    assert.strictEqual(serverArtifactPath('mlflow-artifacts:/1/abc/artifacts'), '1/abc/artifacts');
    assert.strictEqual(serverArtifactPath('mlflow-artifacts://mlflow.example:5000/10/abc/artifacts'), '10/abc/artifacts');
    assert.strictEqual(serverArtifactPath('mlflow-artifacts:/../../etc'), undefined);
    assert.strictEqual(serverArtifactPath('s3://bucket/1/abc'), undefined);
  });
});
