import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ImportIndex } from '../../../src/core/ingest/importIndex';
import { importFinders } from '../../../src/core/importers/finders';
import { loadSql, trackerFixtures, workspace } from '../support/helpers';

/** The values the index holds at `step` of `key` in run `uid`, in the order they were logged. */
function valuesAt(ws: Awaited<ReturnType<typeof workspace>>, uid: string, key: string, step: number): number[] {
  const run = ws.store.getRun(uid)!;
  const series = ws.store.listSeries(run.id).find((s) => s.key === key)!;
  const points = ws.store.getPoints(series.id);
  return points.values.filter((_, i) => points.steps[i] === step);
}

/** The value at `step` (the only one, for trackers that keep the first). */
const valueAt = (ws: Awaited<ReturnType<typeof workspace>>, uid: string, key: string, step: number): number | undefined => valuesAt(ws, uid, key, step)[0];

/** The metric's last value as the index keeps it for queries and summaries. */
function lastOf(ws: Awaited<ReturnType<typeof workspace>>, uid: string, key: string): unknown {
  return ws.store.selectRows('SELECT m.value FROM metric_last m JOIN runs r ON r.id = m.run_id WHERE r.uid = ? AND m.key = ?', [uid, key])[0]?.[0];
}

describe('mlflow: several values at one step', () => {
  it('keeps every value, as MLflow does, and its last value is the last one logged (Ultralytics logs the best model\'s validation again at the last epoch)', async () => {
    const ws = await workspace();
    fs.cpSync(trackerFixtures('mlflow-files', 'ultralytics-boat', 'runs'), path.join(ws.root, 'runs'), { recursive: true });
    const index = new ImportIndex(ws.store, ws.root, importFinders(await loadSql(), { sources: new Set(['mlflow']) }), ws.problems);
    await index.sync();
    // metrics/mAP50-95B of run e74c1fd4…: step 99 holds 0.93388, then 0.9508417468541822 (the latest).
    const uid = 'mlflow:runs/mlflow/579515437971696587/e74c1fd422434f52b710373d81bf550f';
    const key = 'metrics/mAP50-95B';
    assert.ok(ws.store.getRun(uid), `run ${uid}`);
    assert.deepStrictEqual(valuesAt(ws, uid, key, 99), [0.93388, 0.9508417468541822]);
    assert.deepStrictEqual(valuesAt(ws, uid, key, 98), [0.93388]);
    assert.strictEqual(lastOf(ws, uid, key), 0.9508417468541822);
    const series = () => ws.store.listSeries(ws.store.getRun(uid)!.id).find((s) => s.key === key)!;
    assert.strictEqual(series().last, 0.9508417468541822);
    assert.strictEqual(series().count, 101, 'steps 0…99 and the second value at 99');
    const count = ws.store.getRun(uid)!.pointCount;

    // A live run logs yet another value at that step: it is kept too, and becomes the last value.
    const file = path.join(ws.root, 'runs/mlflow/579515437971696587/e74c1fd422434f52b710373d81bf550f/metrics/metrics/mAP50-95B');
    fs.appendFileSync(file, '1746607615000 0.97 99\n');
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    await index.sync();
    assert.deepStrictEqual(valuesAt(ws, uid, key, 99), [0.93388, 0.9508417468541822, 0.97]);
    assert.strictEqual(lastOf(ws, uid, key), 0.97);
    assert.strictEqual(ws.store.getRun(uid)!.pointCount, count + 1);
  });

  it('keeps the first value for trackers whose rule it is (Labbook-style first-wins is unchanged for others)', async () => {
    const ws = await workspace();
    fs.cpSync(trackerFixtures('dvclive', 'densegpt-hf'), ws.root, { recursive: true });
    await new ImportIndex(ws.store, ws.root, importFinders(await loadSql(), { sources: new Set(['dvclive']) }), ws.problems).sync();
    assert.strictEqual(valueAt(ws, 'dvclive:dvclive', 'loss', 0), 6.2205);
  });
});
