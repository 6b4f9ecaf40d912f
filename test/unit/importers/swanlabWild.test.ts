import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { readSwanlab } from '../../../src/core/importers/swanlab';
import { ProblemList } from '../../../src/core/problems';
import { loadSql, tempDir, trackerFixtures } from '../support/helpers';

const LATER = Date.now() / 1000 + 24 * 3600;

/**
 * The ADSFT swanlog as committed: the two run folders of set A (adsft-0.6) beside the project's
 * `runs.swanlab` and its `runs.swanlab-wal` (adsft-0.6-db). Without the WAL the database knows 4 of
 * the 6 experiments; the two newest (round5, round5-2) are only in the WAL.
 */
function adsftWorkspace(withWal: boolean): string {
  const ws = tempDir();
  fs.cpSync(trackerFixtures('swanlab', 'adsft-0.6', 'swanlog'), path.join(ws, 'swanlog'), { recursive: true });
  const db = trackerFixtures('swanlab', 'adsft-0.6-db', 'swanlog');
  fs.copyFileSync(path.join(db, 'runs.swanlab'), path.join(ws, 'swanlog', 'runs.swanlab'));
  if (withWal) fs.copyFileSync(path.join(db, 'runs.swanlab-wal'), path.join(ws, 'swanlog', 'runs.swanlab-wal'));
  return ws;
}

describe('swanlab: run identity from runs.swanlab (0.6 folders sharing an id suffix)', () => {
  it('keeps folders that the database lists as different experiments apart, named as the database names them', async () => {
    const problems = new ProblemList();
    const runs = await readSwanlab(await loadSql(), adsftWorkspace(true), 'swanlog', problems, LATER);
    assert.deepStrictEqual(problems.messages, []);
    assert.deepStrictEqual(
      runs.map((r) => [r.uid, r.name, r.status]),
      [
        ['swanlab:swanlog/run-20260531_085436-kd4v3b6ndym9m725v4d7q', '/proj/arch/users/xinxu/med/aphasiacld/artifacts/adapters/round1', 'finished'],
        ['swanlab:swanlog/run-20260531_190548-kd4v3b6ndym9m725v4d7q', '/proj/arch/users/xinxu/med/aphasiacld/artifacts/adapters/round5-2', 'finished'],
      ],
    );
    assert.strictEqual(runs[0].metrics.get('train/loss')!.steps.length, 16);
    assert.strictEqual(runs[1].metrics.get('train/loss')!.steps.length, 54);
  });

  it('reads the newest experiments from the write-ahead log; without it they are unknown to the database', async () => {
    const without = await readSwanlab(await loadSql(), adsftWorkspace(false), 'swanlog', new ProblemList(), LATER);
    // The first folder is in the checkpointed database, the newest only in the WAL: its name comes from its own backup.
    assert.deepStrictEqual(without.map((r) => r.name), [
      '/proj/arch/users/xinxu/med/aphasiacld/artifacts/adapters/round1',
      '/proj/arch/users/xinxu/med/aphasiacld/artifacts/adapters/round5',
    ]);
  });
});

describe('swanlab: 0.2 logs (xdu-pattern fixture, March 2024)', () => {
  const root = trackerFixtures('swanlab', 'xdu-pattern-0.2');

  it('lists every run of runs.swanlab with its status, those without a logs/ folder too', async () => {
    const problems = new ProblemList();
    const runs = await readSwanlab(await loadSql(), root, 'swanlog', problems, LATER);
    assert.deepStrictEqual(problems.messages, []);
    assert.deepStrictEqual(
      runs.map((r) => [r.name, r.status]),
      [
        ['Fisher_iris_Mar02_23-55-29', 'finished'],
        ['Fisher_iris_Mar02_23-57-09', 'finished'],
        ['fisher_KNN_Iris_Mar03_00-03-02', 'finished'],
        ['KNN_Usps_Mar03_11-34-57', 'failed'],
        ['KNN_Usps_GPU_Mar03_12-09-24', 'killed'],
        ['KNN_Usps_GPU_Mar03_12-10-33', 'killed'],
        ['KNN_Usps_GPU_Mar03_12-11-53', 'killed'],
        ['KNN_Usps_GPU_Mar03_12-12-56', 'killed'],
        ['KNN_Usps_GPU_Mar03_12-15-44', 'failed'],
      ],
    );
    const crashed = runs[8];
    assert.match(crashed.console!, /KeyboardInterrupt/);
    assert.match(crashed.console!, /Error happended while training/);
  });

  it('reads logs/<key>/<n>.json (one JSON object with a data array) under URL-decoded keys', async () => {
    const runs = await readSwanlab(await loadSql(), root, 'swanlog', new ProblemList(), LATER);
    const first = runs[0];
    assert.deepStrictEqual([...first.metrics.keys()].sort(), ['Accuracy12', 'Accuracy13', 'Accuracy23']);
    assert.deepStrictEqual(first.metrics.get('Accuracy12'), { steps: [0], values: [1], times: [1709394932.474086] });
    assert.ok(first.artifacts.includes('swanlog/run-20240302_235709-803397bd/media/iris%201-2/image-step0-f304519565fd7f7c.png') || runs[1].artifacts.some((a) => a.endsWith('.png')));
    const knn = runs[2];
    const acc = knn.metrics.get('Accuracy')!;
    assert.ok(acc.steps.length > 10, `${acc.steps.length} points`);
    assert.strictEqual(knn.startTime, 1709395382.161192);
  });

  it('decodes a URL-encoded key folder holding numbers (a key with a space, as 0.2 writes it)', async () => {
    const ws = tempDir();
    const from = path.join(root, 'swanlog', 'run-20240302_235529-8a5890ba');
    const dir = path.join(ws, 'swanlog', 'run-20240302_235529-8a5890ba');
    fs.cpSync(from, dir, { recursive: true });
    fs.renameSync(path.join(dir, 'logs', 'Accuracy12'), path.join(dir, 'logs', 'Accuracy%201-2'));
    const problems = new ProblemList();
    const [run] = await readSwanlab(await loadSql(), ws, 'swanlog', problems, LATER);
    assert.deepStrictEqual(problems.messages, []);
    assert.deepStrictEqual(run.metrics.get('Accuracy 1-2')!.values, [1]);
  });
});
