import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { IMPORT_SOURCES, IMPORTERS, importerOf } from '../../../src/core/importers/registry';
import { effectiveStatus, silenceTimeout, sourceLabel } from '../../../src/core/status';

const REPO = path.resolve(__dirname, '..', '..', '..', '..');

function importSourcesSetting(): { properties: Record<string, unknown>; default: Record<string, unknown> } {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, unknown> } | Array<{ properties: Record<string, unknown> }> };
  };
  const sections = Array.isArray(pkg.contributes.configuration) ? pkg.contributes.configuration : [pkg.contributes.configuration];
  const setting = sections.map((c) => c.properties['labbook.import.sources']).find((s) => s !== undefined);
  assert.ok(setting, 'package.json declares labbook.import.sources');
  return setting as { properties: Record<string, unknown>; default: Record<string, unknown> };
}

describe('importer registry', () => {
  it('names exactly the trackers the labbook.import.sources setting switches', () => {
    const setting = importSourcesSetting();
    const registered = [...IMPORT_SOURCES].sort();
    assert.deepStrictEqual(Object.keys(setting.properties).sort(), registered);
    assert.deepStrictEqual(Object.keys(setting.default).sort(), registered);
  });

  it('gives each tracker one descriptor, a label, an icon that exists and a silence rule', () => {
    assert.strictEqual(new Set(IMPORTERS.map((i) => i.source)).size, IMPORTERS.length);
    assert.strictEqual(new Set(IMPORTERS.map((i) => i.label)).size, IMPORTERS.length);
    for (const i of IMPORTERS) {
      assert.ok(fs.statSync(path.join(REPO, i.icon)).isFile(), `${i.source}: ${i.icon}`);
      assert.ok(i.silence.seconds > 0, i.source);
      assert.strictEqual(importerOf(i.source), i);
    }
    assert.strictEqual(importerOf('labbook'), undefined);
  });

  it('is where the status rules and labels come from', () => {
    for (const i of IMPORTERS) {
      assert.strictEqual(sourceLabel(i.source), i.label);
      assert.strictEqual(silenceTimeout(i.source, 1), i.silence.seconds);
      assert.strictEqual(effectiveStatus('running', 0, i.silence.seconds + 1, silenceTimeout(i.source, 1), i.source), i.silence.then);
    }
    assert.strictEqual(sourceLabel('labbook'), 'Labbook');
    assert.strictEqual(sourceLabel('something-else'), 'something-else');
  });
});
