// Hostile YAML in a cloned repository's params.yaml / config.yaml / hparams.yaml / meta.yaml: alias
// bombs, deep nesting and huge files are refused quickly with a message naming the line, and the
// importer reading them still loads the rest of the run.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { MAX_YAML_ALIASES, MAX_YAML_CHARS, MAX_YAML_DEPTH, parseYaml, YamlError } from '../../src/core/codecs/yaml';
import { readDvclive } from '../../src/core/importers/dvclive';
import { ProblemList } from '../../src/core/problems';
import { tempDir } from '../unit/support/helpers';

/** Nine levels of nine aliases each: 9^9 (387 million) strings once expanded. */
function billionLaughs(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = 'abcdefghi';
  for (let i = 1; i < names.length; i++) {
    const prev = `*${names[i - 1]}`;
    lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(prev).join(', ')}]`);
  }
  return lines.join('\n') + '\n';
}

/** Parses `text`, expecting a YamlError within `ms`; returns it. */
function refused(text: string, ms = 3000): YamlError {
  const t0 = Date.now();
  let error: unknown;
  try {
    parseYaml(text);
  } catch (e) {
    error = e;
  }
  const took = Date.now() - t0;
  assert.ok(error instanceof YamlError, `expected a YamlError, got ${error === undefined ? 'a value' : String(error)}`);
  assert.ok(took < ms, `took ${took} ms`);
  return error;
}

describe('hostile: YAML', function () {
  this.timeout(30000);

  it('refuses a billion-laughs alias bomb', () => {
    const e = refused(billionLaughs());
    assert.match(e.message, /aliases expand to more than/);
  });

  it(`refuses more than ${MAX_YAML_ALIASES} aliases (each costs a scan of the document's anchors)`, () => {
    const text = 'x: &x 1\nl:\n' + '- *x\n'.repeat(MAX_YAML_ALIASES + 1);
    const e = refused(text);
    assert.match(e.message, /more than 5000 aliases/);
    assert.strictEqual(e.line, MAX_YAML_ALIASES + 3);
  });

  it('shows a Python object tag as its text and never acts on it', () => {
    assert.deepStrictEqual(parseYaml('cmd: !!python/object/apply:os.system ["touch pwned"]\n'), { cmd: 'os.system' });
  });

  it('refuses an alias inside the value it names, and an alias of no anchor', () => {
    assert.match(refused('a: &a [1, *a]\n').message, /inside the value it names/);
    assert.match(refused('a: &a\n  b: *a\n').message, /inside the value it names/);
    const e = refused('a: 1\nb: *nowhere\n');
    assert.match(e.message, /unknown alias "\*nowhere"/);
    assert.strictEqual(e.line, 2);
  });

  for (const [name, text, line] of [
    ['flow brackets', '['.repeat(100_000) + ']'.repeat(100_000), 1],
    ['compact block lists', '- '.repeat(100_000) + 'x\n', 1],
    ['indented maps', Array.from({ length: 2000 }, (_, i) => ' '.repeat(i) + 'k:').join('\n') + ' 1\n', Math.floor(MAX_YAML_DEPTH / 2)],
    ['flow maps over many lines', 'a: ' + '{b:\n'.repeat(50_000) + '1' + '}'.repeat(50_000) + '\n', MAX_YAML_DEPTH],
  ] as const) {
    it(`refuses nesting past ${MAX_YAML_DEPTH} levels (${name}) before parsing`, () => {
      const e = refused(text);
      assert.match(e.message, /nested more than \d+ levels deep/);
      assert.ok(Math.abs(e.line - line) <= 2, `line ${e.line}, expected about ${line}`);
    });
  }

  it('still reads real nesting: 60 levels of maps, lists and flow collections', () => {
    let text = '';
    for (let i = 0; i < 30; i++) text += `${'  '.repeat(i)}k${i}:\n`;
    text += `${'  '.repeat(30)}- [[[[[1]]]]]\n`;
    let v = parseYaml(text) as Record<string, unknown>;
    for (let i = 0; i < 30; i++) v = v[`k${i}`] as Record<string, unknown>;
    assert.deepStrictEqual(v, [[[[[[1]]]]]]);
  });

  it(`refuses a file over ${MAX_YAML_CHARS / 1048576} MB at once`, () => {
    const text = 'k: "' + 'x'.repeat(MAX_YAML_CHARS) + '"\n';
    const e = refused(text, 500);
    assert.match(e.message, /too large to read as YAML \(4\.0 MB; at most 4 MB\)/);
    assert.strictEqual(e.line, 1);
  });

  it('an alias bomb in a DVCLive params.yaml is one message with file and line; the metrics still load', async () => {
    const root = tempDir('labbook-yaml-');
    try {
      const dir = path.join(root, 'dvclive');
      fs.mkdirSync(path.join(dir, 'plots', 'metrics'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'params.yaml'), billionLaughs());
      fs.writeFileSync(path.join(dir, 'plots', 'metrics', 'loss.tsv'), 'step\tloss\n0\t1\n1\t0.5\n');
      const problems = new ProblemList();
      const t0 = Date.now();
      const run = await readDvclive(root, dir, problems, Date.now() / 1000 + 86_400);
      assert.ok(Date.now() - t0 < 3000);
      assert.deepStrictEqual([...run.metrics.keys()], ['loss']);
      assert.strictEqual(problems.messages.length, 1, problems.messages.join('\n'));
      assert.match(problems.messages[0], /^dvclive\/params\.yaml:\d+: aliases expand to more than/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
