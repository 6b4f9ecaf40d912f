import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ImportIndex } from '../../src/core/ingest/importIndex';
import { importFinders } from '../../src/core/importers/sources';
import { trackerFixtures, workspace } from './support/helpers';

describe('import sources: real tracker output in a workspace', () => {
  it('finds TensorBoard and W&B runs next to native ones and indexes them with their source', async () => {
    const ws = await workspace();
    fs.cpSync(trackerFixtures('tensorboard', 'lightning-lstm'), path.join(ws.root, 'tb'), { recursive: true });
    fs.cpSync(trackerFixtures('wandb', 'sparse-gpt'), path.join(ws.root, 'wb'), { recursive: true });
    const index = new ImportIndex(ws.store, ws.root, importFinders(), ws.problems);
    const changes = await index.sync();
    const runs = ws.store.listRuns();
    const bySource = (s: string) => runs.filter((r) => r.source === s);
    assert.strictEqual(bySource('tensorboard').length, 1);
    assert.strictEqual(bySource('wandb').length, 3);
    const tb = bySource('tensorboard')[0];
    const loss = ws.store.listSeries(tb.id).find((s) => s.key === 'train_loss')!;
    assert.strictEqual(loss.count, 7691);
    assert.ok(changes.points.get(tb.uid)!.has('train_loss'));
    // Nothing changed on disk: nothing is read again.
    const again = await index.sync();
    assert.strictEqual(again.runs.size, 0);
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
    const index = new ImportIndex(ws.store, ws.root, importFinders(), ws.problems);
    await index.sync();
    const run = () => ws.store.listRuns().find((r) => r.source === 'tensorboard')!;
    const count = () => ws.store.listSeries(run().id).find((s) => s.key === 'train_loss')!.count;
    const half = count();
    assert.ok(half > 1000 && half < 7691, `half: ${half}`);
    fs.appendFileSync(path.join(dest, eventFile), bytes.subarray(Math.floor(bytes.length / 2)));
    fs.utimesSync(path.join(dest, eventFile), new Date(), new Date(Date.now() + 5000));
    await index.sync();
    assert.strictEqual(count(), 7691);
    fs.rmSync(dest, { recursive: true });
    const gone = await index.sync(true);
    assert.strictEqual(gone.removed.size, 1);
    assert.strictEqual(ws.store.listRuns().length, 0);
  });
});
