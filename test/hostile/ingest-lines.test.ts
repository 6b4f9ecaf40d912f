// Issue 9, item 3: no single line can stop a run, and no line is ever built as a huge string.
import * as assert from 'assert';
import * as fs from 'fs';
import { DEFAULT_MAX_LINE_BYTES } from '../../src/core/ingest/tailer';
import { appendRaw, deepArrayText, deepObjectText, HEADER, ingestWorkspace, jsonl, longLine, pointsOf, writeRaw } from './support/runLogs';

describe('hostile ingest: one line never stops a run', () => {
  it('params and env nested 100k deep load with the depth cut, and every later line still loads', async () => {
    const ws = await ingestWorkspace();
    const f = ws.eventsFile('deep');
    writeRaw(f, jsonl(
      HEADER,
      `{"t":"params","values":{"lr":0.1,"deep":${deepObjectText(100_000)}}}`,
      `{"t":"env","values":{"python":"3.12","deep":${deepArrayText(100_000)}}}`,
      { t: 'metrics', step: 0, values: { loss: 1 } },
      { t: 'status', status: 'finished', time: 1_700_000_100 },
    ));
    await ws.indexer.sync();
    const run = ws.store.getRun('r1');
    assert.ok(run, `the run loads (problems: ${ws.problems.messages.join(' | ').slice(0, 300)})`);
    assert.strictEqual(run.status, 'finished');
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'loss').steps, [0]);
    const params = ws.store.getParams(run.id);
    assert.strictEqual(params.lr, 0.1);
    assert.match(JSON.stringify(params.deep), /nested deeper than/);
    assert.strictEqual(ws.store.getEnv(run.id).python, '3.12');
    assert.match(JSON.stringify(ws.store.getEnv(run.id).deep), /nested deeper than/);
    assert.ok(ws.problems.messages.some((m) => m.startsWith('labbook/deep/events.jsonl:2: ')), ws.problems.messages.join('\n'));
    // Nothing is stuck: the next sync reads nothing again.
    const again = await ws.indexer.sync();
    assert.strictEqual(again.runs.size, 0);
  });

  it('a line over the limit is skipped to its newline without building its text, with file:line, and the offset moves past it', async () => {
    const limit = 64 * 1024;
    const ws = await ingestWorkspace({ maxLineBytes: limit });
    const f = ws.eventsFile('long');
    writeRaw(f, jsonl(HEADER, longLine(3_000_000), { t: 'metrics', step: 0, values: { loss: 1 } }, { t: 'status', status: 'finished' }));
    let longest = 0;
    const toString = Buffer.prototype.toString;
    Buffer.prototype.toString = function (this: Buffer, ...args: unknown[]) {
      const start = typeof args[1] === 'number' ? args[1] : 0;
      const end = typeof args[2] === 'number' ? Math.min(args[2], this.length) : this.length;
      longest = Math.max(longest, end - start);
      return (toString as (...a: unknown[]) => string).apply(this, args);
    } as typeof Buffer.prototype.toString;
    try {
      await ws.indexer.sync();
    } finally {
      Buffer.prototype.toString = toString;
    }
    assert.ok(longest <= limit, `decoded ${longest} bytes at once`);
    const run = ws.store.getRun('r1')!;
    assert.strictEqual(run.status, 'finished');
    assert.strictEqual(run.note, '');
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'loss').steps, [0]);
    assert.ok(ws.problems.messages.some((m) => /^labbook\/long\/events\.jsonl:2: .*longer than/.test(m)), ws.problems.messages.join('\n'));
    const row = ws.store.getFile('labbook/long/events.jsonl')!;
    assert.strictEqual(row.offset, fs.statSync(f).size);
    assert.strictEqual(row.line, 4);
  });

  it('an over-long line still being written is skipped as it grows; what follows its newline loads with right line numbers', async () => {
    const ws = await ingestWorkspace({ maxLineBytes: 1024, chunkBytes: 4096 });
    const f = ws.eventsFile('growing');
    writeRaw(f, jsonl(HEADER) + '{"t":"note","text":"' + 'y'.repeat(10_000));
    await ws.indexer.sync();
    const firstOffset = ws.store.getFile('labbook/growing/events.jsonl')!.offset;
    assert.ok(firstOffset > 10_000, 'the offset moved past what was skipped');
    appendRaw(f, 'y'.repeat(20_000) + '"}\n' + jsonl({ t: 'metrics', step: 3, values: { acc: 0.5 } }, 'not json'));
    await ws.indexer.sync();
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'acc').steps, [3]);
    const longMessages = ws.problems.messages.filter((m) => /longer than/.test(m));
    assert.deepStrictEqual(longMessages.map((m) => m.split(': ')[0]), ['labbook/growing/events.jsonl:2'], 'reported once, at its line');
    assert.ok(ws.problems.messages.some((m) => m.startsWith('labbook/growing/events.jsonl:4: skipped: not valid JSON')), ws.problems.messages.join('\n'));
  });

  it('the default limit is a few MB, declared by the setting with the same default', async () => {
    assert.ok(DEFAULT_MAX_LINE_BYTES >= 1024 * 1024 && DEFAULT_MAX_LINE_BYTES <= 64 * 1024 * 1024);
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
    const setting = pkg.contributes.configuration.properties['labbook.maxLineBytes'];
    assert.strictEqual(setting.default, DEFAULT_MAX_LINE_BYTES);
    const ws = await ingestWorkspace();
    const f = ws.eventsFile('big');
    writeRaw(f, jsonl(HEADER, longLine(DEFAULT_MAX_LINE_BYTES + 10), { t: 'metrics', step: 1, values: { loss: 2 } }));
    await ws.indexer.sync();
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'loss').steps, [1]);
    assert.ok(ws.problems.messages.some((m) => m.startsWith('labbook/big/events.jsonl:2: ')));
  });

  it('a record whose index write throws is reported with file:line and undone alone; the rest of the chunk commits', async () => {
    const ws = await ingestWorkspace();
    const f = ws.eventsFile('throws');
    const setParams = ws.store.setParams.bind(ws.store);
    ws.store.setParams = (runId, values, reset) => {
      setParams(runId, { half: 1 }, reset);
      if ('boom' in values) throw new Error('disk on fire');
      setParams(runId, values, reset);
    };
    writeRaw(f, jsonl(HEADER, { t: 'params', values: { boom: 1 } }, { t: 'params', values: { lr: 0.1 } }, { t: 'metrics', step: 0, values: { loss: 1 } }));
    await ws.indexer.sync();
    const run = ws.store.getRun('r1');
    assert.ok(run, ws.problems.messages.join('\n'));
    assert.deepStrictEqual(ws.store.getParams(run.id), { half: 1, lr: 0.1 }, 'the failed record left nothing behind');
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'loss').steps, [0]);
    assert.ok(ws.problems.messages.some((m) => m.startsWith('labbook/throws/events.jsonl:2: ') && m.includes('disk on fire')), ws.problems.messages.join('\n'));
    assert.strictEqual(ws.store.getFile('labbook/throws/events.jsonl')!.offset, fs.statSync(f).size);
  });

  it('oversized values (param, env, note, tag, name, status message) are stored truncated with a visible marker', async () => {
    const ws = await ingestWorkspace();
    const big = 'z'.repeat(2_000_000);
    writeRaw(ws.eventsFile('big'), jsonl(
      { ...HEADER, name: big },
      { t: 'params', values: { blob: big, list: Array.from({ length: 300_000 }, (_, i) => i) } },
      { t: 'env', values: { blob: big } },
      { t: 'note', text: big },
      { t: 'tags', tags: [big, 'ok'] },
      { t: 'status', status: 'failed', message: big },
    ));
    await ws.indexer.sync();
    const run = ws.store.getRun('r1')!;
    const params = ws.store.getParams(run.id);
    for (const [what, value] of [['name', run.name], ['note', run.note], ['status message', run.statusMessage], ['param', params.blob], ['env', ws.store.getEnv(run.id).blob], ['tag', ws.store.getTags(run.id)[0]], ['list param', params.list]] as const) {
      assert.strictEqual(typeof value, 'string', what);
      assert.ok((value as string).length < 100_000, `${what} is ${(value as string).length} chars`);
      assert.match(value as string, /…\[truncated, \d+(\.\d)? [kM]B\]$/, what);
    }
    assert.strictEqual(ws.store.getTags(run.id)[1], 'ok');
    assert.ok(ws.problems.messages.some((m) => m.startsWith('labbook/big/events.jsonl:2: ') && /truncated/.test(m)), ws.problems.messages.join('\n'));
  });

  it('a metric value that names an Object.prototype member is not taken for a number', async () => {
    const ws = await ingestWorkspace();
    writeRaw(ws.eventsFile('proto'), jsonl(HEADER, { t: 'metrics', step: 0, values: { loss: 'constructor', acc: 'toString', ok: 1 } }, { t: 'metrics', step: 1, values: { loss: 0.5 } }));
    await ws.indexer.sync();
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'loss').steps, [1]);
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'ok').steps, [0]);
    assert.ok(ws.problems.messages.some((m) => m.startsWith('labbook/proto/events.jsonl:2: ') && /not numbers/.test(m)), ws.problems.messages.join('\n'));
  });
});

describe('hostile ingest: nesting too deep to parse quickly', () => {
  it('a line nested millions of levels deep is refused with file:line in bounded time; the run goes on', async () => {
    const ws = await ingestWorkspace();
    writeRaw(ws.eventsFile('very-deep'), jsonl(HEADER, `{"t":"params","values":{"d":${deepArrayText(3_000_000)}}}`, { t: 'metrics', step: 0, values: { loss: 1 } }));
    const started = Date.now();
    await ws.indexer.sync();
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    assert.deepStrictEqual(pointsOf(ws, 'r1', 'loss').steps, [0]);
    assert.ok(ws.problems.messages.some((m) => m.startsWith('labbook/very-deep/events.jsonl:2: skipped: nested more than')), ws.problems.messages.join('\n'));
  });
});
