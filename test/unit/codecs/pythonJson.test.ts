import * as assert from 'assert';
import { parsePythonJson } from '../../../src/core/codecs/pythonJson';
import { parseJsonValue } from '../../../src/core/importers/wandb/records';
import { numeric, parseJsonLenient } from '../../../src/core/importers/swanlab/values';

describe('JSON as Python writes it (bare NaN and Infinity)', () => {
  it('reads bare tokens outside strings as numbers', () => {
    const v = parsePythonJson('{"a": NaN, "b": [Infinity, -Infinity, 1]}') as { a: number; b: number[] };
    assert.ok(Number.isNaN(v.a));
    assert.deepStrictEqual(v.b, [Infinity, -Infinity, 1]);
    assert.ok(Number.isNaN(parsePythonJson('NaN') as number));
  });

  it('never changes text inside strings, escaped quotes included', () => {
    const v = parsePythonJson('{"name": "NaN-run \\"Infinity\\"", "x": NaN, "y": "-Infinity"}') as Record<string, unknown>;
    assert.strictEqual(v.name, 'NaN-run "Infinity"');
    assert.strictEqual(v.y, '-Infinity');
    assert.ok(Number.isNaN(v.x as number));
  });

  it('a string that looks like the internal marker stays a string', () => {
    const v = parsePythonJson('{"s": "\\u0000NaN", "x": NaN}') as Record<string, unknown>;
    assert.strictEqual(v.s, '\u0000NaN');
  });

  it('throws on text that is not JSON even with the tokens', () => {
    assert.throws(() => parsePythonJson('{"a": NaN'));
    assert.throws(() => parsePythonJson('{"a": nan}'));
  });

  it('W&B: a value whose string holds NaN keeps its text, nested bare tokens become null', () => {
    assert.deepStrictEqual(parseJsonValue('{"name": "NaN-run", "x": NaN}'), { name: 'NaN-run', x: null });
    assert.strictEqual(parseJsonValue('-Infinity'), -Infinity);
    assert.strictEqual(parseJsonValue('{"broken": '), undefined);
  });

  it('SwanLab: nested bare tokens are read back as metric values', () => {
    const v = parseJsonLenient('{"loss": NaN, "tag": "Infinity", "up": Infinity}') as Record<string, unknown>;
    assert.ok(Number.isNaN(numeric(v.loss) as number));
    assert.strictEqual(numeric(v.up), Infinity);
    assert.strictEqual(v.tag, 'Infinity');
  });
});
