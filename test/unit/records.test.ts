import * as assert from 'assert';
import { parseLine } from '../../src/core/format/records';

describe('run log format: parseLine', () => {
  it('reads a header with all fields', () => {
    const p = parseLine('{"t":"header","format":"labbook-run","version":1,"run_id":"abc","project":"p","name":"n","description":"d","tags":["a",3,"b"],"time":5}');
    assert.deepStrictEqual(p, { kind: 'record', record: { t: 'header', version: 1, runId: 'abc', time: 5, project: 'p', name: 'n', description: 'd', tags: ['a', 'b'] } });
  });

  it('rejects a header without run_id', () => {
    const p = parseLine('{"t":"header","version":1}');
    assert.strictEqual(p.kind, 'invalid');
  });

  it('reads NaN and infinities written as strings', () => {
    const p = parseLine('{"t":"metrics","step":3,"values":{"a":"NaN","b":"Infinity","c":"-Infinity","d":1.5}}');
    assert.strictEqual(p.kind, 'record');
    const v = (p as { record: { values: Record<string, number> } }).record.values;
    assert.ok(Number.isNaN(v.a));
    assert.strictEqual(v.b, Infinity);
    assert.strictEqual(v.c, -Infinity);
    assert.strictEqual(v.d, 1.5);
  });

  it("reads Python json.dumps' bare NaN/Infinity tokens but leaves strings that contain them alone", () => {
    const p = parseLine('{"t":"metrics","step":0,"values":{"x":NaN,"y":-Infinity,"NaN label":Infinity}}');
    assert.strictEqual(p.kind, 'record');
    const v = (p as { record: { values: Record<string, number> } }).record.values;
    assert.ok(Number.isNaN(v.x));
    assert.strictEqual(v.y, -Infinity);
    assert.strictEqual(v['NaN label'], Infinity);
  });

  it('keeps numeric values and warns about the rest of a metrics record', () => {
    const p = parseLine('{"t":"metrics","step":1,"values":{"ok":2,"bad":"text"}}');
    assert.strictEqual(p.kind, 'record');
    assert.match((p as { warning?: string }).warning!, /bad/);
  });

  it('rejects a metrics record with a negative or fractional step', () => {
    assert.strictEqual(parseLine('{"t":"metrics","step":-1,"values":{"a":1}}').kind, 'invalid');
    assert.strictEqual(parseLine('{"t":"metrics","step":1.5,"values":{"a":1}}').kind, 'invalid');
  });

  it('tells unknown record types apart from invalid lines', () => {
    assert.deepStrictEqual(parseLine('{"t":"video","path":"a.mp4"}'), { kind: 'unknown', type: 'video' });
    assert.strictEqual(parseLine('{"no":"type"}').kind, 'invalid');
    assert.strictEqual(parseLine('[1,2]').kind, 'invalid');
    assert.strictEqual(parseLine('{"t":"metrics",').kind, 'invalid');
  });

  it('ignores blank lines and a trailing carriage return', () => {
    assert.deepStrictEqual(parseLine('   '), { kind: 'blank' });
    assert.strictEqual(parseLine('{"t":"heartbeat","time":1}\r').kind, 'record');
  });

  it('validates status values', () => {
    assert.strictEqual(parseLine('{"t":"status","status":"finished"}').kind, 'record');
    assert.strictEqual(parseLine('{"t":"status","status":"exploded"}').kind, 'invalid');
  });
});
