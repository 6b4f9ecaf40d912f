// Issue 9, item 4: encodings and numbers in run logs.
import * as assert from 'assert';
import { HEADER, ingestWorkspace, jsonl, pointsOf, writeRaw } from './support/runLogs';

describe('hostile ingest: encodings and numbers', () => {
  it('a UTF-8 byte order mark at the start of the file is ignored: the header keeps the run name', async () => {
    const ws = await ingestWorkspace();
    writeRaw(ws.eventsFile('bom'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(jsonl(HEADER, { t: 'metrics', step: 0, values: { loss: 1 } }))]));
    await ws.indexer.sync();
    const run = ws.store.getRun('r1');
    assert.ok(run, ws.problems.messages.join('\n'));
    assert.strictEqual(run.name, 'first');
    assert.deepStrictEqual(ws.problems.messages, []);
  });

  it('steps that are not safe integers are refused with file:line; the real points stay', async () => {
    const ws = await ingestWorkspace();
    writeRaw(ws.eventsFile('steps'), jsonl(
      HEADER,
      '{"t":"metrics","step":9007199254740991,"values":{"loss":1}}',
      '{"t":"metrics","step":9007199254740993,"values":{"loss":2}}',
      '{"t":"metrics","step":9007199254740992,"values":{"loss":3}}',
      '{"t":"metrics","step":1e300,"values":{"loss":4}}',
      '{"t":"metrics","step":2.5,"values":{"loss":5}}',
      '{"t":"metrics","step":-1,"values":{"loss":6}}',
      '{"t":"metrics","step":7,"values":{"loss":7}}',
    ));
    await ws.indexer.sync();
    const p = pointsOf(ws, 'r1', 'loss');
    assert.deepStrictEqual(p.steps, [7, 9007199254740991]);
    assert.deepStrictEqual(p.values, [7, 1]);
    for (const line of [3, 4, 5, 6, 7]) {
      assert.ok(ws.problems.messages.some((m) => m.startsWith(`labbook/steps/events.jsonl:${line}: skipped: `) && /step/.test(m)), `line ${line}: ${ws.problems.messages.join('\n')}`);
    }
    assert.ok(ws.problems.messages.some((m) => m.includes('9007199254740993')), 'the message shows the step as written');
  });

  it('bytes that are not UTF-8 are reported with file:line; the record and the rest still load', async () => {
    const ws = await ingestWorkspace();
    writeRaw(ws.eventsFile('utf8'), Buffer.concat([
      Buffer.from(jsonl(HEADER)),
      Buffer.from('{"t":"note","text":"caf'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"}\n'),
      Buffer.from(jsonl({ t: 'metrics', step: 0, values: { loss: 1 } }, { t: 'note', text: 'r\u00e9sum\u00e9 \ufffd is a real replacement character' })),
    ]));
    await ws.indexer.sync();
    const run = ws.store.getRun('r1')!;
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'loss').steps, [0]);
    assert.strictEqual(run.note, 'r\u00e9sum\u00e9 \ufffd is a real replacement character');
    const bad = ws.problems.messages.filter((m) => /UTF-8/.test(m));
    assert.deepStrictEqual(bad.map((m) => m.split(': ')[0]), ['labbook/utf8/events.jsonl:2'], ws.problems.messages.join('\n'));
  });
});
