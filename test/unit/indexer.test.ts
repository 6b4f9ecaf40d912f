import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { appendEvents, header, workspace } from './support/helpers';

function seriesOf(ws: Awaited<ReturnType<typeof workspace>>, uid: string, key: string) {
  const run = ws.store.getRun(uid)!;
  const s = ws.store.listSeries(run.id).find((x) => x.key === key)!;
  return { series: s, points: ws.store.getPoints(s.id) };
}

describe('indexer', () => {
  it('indexes a complete run: experiment, name, params, tags, metrics, status', async () => {
    const ws = await workspace();
    appendEvents(ws.eventsFile('run-1'), [
      header('r1', { project: 'mnist', name: 'baseline', description: 'first try', tags: ['a'] }),
      { t: 'params', values: { lr: 0.1, 'model.layers': 3, opt: 'adam' } },
      { t: 'metrics', step: 0, time: 1_700_000_001, values: { 'train/loss': 1.0, acc: 0.5 } },
      { t: 'metrics', step: 1, time: 1_700_000_002, values: { 'train/loss': 0.5 } },
      { t: 'tags', tags: ['b'] },
      { t: 'note', text: 'looks good' },
      { t: 'status', status: 'finished', time: 1_700_000_003 },
    ]);
    const changes = await ws.indexer.sync();
    assert.deepStrictEqual([...changes.runs], ['r1']);
    const run = ws.store.getRun('r1')!;
    assert.strictEqual(run.experiment, 'mnist');
    assert.strictEqual(run.name, 'baseline');
    assert.strictEqual(run.description, 'first try');
    assert.strictEqual(run.status, 'finished');
    assert.strictEqual(run.endTime, 1_700_000_003);
    assert.strictEqual(run.note, 'looks good');
    assert.strictEqual(run.folder, 'labbook/run-1');
    assert.strictEqual(run.pointCount, 3);
    assert.deepStrictEqual(ws.store.getParams(run.id), { lr: 0.1, 'model.layers': 3, opt: 'adam' });
    assert.deepStrictEqual(ws.store.getTags(run.id), ['a', 'b']);
    assert.deepStrictEqual(seriesOf(ws, 'r1', 'train/loss').points.steps, [0, 1]);
    assert.deepStrictEqual(seriesOf(ws, 'r1', 'train/loss').points.values, [1.0, 0.5]);
    assert.deepStrictEqual(ws.problems.messages, []);
  });

  it('reads only what was appended, and reports the smallest new step per metric', async () => {
    const ws = await workspace();
    const f = ws.eventsFile('r');
    appendEvents(f, [header('r'), { t: 'metrics', step: 0, values: { loss: 1 } }]);
    await ws.indexer.sync();
    appendEvents(f, [{ t: 'metrics', step: 1, values: { loss: 0.9 } }, { t: 'metrics', step: 2, values: { loss: 0.8 } }]);
    const changes = await ws.indexer.sync([f]);
    assert.strictEqual(changes.points.get('r')!.get('loss'), 1);
    const { series, points } = seriesOf(ws, 'r', 'loss');
    assert.strictEqual(series.count, 3);
    assert.strictEqual(series.lastStep, 2);
    assert.deepStrictEqual(points.values, [1, 0.9, 0.8]);
    const again = await ws.indexer.sync();
    assert.strictEqual(again.runs.size, 0, 'an unchanged file is not read again');
  });

  it('keeps the first value of a duplicate step', async () => {
    const ws = await workspace();
    appendEvents(ws.eventsFile('r'), [header('r'), { t: 'metrics', step: 5, values: { loss: 1 } }, { t: 'metrics', step: 5, values: { loss: 2 } }]);
    await ws.indexer.sync();
    const { series, points } = seriesOf(ws, 'r', 'loss');
    assert.deepStrictEqual(points.values, [1]);
    assert.strictEqual(series.count, 1);
  });

  it('stores NaN and infinities and gives them back', async () => {
    const ws = await workspace();
    appendEvents(ws.eventsFile('r'), [header('r'), '{"t":"metrics","step":0,"values":{"x":NaN}}', { t: 'metrics', step: 1, values: { x: 'Infinity' } }, { t: 'metrics', step: 2, values: { x: '-Infinity' } }]);
    await ws.indexer.sync();
    const { points } = seriesOf(ws, 'r', 'x');
    assert.ok(Number.isNaN(points.values[0]));
    assert.deepStrictEqual(points.values.slice(1), [Infinity, -Infinity]);
  });

  it('does not consume a torn last line; reads it once complete', async () => {
    const ws = await workspace();
    const f = ws.eventsFile('r');
    appendEvents(f, [header('r'), '{"t":"metrics","step":0,"values":{"loss":1}}', '{"t":"metrics","step":1,"val'], { newline: false });
    await ws.indexer.sync();
    assert.strictEqual(seriesOf(ws, 'r', 'loss').series.count, 1);
    assert.deepStrictEqual(ws.problems.messages, []);
    fs.appendFileSync(f, 'ues":{"loss":0.5}}\n');
    await ws.indexer.sync();
    assert.deepStrictEqual(seriesOf(ws, 'r', 'loss').points.values, [1, 0.5]);
  });

  it('reports bad lines with file and line number and loads the rest', async () => {
    const ws = await workspace();
    appendEvents(ws.eventsFile('r'), [header('r'), 'garbage', { t: 'metrics', step: 0, values: { loss: 1 } }, { t: 'video', path: 'x' }, { t: 'video', path: 'y' }]);
    await ws.indexer.sync();
    assert.strictEqual(seriesOf(ws, 'r', 'loss').series.count, 1);
    assert.strictEqual(ws.problems.messages.length, 2);
    assert.match(ws.problems.messages[0], /^labbook\/r\/events\.jsonl:2: skipped: not valid JSON/);
    assert.match(ws.problems.messages[1], /:4: record type "video" is not known/);
  });

  it('warns about a newer format version and still loads what it understands', async () => {
    const ws = await workspace();
    appendEvents(ws.eventsFile('r'), [header('r', { version: 7 }), { t: 'metrics', step: 0, values: { loss: 1 } }]);
    await ws.indexer.sync();
    assert.strictEqual(ws.store.getRun('r')!.formatVersion, 7);
    assert.strictEqual(seriesOf(ws, 'r', 'loss').series.count, 1);
    assert.match(ws.problems.messages.join('\n'), /format version 7/);
  });

  it('names a run without a header after its folder', async () => {
    const ws = await workspace();
    appendEvents(ws.eventsFile('orphan'), [{ t: 'metrics', step: 0, values: { loss: 1 } }]);
    await ws.indexer.sync();
    const run = ws.store.getRun('orphan')!;
    assert.strictEqual(run.experiment, 'default');
    assert.match(ws.problems.messages[0], /before the run header/);
  });

  it('forgets a truncated file and reads it again without duplicates', async () => {
    const ws = await workspace();
    const f = ws.eventsFile('r');
    appendEvents(f, [header('r'), { t: 'metrics', step: 0, values: { loss: 1 } }, { t: 'metrics', step: 1, values: { loss: 2 } }]);
    await ws.indexer.sync();
    fs.writeFileSync(f, '');
    appendEvents(f, [header('r'), { t: 'metrics', step: 0, values: { loss: 7 } }]);
    const changes = await ws.indexer.sync();
    assert.ok(changes.reset.has('r'));
    assert.deepStrictEqual(seriesOf(ws, 'r', 'loss').points.values, [7]);
  });

  it('removes runs whose log disappeared', async () => {
    const ws = await workspace();
    const f = ws.eventsFile('r');
    appendEvents(f, [header('r')]);
    await ws.indexer.sync();
    fs.rmSync(path.dirname(f), { recursive: true });
    const changes = await ws.indexer.sync();
    assert.ok(changes.removed.has('r'));
    assert.strictEqual(ws.store.getRun('r'), undefined);
    assert.deepStrictEqual(ws.store.listRuns(), []);
  });

  it('keeps two folders with the same run id apart', async () => {
    const ws = await workspace();
    appendEvents(ws.eventsFile('a'), [header('same')]);
    appendEvents(ws.eventsFile('b'), [header('same')]);
    await ws.indexer.sync();
    assert.deepStrictEqual(ws.store.listRuns().map((r) => r.uid).sort(), ['same', 'same@labbook/b']);
  });

  it('finds runs nested a few folders deep, not in dot-folders', async () => {
    const ws = await workspace();
    appendEvents(path.join(ws.logRoot, 'group', 'sweep', 'r1', 'events.jsonl'), [header('deep')]);
    appendEvents(path.join(ws.logRoot, '.hidden', 'r2', 'events.jsonl'), [header('hidden')]);
    await ws.indexer.sync();
    assert.deepStrictEqual(ws.store.listRuns().map((r) => r.uid), ['deep']);
  });

  it('applies status changes: last one wins, running clears the end time', async () => {
    const ws = await workspace();
    const f = ws.eventsFile('r');
    appendEvents(f, [header('r'), { t: 'status', status: 'killed', time: 10 }]);
    await ws.indexer.sync();
    assert.strictEqual(ws.store.getRun('r')!.status, 'killed');
    appendEvents(f, [{ t: 'status', status: 'running', time: 11 }]);
    await ws.indexer.sync();
    assert.strictEqual(ws.store.getRun('r')!.status, 'running');
    assert.strictEqual(ws.store.getRun('r')!.endTime, null);
    appendEvents(f, [{ t: 'status', status: 'failed', time: 12, message: 'Traceback: boom' }]);
    await ws.indexer.sync();
    const run = ws.store.getRun('r')!;
    assert.strictEqual(run.status, 'failed');
    assert.strictEqual(run.statusMessage, 'Traceback: boom');
  });

  it('rebuild gives the same index as the first read', async () => {
    const ws = await workspace();
    appendEvents(ws.eventsFile('r'), [header('r'), { t: 'params', values: { a: 1 } }, { t: 'metrics', step: 0, values: { loss: 1, acc: 2 } }]);
    await ws.indexer.sync();
    const before = ws.store.listRuns();
    await ws.indexer.rebuild();
    const after = ws.store.listRuns();
    assert.deepStrictEqual(after.map((r) => ({ ...r, id: 0 })), before.map((r) => ({ ...r, id: 0 })));
  });
});
