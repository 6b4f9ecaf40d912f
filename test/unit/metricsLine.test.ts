import * as assert from 'assert';
import { MetricsLineScanner } from '../../src/core/format/metricsLine';
import { parseLine } from '../../src/core/format/records';
import { prng as rng } from './support/prng';

const scan = (scanner: MetricsLineScanner, line: string) => {
  // Inside a larger buffer, as the tailer hands lines over: bytes before and after must not be read.
  const buf = Buffer.from(`x}\n${line}\n{"t`);
  const start = 3;
  return scanner.scan(buf, start, start + Buffer.byteLength(line));
};

/** What the fast path read must be exactly what parseLine reads, or the fast path must leave the line alone. */
function assertSame(scanner: MetricsLineScanner, line: string): boolean {
  const fast = scan(scanner, line);
  if (!fast) return false;
  const p = parseLine(line);
  assert.strictEqual(p.kind, 'record', line);
  const { record, warning } = p as { record: { t: string; step: number; time?: number; values: Record<string, number> }; warning?: string };
  assert.strictEqual(warning, undefined, line);
  assert.strictEqual(record.t, 'metrics', line);
  assert.strictEqual(fast.step, record.step, line);
  assert.ok(Object.is(fast.time, record.time), `${line}: time ${fast.time} vs ${record.time}`);
  const keys = Object.keys(record.values);
  assert.deepStrictEqual([...fast.keys], keys, line);
  keys.forEach((k, i) => assert.ok(Object.is(fast.values[i], record.values[k]), `${line}: ${k} ${fast.values[i]} vs ${record.values[k]}`));
  return true;
}

const NUMBERS = [
  '0', '-0', '1', '-1', '0.1', '0.5', '1.5', '-2.25', '3.14159', '0.30000000000000004', '1e22', '1e23', '1e-22', '1e-23', '1E5', '2e+3', '2e-3',
  '9007199254740993', '123456789012345', '1234567890123456', '123456789012345.6', '0.000001', '5e-324', '1.7976931348623157e308', '1e400',
  '-1e400', '4.9e-325', '0e0', '-0.0', '100', '1700000000.0123456', '1700000000.01', '0.1e1', '12.5e-1', '0.000000000000000000000001',
];
const NOT_NUMBERS = ['01', '-', '1.', '.5', '1e', '1e+', '+1', '0x10', 'NaN', '"NaN"', 'Infinity', '-Infinity', 'null', 'true', '"1"', '1.5.5', '--1', '1 2'];
const KEYS = ['loss', 'train/acc', 'val/loss', 'lr', 'a b', '__proto__', 'constructor', 'toString', 'ключ', 'x\\u0041', '1st', '0', '42', '', 'k"q', 'tab\there', 'é', '-1', 'm0', 'm1'];

function randomLine(r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const ws = () => (r() < 0.85 ? '' : pick([' ', '  ', '\t', '\r', '\n', ' \r']));
  const num = () => (r() < 0.9 ? pick(NUMBERS) : r() < 0.5 ? pick(NOT_NUMBERS) : String(r() * 10 ** Math.floor(r() * 40 - 20)));
  const key = () => (r() < 0.7 ? pick(KEYS.slice(0, 4)) + (r() < 0.5 ? String(Math.floor(r() * 3)) : '') : pick(KEYS));
  const n = Math.floor(r() * 6);
  const entries = Array.from({ length: n }, () => `${ws()}${JSON.stringify(key()).replace('\\\\u0041', '\\u0041')}${ws()}:${ws()}${num()}${ws()}`);
  const step = r() < 0.85 ? String(Math.floor(r() * 1e6)) : pick(['-1', '1.0', '1e3', '01', '"3"', 'null', '9007199254740993', '123456789012345', '1234567890123456', '0']);
  const parts = [`"t"${ws()}:${ws()}${r() < 0.95 ? '"metrics"' : pick(['"metric"', '"header"', '"metrics\\u0073"'])}`, `"step"${ws()}:${ws()}${step}`];
  if (r() < 0.8) parts.push(`"time"${ws()}:${ws()}${r() < 0.9 ? pick(NUMBERS) : pick(NOT_NUMBERS)}`);
  parts.push(`"values"${ws()}:${ws()}{${entries.join(',')}}`);
  if (r() < 0.05) parts.push('"extra":1');
  if (r() < 0.05) parts.reverse();
  let line = `${ws()}{${ws()}${parts.join(`${ws()},${ws()}`)}${ws()}}${ws()}`;
  // Hostile edits: a torn line, a byte changed, a byte order mark, a second record on the line.
  const edit = r();
  if (edit < 0.03) line = line.slice(0, Math.floor(r() * line.length));
  else if (edit < 0.06) {
    const at = Math.floor(r() * line.length);
    line = line.slice(0, at) + pick(['"', '{', '}', ',', ':', '\\', '\u0000', 'x', '9', ' ']) + line.slice(at + 1);
  } else if (edit < 0.07) line = `\ufeff${line}`;
  else if (edit < 0.08) line = `${line}${line}`;
  return line;
}

describe('run log format: metrics fast path', () => {
  it('reads the lines the SDKs write, with the record parseLine gives', () => {
    const scanner = new MetricsLineScanner();
    for (const line of [
      '{"t":"metrics","step":0,"time":1700000000.0123456,"values":{"train/loss":0.6931,"train/acc":0.5}}',
      '{"t":"metrics","step":12,"values":{"loss":1e-05}}',
      '{"t": "metrics", "step": 3, "time": 1.5, "values": {"a": 1, "b": -2.5e3}}',
      '{"t":"metrics","step":7,"time":1,"values":{"__proto__":1,"plain":2}}',
      '{"t":"metrics","step":1,"time":1e400,"values":{"a":1e400,"b":-0}}\r',
    ]) {
      assert.ok(assertSame(scanner, line), `not read by the fast path: ${line}`);
    }
  });

  it('leaves every line it cannot read exactly to parseLine', () => {
    const scanner = new MetricsLineScanner();
    for (const line of [
      '{"t":"metrics","step":1,"values":{"a":"NaN"}}', '{"t":"metrics","step":1,"values":{"a":NaN}}', '{"t":"metrics","step":1,"values":{"a":null}}',
      '{"t":"metrics","step":1,"values":{"a":1,"a":2}}', '{"t":"metrics","step":1,"values":{"1":1,"a":2}}', '{"t":"metrics","step":1,"values":{"":1}}',
      '{"t":"metrics","step":1,"values":{"a\\u0062":1}}', '{"t":"metrics","step":1,"values":{"é":1}}', '{"t":"metrics","step":1,"values":{}}',
      '{"t":"metrics","step":-1,"values":{"a":1}}', '{"t":"metrics","step":1.0,"values":{"a":1}}', '{"t":"metrics","step":1e2,"values":{"a":1}}',
      '{"t":"metrics","step":9007199254740993,"values":{"a":1}}', '{"t":"metrics","step":"1","values":{"a":1}}', '{"t":"metrics","step":01,"values":{"a":1}}',
      '{"step":1,"t":"metrics","values":{"a":1}}', '{"t":"metrics","step":1,"values":{"a":1},"time":3}', '{"t":"metrics","step":1,"time":null,"values":{"a":1}}',
      '{"t":"metrics","step":1,"values":{"a":1}', '{"t":"metrics","step":1,"values":{"a":1}}}', '{"t":"metrics","step":1,"values":{"a":1}} x', '\ufeff{"t":"metrics","step":1,"values":{"a":1}}',
      '{"t":"metrics","step":1,"values":{"a":1,}}', '{"t":"metrics","step":1,"values":{"a":01}}', '{"t":"metrics","step":1,"values":{"a":.5}}', '',
      `{"t":"metrics","step":1,"values":{"${'k'.repeat(1025)}":1}}`,
    ]) {
      assert.strictEqual(scan(scanner, line), undefined, line);
    }
  });

  it('reads every number as JSON.parse does', () => {
    const scanner = new MetricsLineScanner();
    const r = rng(7);
    const extra = Array.from({ length: 5000 }, () => {
      const digits = `${Math.floor(r() * 1e16)}${Math.floor(r() * 1e16)}`.slice(0, 1 + Math.floor(r() * 20));
      const dot = Math.floor(r() * (digits.length + 1));
      const mantissa = dot === digits.length ? digits : `${digits.slice(0, dot) || '0'}.${digits.slice(dot)}`;
      return `${r() < 0.3 ? '-' : ''}${mantissa.replace(/^0+(?=\d)/, '')}${r() < 0.4 ? `e${Math.floor(r() * 80 - 40)}` : ''}`;
    });
    for (const n of [...NUMBERS, ...extra]) {
      const line = `{"t":"metrics","step":1,"time":${n},"values":{"v":${n}}}`;
      if (!assertSame(scanner, line)) assert.fail(`${n} not read`);
    }
  });

  it('keeps the keys array while the keys stay the same, and gives a new one when they change', () => {
    const scanner = new MetricsLineScanner();
    const a = scan(scanner, '{"t":"metrics","step":1,"values":{"a":1,"b":2}}')!.keys;
    const b = scan(scanner, '{"t":"metrics","step":2,"values":{"a":3,"b":4}}')!.keys;
    assert.strictEqual(a, b);
    const c = scan(scanner, '{"t":"metrics","step":3,"values":{"a":3}}')!.keys;
    assert.notStrictEqual(c, b);
    assert.deepStrictEqual([...c], ['a']);
    assert.deepStrictEqual([...b], ['a', 'b'], 'an earlier keys array is never changed');
    const d = scan(scanner, '{"t":"metrics","step":4,"values":{"b":3,"a":1}}')!.keys;
    assert.deepStrictEqual([...d], ['b', 'a']);
    assert.strictEqual(scan(scanner, '{"t":"metrics","step":5,"values":{"b":3,"b":1}}'), undefined);
    assert.strictEqual(scan(scanner, '{"t":"metrics","step":6,"values":{"b":3,"a":1}}')!.keys, d, 'a line left to parseLine does not change the keys');
  });

  it('agrees with parseLine on 20,000 random and hostile lines', () => {
    const r = rng(11);
    const scanner = new MetricsLineScanner();
    let read = 0;
    for (let i = 0; i < 20_000; i++) if (assertSame(scanner, randomLine(r))) read++;
    // Most generated lines are well-formed: the fast path must take a fair share of them.
    assert.ok(read > 2000, `only ${read} lines read by the fast path`);
  });
});
