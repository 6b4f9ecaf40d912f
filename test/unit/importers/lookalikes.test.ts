import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ImportIndex } from '../../../src/core/ingest/importIndex';
import { importFinders } from '../../../src/core/importers/finders';
import { loadSql, trackerFixtures, workspace } from '../support/helpers';

function write(file: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
}

/** The messages a first sync of a workspace prepared by `fill` leaves in Show Log. */
async function messagesFor(fill: (root: string) => void): Promise<string[]> {
  const ws = await workspace();
  fill(ws.root);
  await new ImportIndex(ws.store, ws.root, importFinders(await loadSql()), ws.problems).sync();
  assert.strictEqual(ws.store.listRuns().length, 0, 'nothing was read');
  return ws.problems.messages;
}

describe('folders that look like a tracker\'s output but give nothing say so', () => {
  it('a dvclive folder holding only its HTML report', async () => {
    const messages = await messagesFor((root) => write(path.join(root, 'dvclive', 'report.html'), '<html></html>'));
    assert.deepStrictEqual(messages, ['dvclive: looks like DVCLive output (a folder named dvclive) but was not read: it holds report.html; the DVCLive reader needs metrics.json, params.yaml, plots/metrics/*.tsv, scalars/*.tsv or *.tsv files']);
  });

  it('a lightning_logs folder whose event files were left out (only hparams.yaml committed)', async () => {
    const messages = await messagesFor((root) => fs.cpSync(trackerFixtures('tensorboard', 'lightning-lstm', 'lightning_logs', 'version_0', 'hparams.yaml'), path.join(root, 'lightning_logs', 'version_0', 'hparams.yaml')));
    assert.deepStrictEqual(messages, ['lightning_logs: looks like TensorBoard output (a folder named lightning_logs) but was not read: it holds version_0/; the TensorBoard reader needs version_* or run folders with events.out.tfevents.* files holding scalars']);
  });

  it('a wandb folder with only debug logs', async () => {
    const messages = await messagesFor((root) => {
      write(path.join(root, 'wandb', 'debug.log'), 'x');
      write(path.join(root, 'wandb', 'debug-internal.log'), 'x');
    });
    assert.deepStrictEqual(messages, ['wandb: looks like W&B output (a folder named wandb) but was not read: it holds debug-internal.log, debug.log; the W&B reader needs run-*/offline-run-* folders with a .wandb file']);
  });

  it('a swanlog folder whose runs.swanlab lists runs whose folders were not committed (set A\'s resnet database alone)', async () => {
    const messages = await messagesFor((root) => fs.cpSync(trackerFixtures('swanlab', 'resnet-instrument-0.3', 'swanlog', 'runs.swanlab'), path.join(root, 'swanlog', 'runs.swanlab')));
    assert.deepStrictEqual(messages, ['swanlog: found as SwanLab output, but no run could be read from it (see the messages above, if any)']);
  });

  it('an mlruns store with only the Default experiment', async () => {
    const messages = await messagesFor((root) => fs.cpSync(trackerFixtures('mlflow-files', 'ultralytics-boat', 'runs', 'mlflow', '0'), path.join(root, 'mlruns', '0'), { recursive: true }));
    assert.deepStrictEqual(messages, ['mlruns: found as MLflow output, but no run could be read from it (see the messages above, if any)']);
  });

  it('says nothing about what was read, nor about an mlruns/ of artifacts beside an MLflow database', async () => {
    const ws = await workspace();
    fs.cpSync(trackerFixtures('mlflow-sqlite', 'zoomcamp-official'), ws.root, { recursive: true });
    fs.cpSync(trackerFixtures('dvclive', 'quality-of-life-folds'), ws.root, { recursive: true });
    write(path.join(ws.root, 'mlruns', '1', 'abc', 'artifacts', 'model.txt'), 'm');
    await new ImportIndex(ws.store, ws.root, importFinders(await loadSql()), ws.problems).sync();
    assert.deepStrictEqual(ws.problems.messages.filter((m) => /looks like|found as/.test(m)), []);
    assert.strictEqual(ws.store.listRuns().filter((r) => r.source === 'dvclive').length, 6);
  });
});
