import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ImportIndex } from '../../src/core/ingest/importIndex';
import { importFinders } from '../../src/core/importers/finders';
import { loadSql, trackerFixtures, workspace } from './support/helpers';

describe('import sources: real tracker output in a workspace', () => {
  it('finds TensorBoard and W&B runs next to native ones and indexes them with their source', async () => {
    const ws = await workspace();
    fs.cpSync(trackerFixtures('tensorboard', 'lightning-lstm'), path.join(ws.root, 'tb'), { recursive: true });
    fs.cpSync(trackerFixtures('wandb', 'sparse-gpt'), path.join(ws.root, 'wb'), { recursive: true });
    fs.cpSync(trackerFixtures('mlflow-files', 'ultralytics-boat'), path.join(ws.root, 'boat'), { recursive: true });
    fs.cpSync(trackerFixtures('mlflow-sqlite', 'zoomcamp-official'), path.join(ws.root, 'zoomcamp'), { recursive: true });
    fs.cpSync(trackerFixtures('dvclive', 'densegpt-hf'), path.join(ws.root, 'gpt'), { recursive: true });
    fs.cpSync(trackerFixtures('swanlab', 'resnet-instrument-0.3'), path.join(ws.root, 'swan'), { recursive: true });
    const index = new ImportIndex(ws.store, ws.root, importFinders(await loadSql()), ws.problems);
    const changes = await index.sync();
    const runs = ws.store.listRuns();
    const bySource = (s: string) => runs.filter((r) => r.source === s);
    assert.strictEqual(bySource('tensorboard').length, 1);
    assert.strictEqual(bySource('wandb').length, 3);
    assert.strictEqual(bySource('mlflow').length, 4 + 16, 'ultralytics file store + zoomcamp mlflow.db');
    assert.strictEqual(bySource('dvclive').length, 1);
    assert.strictEqual(bySource('swanlab').length, 1);
    const server = (m: string) => m.includes('logged artifacts through an MLflow server');
    assert.deepStrictEqual(ws.problems.messages.filter((m) => !/wal/i.test(m) && !server(m)), []);
    assert.strictEqual(ws.problems.messages.filter(server).length, 1, 'the ultralytics store says once that its artifacts stayed on the server');
    const tb = bySource('tensorboard')[0];
    const loss = ws.store.listSeries(tb.id).find((s) => s.key === 'train_loss')!;
    assert.strictEqual(loss.count, 7691);
    assert.ok(changes.points.get(tb.uid)!.has('train_loss'));
    // Nothing changed on disk: nothing is read again.
    const again = await index.sync();
    assert.strictEqual(again.runs.size, 0);
  });

  it('reads only the trackers switched on, and the extra folders: deep ones and dot-folders the workspace search skips', async () => {
    const ws = await workspace();
    const deep = path.join(ws.root, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i');
    fs.cpSync(trackerFixtures('mlflow-files', 'ultralytics-boat', 'runs', 'mlflow'), path.join(deep, 'mlruns'), { recursive: true });
    fs.cpSync(trackerFixtures('tensorboard', 'lightning-lstm', 'lightning_logs'), path.join(ws.root, '.cache', 'lightning_logs'), { recursive: true });
    fs.cpSync(trackerFixtures('dvclive', 'densegpt-hf'), path.join(ws.root, 'gpt'), { recursive: true });
    const sources = (runs: ReturnType<typeof ws.store.listRuns>) => runs.map((r) => r.source).sort();
    const SQL = await loadSql();

    await new ImportIndex(ws.store, ws.root, importFinders(SQL), ws.problems).sync();
    assert.deepStrictEqual(sources(ws.store.listRuns()), ['dvclive'], 'too deep and a dot-folder: not found by the workspace search');

    const extra = { folders: [path.join(ws.root, 'a', 'b', 'c', 'd', 'e', 'f', 'g'), path.join(ws.root, '.cache'), path.join(ws.root, 'missing')] };
    const index = new ImportIndex(ws.store, ws.root, importFinders(SQL, extra), ws.problems);
    await index.sync();
    assert.deepStrictEqual(sources(ws.store.listRuns()), ['dvclive', 'mlflow', 'mlflow', 'mlflow', 'mlflow', 'tensorboard']);
    assert.ok(ws.store.getRun('tensorboard:.cache/lightning_logs/version_0'), 'uids stay workspace-relative');

    const only = new ImportIndex(ws.store, ws.root, importFinders(SQL, { ...extra, searchWorkspace: false, sources: new Set(['tensorboard'] as const) }), ws.problems);
    const changes = await only.sync();
    assert.deepStrictEqual(sources(ws.store.listRuns()), ['tensorboard'], 'switched-off trackers and runs outside the folders leave the index');
    assert.strictEqual(changes.removed.size, 5);
    assert.deepStrictEqual(ws.problems.messages.filter((m) => !m.includes('logged artifacts through an MLflow server')), []);
  });

  it('follows a TensorBoard event file that grows, and drops the run when its folder goes', async () => {
    const ws = await workspace();
    const src = trackerFixtures('tensorboard', 'lightning-lstm', 'lightning_logs', 'version_0');
    const eventFile = fs.readdirSync(src).find((n) => n.startsWith('events.out.tfevents'))!;
    const bytes = fs.readFileSync(path.join(src, eventFile));
    const dest = path.join(ws.root, 'logs', 'version_0');
    fs.mkdirSync(dest, { recursive: true });
    // First half of the file (cut inside a record: the torn tail waits), then the rest.
    fs.writeFileSync(path.join(dest, eventFile), bytes.subarray(0, Math.floor(bytes.length / 2)));
    const index = new ImportIndex(ws.store, ws.root, importFinders(await loadSql()), ws.problems);
    await index.sync();
    const run = () => ws.store.listRuns().find((r) => r.source === 'tensorboard')!;
    const count = () => ws.store.listSeries(run().id).find((s) => s.key === 'train_loss')!.count;
    const half = count();
    assert.ok(half > 1000 && half < 7691, `half: ${half}`);
    fs.appendFileSync(path.join(dest, eventFile), bytes.subarray(Math.floor(bytes.length / 2)));
    fs.utimesSync(path.join(dest, eventFile), new Date(), new Date(Date.now() + 5000));
    const grown = await index.sync();
    assert.strictEqual(count(), 7691);
    assert.strictEqual(grown.reset.size, 0, 'a run that only grew is updated in place, not replaced');
    assert.ok(grown.points.get(run().uid)!.get('train_loss')! > 0, 'only the new tail was inserted');
    fs.rmSync(dest, { recursive: true });
    const gone = await index.sync(true);
    assert.strictEqual(gone.removed.size, 1);
    assert.strictEqual(ws.store.listRuns().length, 0);
  });
});

describe('import sources: a live MLflow run', () => {
  it('gets its new metric lines without the other runs of the store being read again', async () => {
    const ws = await workspace();
    const store = path.join(ws.root, 'mlruns');
    fs.cpSync(trackerFixtures('mlflow-files', 'ultralytics-boat', 'runs', 'mlflow'), store, { recursive: true });
    const index = new ImportIndex(ws.store, ws.root, importFinders(await loadSql()), ws.problems);
    await index.sync();
    const run = ws.store.listRuns().find((r) => r.name === 'popular-conch-815')!;
    const metricFile = path.join(ws.root, run.folder, 'metrics', 'train', 'box_loss');
    const before = ws.store.listSeries(run.id).find((s) => s.key === 'train/box_loss')!.count;
    fs.appendFileSync(metricFile, `\n${Date.now()} 0.5 ${before + 1000}\n`);
    const changes = await index.sync();
    assert.deepStrictEqual([...changes.runs].filter((u) => u.startsWith('mlflow:')).length, 4, 'the store is one unit');
    assert.deepStrictEqual([...changes.points.keys()], [run.uid], 'only the run that grew has new points');
    assert.strictEqual(changes.reset.size, 0);
    const after = ws.store.getRun(run.uid)!;
    assert.strictEqual(ws.store.listSeries(after.id).find((s) => s.key === 'train/box_loss')!.count, before + 1);
  });
});

describe('import sources: an MLflow run that is still running', () => {
  it('reads its metric files from where it stopped, leaving a torn last line for later', async () => {
    const ws = await workspace();
    const run = path.join(ws.root, 'mlruns', '1', 'r1');
    fs.mkdirSync(path.join(run, 'metrics'), { recursive: true });
    fs.writeFileSync(path.join(ws.root, 'mlruns', '1', 'meta.yaml'), "experiment_id: '1'\nname: live\nlifecycle_stage: active\n");
    fs.writeFileSync(path.join(run, 'meta.yaml'), "run_id: r1\nrun_name: live-run\nexperiment_id: '1'\nstatus: 1\nstart_time: 1700000000000\nlifecycle_stage: active\n");
    const metric = path.join(run, 'metrics', 'loss');
    fs.writeFileSync(metric, '1700000000000 1.0 0\n1700000001000 0.9 1\n1700000002000 0.8');
    const index = new ImportIndex(ws.store, ws.root, importFinders(await loadSql()), ws.problems);
    await index.sync();
    const points = () => {
      const r = ws.store.listRuns()[0];
      return ws.store.getPoints(ws.store.listSeries(r.id)[0].id);
    };
    assert.deepStrictEqual(points().values, [1.0, 0.9], 'the torn last line waits');
    assert.strictEqual(ws.store.listRuns()[0].status, 'running');
    fs.appendFileSync(metric, '5 2\n1700000003000 0.7 3\n');
    fs.utimesSync(metric, new Date(), new Date(Date.now() + 5000));
    const changes = await index.sync();
    assert.deepStrictEqual(points().steps, [0, 1, 2, 3]);
    assert.deepStrictEqual(points().values, [1.0, 0.9, 0.85, 0.7]);
    assert.strictEqual(changes.reset.size, 0);
    assert.deepStrictEqual(ws.problems.messages, []);
  });
});

describe('import sources: a DVCLive run being written', () => {
  it('reads each TSV from where it stopped; a torn row waits for its newline', async () => {
    const ws = await workspace();
    const dir = path.join(ws.root, 'dvclive', 'plots', 'metrics', 'train');
    fs.mkdirSync(dir, { recursive: true });
    const tsv = path.join(dir, 'loss.tsv');
    fs.writeFileSync(tsv, 'step\tloss\n0\t1.0\n1\t0.9\n2\t0.8');
    const index = new ImportIndex(ws.store, ws.root, importFinders(await loadSql()), ws.problems);
    await index.sync();
    const points = () => {
      const r = ws.store.listRuns().find((x) => x.source === 'dvclive')!;
      return ws.store.getPoints(ws.store.listSeries(r.id).find((x) => x.key === 'train/loss')!.id);
    };
    assert.deepStrictEqual(points().values, [1.0, 0.9]);
    fs.appendFileSync(tsv, '5\n3\t0.7\n');
    fs.utimesSync(tsv, new Date(), new Date(Date.now() + 5000));
    const changes = await index.sync();
    assert.deepStrictEqual(points().steps, [0, 1, 2, 3]);
    assert.deepStrictEqual(points().values, [1.0, 0.9, 0.85, 0.7]);
    assert.strictEqual(changes.reset.size, 0);
    assert.deepStrictEqual(ws.problems.messages, []);
  });
});
