import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ImportIndex } from '../../src/core/ingest/importIndex';
import type { ImportedRun, ImportUnit } from '../../src/core/importers/contract';
import { appendEvents, header, workspace } from './support/helpers';

/** A fake tracker: one JSON file per unit holding its runs; the point is the index logic, not a format. */
function jsonFinder(dir: string) {
  let reads = 0;
  const finder = async (): Promise<ImportUnit[]> =>
    fs.existsSync(dir)
      ? fs.readdirSync(dir).map((name) => {
          const file = path.join(dir, name);
          return {
            key: `fake:${name}`,
            files: async () => [file],
            read: async () => {
              reads++;
              const runs = JSON.parse(fs.readFileSync(file, 'utf8')) as Array<Omit<ImportedRun, 'metrics'> & { metrics: Record<string, { steps: number[]; values: number[] }> }>;
              return runs.map((r) => ({
                ...r,
                metrics: new Map(Object.entries(r.metrics).map(([k, s]) => [k, { ...s, times: s.steps.map(() => null) }])),
              }));
            },
          };
        })
      : [];
  return { finder, reads: () => reads };
}

function fakeRun(uid: string, extra: Partial<ImportedRun> = {}, metrics: Record<string, { steps: number[]; values: number[] }> = {}) {
  return { source: 'mlflow', uid, experiment: 'exp', name: uid, status: 'finished', params: { a: 1 }, tags: ['t'], folder: 'mlruns/1/' + uid, artifacts: [], ...extra, metrics };
}

describe('import index', () => {
  it('stores imported runs with their source, reads a unit again only when its files change, and removes vanished runs', async () => {
    const ws = await workspace();
    const dir = path.join(ws.root, 'fake');
    fs.mkdirSync(dir);
    const unitFile = path.join(dir, 'store.json');
    fs.writeFileSync(unitFile, JSON.stringify([fakeRun('mlflow:1', { deleted: true, note: 'n' }, { loss: { steps: [0, 1, 1], values: [3, 2, 9] } }), fakeRun('mlflow:2')]));
    const fake = jsonFinder(dir);
    const index = new ImportIndex(ws.store, ws.root, [fake.finder], ws.problems);

    const first = await index.sync();
    assert.deepStrictEqual([...first.runs].sort(), ['mlflow:1', 'mlflow:2']);
    const run = ws.store.getRun('mlflow:1')!;
    assert.strictEqual(run.source, 'mlflow');
    assert.strictEqual(run.deleted, true);
    assert.strictEqual(run.note, 'n');
    assert.strictEqual(run.pointCount, 2, 'duplicate step: first value kept');
    assert.deepStrictEqual(ws.store.getParams(run.id), { a: 1 });

    const again = await index.sync();
    assert.strictEqual(again.runs.size, 0);
    assert.strictEqual(fake.reads(), 1, 'an unchanged unit is not read again');

    fs.writeFileSync(unitFile, JSON.stringify([fakeRun('mlflow:1', {}, { loss: { steps: [0, 1, 2], values: [3, 2, 1] } })]));
    fs.utimesSync(unitFile, new Date(), new Date(Date.now() + 5000));
    const changed = await index.sync();
    assert.ok(changed.removed.has('mlflow:2'));
    assert.ok(changed.reset.has('mlflow:1'));
    assert.strictEqual(ws.store.getRun('mlflow:1')!.pointCount, 3);
    assert.strictEqual(ws.store.getRun('mlflow:1')!.deleted, false);

    fs.rmSync(unitFile);
    const gone = await index.sync();
    assert.ok(gone.removed.has('mlflow:1'));
    assert.deepStrictEqual(ws.store.listRuns(), []);
  });

  it('never replaces a native Labbook run that has the same id', async () => {
    const ws = await workspace();
    appendEvents(ws.eventsFile('r'), [header('same')]);
    await ws.indexer.sync();
    const dir = path.join(ws.root, 'fake');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'u.json'), JSON.stringify([fakeRun('same')]));
    await new ImportIndex(ws.store, ws.root, [jsonFinder(dir).finder], ws.problems).sync();
    assert.strictEqual(ws.store.getRun('same')!.source, 'labbook');
    assert.match(ws.problems.messages.join('\n'), /already a Labbook run/);
  });
});

describe('import index: the same run id from two units', () => {
  it('keeps both, the second one named after its folder', async () => {
    const ws = await workspace();
    const dir = path.join(ws.root, 'fake');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify([fakeRun('wandb:x', { folder: 'wandb/run-1-x' })]));
    fs.writeFileSync(path.join(dir, 'b.json'), JSON.stringify([fakeRun('wandb:x', { folder: 'wandb/run-2-x' })]));
    const index = new ImportIndex(ws.store, ws.root, [jsonFinder(dir).finder], ws.problems);
    await index.sync();
    assert.deepStrictEqual(ws.store.listRuns().map((r) => r.uid).sort(), ['wandb:x', 'wandb:x@wandb/run-2-x']);
    fs.utimesSync(path.join(dir, 'a.json'), new Date(), new Date(Date.now() + 9000));
    fs.utimesSync(path.join(dir, 'b.json'), new Date(), new Date(Date.now() + 9000));
    await index.sync();
    assert.deepStrictEqual(ws.store.listRuns().map((r) => r.uid).sort(), ['wandb:x', 'wandb:x@wandb/run-2-x'], 'stable when read again');
  });
});
