import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { alertMet, parseAlertCondition, parseLine, safeRunPath } from '../../src/core/format/records';
import { readConsole } from '../../src/core/ingest/console';
import { appendEvents, header, tempDir, workspace } from './support/helpers';

describe('run log format: artifacts, datasets, env, alerts, console', () => {
  it('keeps artifact paths inside the run folder', () => {
    assert.strictEqual(safeRunPath('artifacts/model/w.pt'), 'artifacts/model/w.pt');
    assert.strictEqual(safeRunPath('./artifacts//a.txt'), 'artifacts/a.txt');
    assert.strictEqual(safeRunPath('../../etc/passwd'), undefined);
    assert.strictEqual(safeRunPath('artifacts/../../x'), undefined);
    assert.strictEqual(safeRunPath('/etc/passwd'), undefined);
    assert.strictEqual(safeRunPath('C:\\Windows\\x'), undefined);
    assert.strictEqual(parseLine('{"t":"artifact","path":"../secret"}').kind, 'invalid');
  });

  it('parses alert conditions and evaluates them', () => {
    const c = parseAlertCondition('val/loss > 2.0')!;
    assert.deepStrictEqual(c, { text: 'val/loss > 2.0', metric: 'val/loss', op: '>', value: 2 });
    assert.ok(alertMet(c, 2.5));
    assert.ok(!alertMet(c, 2));
    assert.deepStrictEqual(parseAlertCondition('acc>=0.9'), { text: 'acc>=0.9', metric: 'acc', op: '>=', value: 0.9 });
    assert.strictEqual(parseAlertCondition('loss is big'), undefined);
    assert.strictEqual(parseAlertCondition('loss > high'), undefined);
    assert.strictEqual(parseLine('{"t":"alert","condition":"nonsense"}').kind, 'invalid');
  });

  it('indexes artifacts, datasets, environment and alerts', async () => {
    const ws = await workspace();
    appendEvents(ws.eventsFile('r'), [
      header('r'),
      { t: 'artifact', path: 'artifacts/model/w.pt', name: 'model/w.pt', size: 10, sha256: 'ab', time: 5 },
      { t: 'artifact', path: 'artifacts/images/val/pred/step_40.png', name: 'images/val/pred/step_40.png', size: 7, step: 40, caption: 'epoch 40' },
      { t: 'artifact', path: 'artifacts/images/val/pred/step_x.png', name: 'images/val/pred/step_x.png', step: -1 },
      { t: 'dataset', name: 'train', path: 'data/train.csv', size: 100, sha256: 'cd', context: 'training' },
      { t: 'dataset', name: 'imagenet', uri: 's3://b/imagenet' },
      { t: 'env', values: { python: { version: '3.11' }, cwd: '/x' } },
      { t: 'env', values: { cwd: '/y' } },
      { t: 'alert', condition: 'val/loss > 2', message: 'diverged', level: 'error' },
    ]);
    await ws.indexer.sync();
    const run = ws.store.getRun('r')!;
    assert.deepStrictEqual(ws.store.getArtifacts(run.id), [
      { path: 'artifacts/images/val/pred/step_40.png', name: 'images/val/pred/step_40.png', size: 7, sha256: null, time: null, step: 40, caption: 'epoch 40' },
      { path: 'artifacts/images/val/pred/step_x.png', name: 'images/val/pred/step_x.png', size: null, sha256: null, time: null, step: null, caption: null },
      { path: 'artifacts/model/w.pt', name: 'model/w.pt', size: 10, sha256: 'ab', time: 5, step: null, caption: null },
    ]);
    const ds = ws.store.getDatasets(run.id);
    assert.deepStrictEqual(ds.map((d) => [d.name, d.path, d.uri, d.context]), [['imagenet', null, 's3://b/imagenet', ''], ['train', 'data/train.csv', null, 'training']]);
    assert.deepStrictEqual(ws.store.getEnv(run.id), { python: { version: '3.11' }, cwd: '/y' });
    assert.deepStrictEqual(ws.store.getAlerts(run.id), [{ condition: 'val/loss > 2', message: 'diverged', level: 'error' }]);
    assert.deepStrictEqual(ws.problems.messages, []);
    // Re-reading after truncation leaves no stale rows behind.
    fs.writeFileSync(ws.eventsFile('r'), '');
    appendEvents(ws.eventsFile('r'), [header('r')]);
    await ws.indexer.sync();
    const again = ws.store.getRun('r')!;
    assert.deepStrictEqual(ws.store.getArtifacts(again.id), []);
    assert.deepStrictEqual(ws.store.getEnv(again.id), {});
  });

  it('reads console output, only its end when it is long, and never outside the workspace', async () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, 'labbook', 'r'), { recursive: true });
    fs.writeFileSync(path.join(root, 'labbook', 'r', 'console.log'), 'line 1\nline 2\nline 3\n');
    assert.deepStrictEqual(await readConsole(root, 'labbook/r'), { text: 'line 1\nline 2\nline 3\n', skipped: 0 });
    const tail = await readConsole(root, 'labbook/r', 10);
    assert.strictEqual(tail.text, 'line 3\n');
    assert.strictEqual(tail.skipped, 14);
    assert.deepStrictEqual(await readConsole(root, '../..'), { text: '', skipped: 0 });
    assert.deepStrictEqual(await readConsole(root, 'labbook/missing'), { text: '', skipped: 0 });
  });
});

describe('alerts', () => {
  it('trigger once, on the first new point that meets the condition', async () => {
    const { evaluateAlerts } = await import('../../src/core/alerts');
    const ws = await workspace();
    const f = ws.eventsFile('r');
    appendEvents(f, [header('r'), { t: 'alert', condition: 'val/loss > 2', message: 'diverged' }, { t: 'metrics', step: 0, time: 10, values: { 'val/loss': 1 } }]);
    assert.deepStrictEqual(evaluateAlerts(ws.store, await ws.indexer.sync()), []);
    appendEvents(f, [{ t: 'metrics', step: 1, time: 11, values: { 'val/loss': 2.5 } }, { t: 'metrics', step: 2, time: 12, values: { 'val/loss': 3 } }]);
    const fired = evaluateAlerts(ws.store, await ws.indexer.sync());
    assert.deepStrictEqual(fired.map((a) => [a.runUid, a.condition, a.step, a.value, a.time, a.level]), [['r', 'val/loss > 2', 1, 2.5, 11, 'warning']]);
    appendEvents(f, [{ t: 'metrics', step: 3, values: { 'val/loss': 4 } }]);
    assert.deepStrictEqual(evaluateAlerts(ws.store, await ws.indexer.sync()), [], 'an alert fires once');
    const state = ws.store.getAlertStates(ws.store.getRun('r')!.id)[0];
    assert.strictEqual(state.triggeredStep, 1);
  });
});
