import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Store } from '../../src/core/store/store';
import { SCHEMA_VERSION } from '../../src/core/store/schema';
import { appendEvents, header, loadSql, tempDir, workspace } from './support/helpers';

describe('store: persistence and recovery', () => {
  it('creates the schema at the current version', async () => {
    const { store } = await Store.open(await loadSql());
    assert.deepStrictEqual(store.listRuns(), []);
    assert.strictEqual(SCHEMA_VERSION >= 1, true);
  });

  it('saves atomically and reopens with the same content and offsets: a restart adds no duplicates', async () => {
    const root = tempDir();
    const indexFile = path.join(root, '.labbook', 'index.sqlite');
    const ws = await workspace({ root, indexFile });
    const f = ws.eventsFile('r');
    appendEvents(f, [header('r'), { t: 'metrics', step: 0, values: { loss: 1 } }]);
    await ws.indexer.sync();
    await ws.store.save();
    ws.store.close();
    assert.deepStrictEqual(fs.readdirSync(path.dirname(indexFile)), ['index.sqlite', 'index.sqlite.series', 'index.sqlite.sum'], 'no temp file left behind, only the index, its series files and its checksum');

    appendEvents(f, [{ t: 'metrics', step: 1, values: { loss: 0.5 } }]);
    const ws2 = await workspace({ root, indexFile });
    await ws2.indexer.sync();
    const run = ws2.store.getRun('r')!;
    assert.strictEqual(run.pointCount, 2);
    const s = ws2.store.listSeries(run.id)[0];
    assert.deepStrictEqual(ws2.store.getPoints(s.id).values, [1, 0.5]);
  });

  for (const [label, bytes] of [
    ['junk', Buffer.from('this is not a database at all, just some text that is long enough')],
    ['a truncated image', undefined],
  ] as const) {
    it(`moves aside an index that is ${label} and rebuilds from the logs`, async () => {
      const root = tempDir();
      const indexFile = path.join(root, '.labbook', 'index.sqlite');
      const ws = await workspace({ root, indexFile });
      appendEvents(ws.eventsFile('r'), [header('r'), { t: 'metrics', step: 0, values: { loss: 1 } }]);
      await ws.indexer.sync();
      await ws.store.save();
      ws.store.close();
      const good = fs.readFileSync(indexFile);
      fs.writeFileSync(indexFile, bytes ?? good.subarray(0, Math.floor(good.length / 2)));

      const { store, problem } = await Store.open(await loadSql(), indexFile);
      assert.match(problem!, /could not be read/);
      assert.ok(fs.readdirSync(path.dirname(indexFile)).some((n) => n.startsWith('index.sqlite.corrupt-')));
      store.close();
      const ws2 = await workspace({ root, indexFile });
      await ws2.indexer.sync();
      assert.strictEqual(ws2.store.getRun('r')!.pointCount, 1);
    });
  }

  it('opens a zero-length index file as a fresh one', async () => {
    const root = tempDir();
    const indexFile = path.join(root, 'index.sqlite');
    fs.writeFileSync(indexFile, '');
    const { store, problem } = await Store.open(await loadSql(), indexFile);
    assert.strictEqual(problem, undefined);
    assert.deepStrictEqual(store.listRuns(), []);
  });

  it('refuses to save inside a transaction', async () => {
    const root = tempDir();
    const { store } = await Store.open(await loadSql(), path.join(root, 'i.sqlite'));
    store.experimentId('x');
    await assert.rejects(
      async () => {
        let p: Promise<void> | undefined;
        store.transaction(() => {
          p = store.save();
        });
        await p;
      },
      /inside a transaction/,
    );
  });

  it('loses nothing when the process is killed while it saves, again and again', async function () {
    this.timeout(120_000);
    const root = tempDir();
    const logRoot = path.join(root, 'labbook');
    const f = path.join(logRoot, 'r', 'events.jsonl');
    const steps = 3000;
    appendEvents(f, [header('r'), ...Array.from({ length: steps }, (_, i) => ({ t: 'metrics', step: i, values: { loss: 1 / (i + 1), acc: i } }))]);
    const worker = path.join(__dirname, 'support', 'saveLoopWorker.js');
    const indexFile = path.join(root, '.labbook', 'index.sqlite');
    for (let round = 0; round < 6; round++) {
      // Let the worker ingest (each round adds more lines) and save in a loop, then SIGKILL it mid-write.
      appendEvents(f, Array.from({ length: 500 }, (_, i) => ({ t: 'metrics', step: steps + round * 500 + i, values: { loss: 0.1 } })));
      const child = spawn(process.execPath, [worker, root, indexFile], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 5 + round * 13));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    const ws = await workspace({ root, indexFile });
    await ws.indexer.sync();
    const run = ws.store.getRun('r')!;
    const byKey = new Map(ws.store.listSeries(run.id).map((s) => [s.key, s]));
    assert.strictEqual(byKey.get('loss')!.count, steps + 6 * 500);
    assert.strictEqual(byKey.get('acc')!.count, steps);
    assert.strictEqual(ws.store.getPoints(byKey.get('loss')!.id).steps.length, steps + 6 * 500);
    assert.ok(!fs.readdirSync(path.dirname(indexFile)).some((n) => n.includes('corrupt')), 'the index was never corrupt');
  });
});
