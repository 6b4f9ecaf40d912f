// Issue 9: a broader corpus of hostile run log lines. Each must be reported with file:line (or
// simply loaded as data) while the rest of the run and the workspace still load.
import * as assert from 'assert';
import * as crypto from 'crypto';
import { HEADER, ingestWorkspace, jsonl, pointsOf, writeRaw } from './support/runLogs';

describe('hostile ingest: a corpus of hostile lines', () => {
  afterEach(() => {
    assert.strictEqual(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
  });

  it('__proto__, constructor and other Object.prototype names are ordinary metric and param names', async () => {
    const ws = await ingestWorkspace();
    writeRaw(ws.eventsFile('proto'), jsonl(
      HEADER,
      '{"t":"params","values":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"toString":"x","lr":0.1}}',
      '{"t":"metrics","step":0,"values":{"__proto__":1,"constructor":2,"hasOwnProperty":3,"toString":4}}',
      '{"t":"env","values":{"__proto__":{"polluted":1},"os":"linux"}}',
      '{"t":"metrics","step":1,"values":{"__proto__":{"polluted":1},"loss":1}}',
    ));
    await ws.indexer.sync();
    const run = ws.store.getRun('r1')!;
    const keys = ws.store.listSeries(run.id).map((s) => s.key).sort();
    assert.deepStrictEqual(keys, ['__proto__', 'constructor', 'hasOwnProperty', 'loss', 'toString']);
    assert.deepStrictEqual(pointsOf(ws, 'r1', '__proto__').values, [1]);
    const params = ws.store.getParams(run.id);
    assert.deepStrictEqual(Object.keys(params).sort(), ['__proto__', 'constructor', 'lr', 'toString']);
    assert.strictEqual(Object.getPrototypeOf(params), Object.prototype, 'getParams keeps a __proto__ key as data');
    assert.deepStrictEqual(params['__proto__'], { polluted: 1 });
    assert.strictEqual(ws.store.getEnv(run.id).os, 'linux');
    assert.ok(ws.problems.messages.some((m) => m.startsWith('labbook/proto/events.jsonl:5: ')), ws.problems.messages.join('\n'));
  });

  it('keys with control characters and NUL stay distinct; 10k-character keys are refused with a message', async () => {
    const ws = await ingestWorkspace();
    const long = 'k'.repeat(10_000);
    writeRaw(ws.eventsFile('keys'), jsonl(
      { ...HEADER, name: 'evil\u001b[31m\nname\u0000' },
      { t: 'metrics', step: 0, values: { 'a\u0000b': 1, a: 2, 'a\u0000c': 3, 'tab\there': 4, '\u202eevil': 5 } },
      { t: 'metrics', step: 0, values: { [long]: 1, short: 1 } },
      { t: 'params', values: { [long]: 1, fine: 2 } },
    ));
    await ws.indexer.sync();
    const run = ws.store.getRun('r1')!;
    assert.strictEqual(run.name, 'evil\u001b[31m\nname\u0000');
    const keys = ws.store.listSeries(run.id).map((s) => s.key);
    assert.strictEqual(keys.length, 6, JSON.stringify(keys));
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'a\u0000c').values, [3]);
    assert.deepStrictEqual(Object.keys(ws.store.getParams(run.id)), ['fine']);
    for (const line of [3, 4]) assert.ok(ws.problems.messages.some((m) => m.startsWith(`labbook/keys/events.jsonl:${line}: `) && /long/.test(m)), ws.problems.messages.join('\n'));
    assert.ok(ws.problems.messages.every((m) => m.length < 1000), 'messages quote at most a bounded piece of a key');
  });

  it('NaN and Infinity as strings load; numbers as strings and other strings are reported, the rest of the record loads', async () => {
    const ws = await ingestWorkspace();
    writeRaw(ws.eventsFile('numbers'), jsonl(
      HEADER,
      '{"t":"metrics","step":0,"values":{"a":"NaN","b":"Infinity","c":"-Infinity","d":NaN,"e":-Infinity}}',
      '{"t":"metrics","step":1,"values":{"a":"0.5","b":"nan","c":"inf","d":null,"e":true,"f":[1],"g":{"x":1},"ok":1}}',
    ));
    await ws.indexer.sync();
    assert.ok(Number.isNaN(pointsOf(ws, 'r1', 'a').values[0]));
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'b').values, [Infinity]);
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'c').values, [-Infinity]);
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'e').values, [-Infinity]);
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'ok').steps, [1]);
    const m = ws.problems.messages.find((x) => x.startsWith('labbook/numbers/events.jsonl:3: '));
    assert.ok(m && /not numbers/.test(m), ws.problems.messages.join('\n'));
  });

  it('records that are arrays, strings, numbers, null, or objects without a type are reported with file:line', async () => {
    const ws = await ingestWorkspace();
    writeRaw(ws.eventsFile('shapes'), jsonl(HEADER, '[1,2,3]', '"a string"', '42', 'null', '{}', '{"t":{"x":1}}', '{"t":"metrics","step":0,"values":[1]}', { t: 'metrics', step: 0, values: { loss: 1 } }));
    await ws.indexer.sync();
    for (let line = 2; line <= 8; line++) {
      assert.ok(ws.problems.messages.some((m) => m.startsWith(`labbook/shapes/events.jsonl:${line}: skipped: `)), `line ${line}: ${ws.problems.messages.join('\n')}`);
    }
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'loss').steps, [0]);
  });

  it('a record with 50,000 distinct metric keys keeps a bounded number of them, with a message', async () => {
    const ws = await ingestWorkspace();
    const values: Record<string, number> = {};
    for (let i = 0; i < 50_000; i++) values[`m${i}`] = i;
    writeRaw(ws.eventsFile('many'), jsonl(HEADER, { t: 'metrics', step: 0, values }, { t: 'metrics', step: 1, values: { m0: 1 } }));
    await ws.indexer.sync();
    const run = ws.store.getRun('r1')!;
    const n = ws.store.listSeries(run.id).length;
    assert.ok(n > 0 && n <= 10_000, `${n} series`);
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'm0').steps, [0, 1]);
    assert.ok(ws.problems.messages.some((m) => m.startsWith('labbook/many/events.jsonl:2: ') && /keys/.test(m)), ws.problems.messages.join('\n'));
  });

  it('a file of only garbage gives a bounded number of messages and no run; the other runs load', async () => {
    const ws = await ingestWorkspace({ maxLineBytes: 64 * 1024 });
    const rnd = crypto.randomBytes(3_000_000);
    writeRaw(ws.eventsFile('garbage'), rnd);
    writeRaw(ws.eventsFile('good'), jsonl(HEADER, { t: 'metrics', step: 0, values: { loss: 1 } }));
    await ws.indexer.sync();
    assert.deepStrictEqual(ws.store.listRuns().map((r) => r.uid), ['r1']);
    const garbage = ws.problems.messages.filter((m) => m.startsWith('labbook/garbage/'));
    assert.ok(garbage.length > 0 && garbage.length <= 60, `${garbage.length} messages`);
    assert.ok(garbage.every((m) => m.length < 1000 && !/[\u0000-\u0008\u000b-\u001f]/.test(m) && !m.includes('\n')), 'messages are short single lines without control characters');
    assert.strictEqual((await ws.indexer.sync()).runs.size, 0);
  });

  it('unknown record types cannot forge log lines or flood the log', async () => {
    const ws = await ingestWorkspace();
    const lines: Array<object | string> = [HEADER, { t: 'metrics\n[error] forged line', step: 0 }];
    for (let i = 0; i < 2000; i++) lines.push({ t: `type-${i}` });
    lines.push({ t: 'metrics', step: 0, values: { loss: 1 } });
    writeRaw(ws.eventsFile('types'), jsonl(...lines));
    await ws.indexer.sync();
    assert.ok(ws.problems.messages.length <= 60, `${ws.problems.messages.length} messages`);
    assert.ok(ws.problems.messages.every((m) => !m.includes('\n')), ws.problems.messages.join('\n'));
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'loss').steps, [0]);
  });
});
