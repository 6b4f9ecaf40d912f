import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ImportIndex } from '../../../src/core/ingest/importIndex';
import { importFinders } from '../../../src/core/importers/finders';
import { loadSql, trackerFixtures, workspace } from '../support/helpers';

/** The value the index holds at `step` of `key` in run `uid`. */
function valueAt(ws: Awaited<ReturnType<typeof workspace>>, uid: string, key: string, step: number): number | null | undefined {
  const run = ws.store.getRun(uid)!;
  const series = ws.store.listSeries(run.id).find((s) => s.key === key)!;
  const points = ws.store.getPoints(series.id);
  const i = points.steps.indexOf(step);
  return i < 0 ? undefined : points.values[i];
}

describe('mlflow: several values at one step', () => {
  it('shows the last one, as MLflow does (Ultralytics logs the best model\'s validation again at the last epoch)', async () => {
    const ws = await workspace();
    fs.cpSync(trackerFixtures('mlflow-files', 'ultralytics-boat', 'runs'), path.join(ws.root, 'runs'), { recursive: true });
    const index = new ImportIndex(ws.store, ws.root, importFinders(await loadSql(), { sources: new Set(['mlflow']) }), ws.problems);
    await index.sync();
    // metrics/mAP50-95B of run e74c1fd4…: step 99 holds 0.93388, then 0.9508417468541822 (the latest).
    const uid = 'mlflow:runs/mlflow/579515437971696587/e74c1fd422434f52b710373d81bf550f';
    assert.ok(ws.store.getRun(uid), `run ${uid}`);
    assert.strictEqual(valueAt(ws, uid, 'metrics/mAP50-95B', 99), 0.9508417468541822);
    assert.strictEqual(valueAt(ws, uid, 'metrics/mAP50-95B', 98), 0.93388);
    const count = ws.store.getRun(uid)!.pointCount;

    // A live run logs yet another value at that step: it replaces the shown one, adding no point.
    const file = path.join(ws.root, 'runs/mlflow/579515437971696587/e74c1fd422434f52b710373d81bf550f/metrics/metrics/mAP50-95B');
    fs.appendFileSync(file, '1746607615000 0.97 99\n');
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    await index.sync();
    assert.strictEqual(valueAt(ws, uid, 'metrics/mAP50-95B', 99), 0.97);
    assert.strictEqual(ws.store.getRun(uid)!.pointCount, count);
  });

  it('keeps the first value for trackers whose rule it is (Labbook-style first-wins is unchanged for others)', async () => {
    const ws = await workspace();
    fs.cpSync(trackerFixtures('dvclive', 'densegpt-hf'), ws.root, { recursive: true });
    await new ImportIndex(ws.store, ws.root, importFinders(await loadSql(), { sources: new Set(['dvclive']) }), ws.problems).sync();
    assert.strictEqual(valueAt(ws, 'dvclive:dvclive', 'loss', 0), 6.2205);
  });
});
