// Issue 9, item 5: a last line without a newline (a writer that exited without one).
import * as assert from 'assert';
import * as fs from 'fs';
import { appendRaw, HEADER, ingestWorkspace, jsonl, mtimeOf, pointsOf, TestClock, writeRaw } from './support/runLogs';

const QUIET_MS = 5000;

async function setup(folder: string) {
  const clock = new TestClock(0);
  const ws = await ingestWorkspace({ now: clock.now, quietMs: QUIET_MS });
  const file = ws.eventsFile(folder);
  return { ws, file, clock, rel: `labbook/${folder}/events.jsonl` };
}

const FINAL = JSON.stringify({ t: 'status', status: 'finished', time: 1_700_000_100 });

describe('hostile ingest: a last line without a newline', () => {
  it('is read once the file has been quiet, even though the file did not change since the last sync', async () => {
    const { ws, file, clock } = await setup('tail');
    writeRaw(file, jsonl(HEADER, { t: 'metrics', step: 0, values: { loss: 1 } }) + FINAL);
    clock.ms = mtimeOf(file) + 100;
    await ws.indexer.sync();
    assert.strictEqual(ws.store.getRun('r1')!.status, 'running', 'a writer may still be writing it');
    clock.ms = mtimeOf(file) + QUIET_MS + 1;
    const changes = await ws.indexer.sync();
    assert.ok(changes.runs.has('r1'));
    assert.strictEqual(ws.store.getRun('r1')!.status, 'finished');
    assert.deepStrictEqual(ws.problems.messages, []);
  });

  it('read, then the writer adds "\\n" and more lines: nothing duplicated or lost, line numbers stay right', async () => {
    const { ws, file, clock, rel } = await setup('then-more');
    writeRaw(file, jsonl(HEADER) + JSON.stringify({ t: 'metrics', step: 0, values: { loss: 1 } }));
    clock.ms = mtimeOf(file) + QUIET_MS + 1;
    await ws.indexer.sync();
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'loss').steps, [0]);
    appendRaw(file, '\n' + jsonl({ t: 'metrics', step: 1, values: { loss: 0.5 } }, 'garbage') + FINAL);
    clock.ms = mtimeOf(file) + QUIET_MS + 1;
    await ws.indexer.sync();
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'loss'), { steps: [0, 1], values: [1, 0.5] });
    assert.strictEqual(ws.store.getRun('r1')!.status, 'finished');
    assert.deepStrictEqual(ws.problems.messages.map((m) => m.split(': ')[0]), [`${rel}:4`], ws.problems.messages.join('\n'));
    appendRaw(file, '\n');
    await ws.indexer.sync();
    assert.strictEqual(ws.store.getFile(rel)!.line, 5);
    assert.strictEqual(ws.store.getRun('r1')!.pointCount, 2);
  });

  it('the other order: "\\n" and more lines come before the file went quiet: read once, as usual', async () => {
    const { ws, file, clock } = await setup('before-quiet');
    writeRaw(file, jsonl(HEADER) + JSON.stringify({ t: 'metrics', step: 0, values: { loss: 1 } }));
    clock.ms = mtimeOf(file) + 10;
    await ws.indexer.sync();
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'loss').steps, []);
    appendRaw(file, '\n' + jsonl({ t: 'metrics', step: 1, values: { loss: 0.5 } }, FINAL));
    clock.ms = mtimeOf(file) + QUIET_MS + 1;
    await ws.indexer.sync();
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'loss').steps, [0, 1]);
    assert.strictEqual(ws.store.getRun('r1')!.status, 'finished');
    assert.deepStrictEqual(ws.problems.messages, []);
  });

  it('read, then the writer glues the next record on without a newline: that record is read too', async () => {
    const { ws, file, clock } = await setup('glued');
    writeRaw(file, jsonl(HEADER) + JSON.stringify({ t: 'metrics', step: 0, values: { loss: 1 } }));
    clock.ms = mtimeOf(file) + QUIET_MS + 1;
    await ws.indexer.sync();
    appendRaw(file, FINAL + '\n');
    await ws.indexer.sync();
    assert.strictEqual(ws.store.getRun('r1')!.status, 'finished');
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'loss').steps, [0]);
  });

  it('an incomplete last line in a quiet file is reported once with file:line and read when it is completed', async () => {
    const { ws, file, clock, rel } = await setup('partial');
    writeRaw(file, jsonl(HEADER) + FINAL.slice(0, 20));
    clock.ms = mtimeOf(file) + QUIET_MS + 1;
    await ws.indexer.sync();
    await ws.indexer.sync();
    assert.strictEqual(ws.store.getRun('r1')!.status, 'running');
    assert.strictEqual(ws.problems.messages.length, 1, ws.problems.messages.join('\n'));
    assert.match(ws.problems.messages[0], new RegExp(`^${rel}:2: .*newline`));
    appendRaw(file, FINAL.slice(20) + '\n');
    await ws.indexer.sync();
    assert.strictEqual(ws.store.getRun('r1')!.status, 'finished');
    assert.strictEqual(ws.problems.messages.length, 1);
    assert.strictEqual(ws.store.getFile(rel)!.offset, fs.statSync(file).size);
  });
});
