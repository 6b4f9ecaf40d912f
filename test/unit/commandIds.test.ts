import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { COMMANDS } from '../../src/commands/ids';

const root = path.join(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const table = new Set<string>(Object.values(COMMANDS));

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe('the command id table', () => {
  it('holds exactly the commands package.json contributes', () => {
    const contributed: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);
    assert.deepStrictEqual([...contributed].sort(), [...table].sort());
    assert.strictEqual(Object.values(COMMANDS).length, table.size, 'two names for one command id');
  });

  it('names every command the menus and the welcome views use', () => {
    const used = new Set<string>();
    for (const entries of Object.values(manifest.contributes.menus as Record<string, Array<{ command?: string }>>)) {
      for (const e of entries) if (e.command) used.add(e.command);
    }
    for (const w of manifest.contributes.viewsWelcome as Array<{ contents: string }>) {
      for (const m of w.contents.matchAll(/command:(labbook\.[A-Za-z]+)/g)) used.add(m[1]);
    }
    assert.ok(used.size > 0);
    assert.deepStrictEqual([...used].filter((id) => !table.has(id)), []);
  });

  it('is the only place in src/ that spells a command id', () => {
    const idsFile = path.join(root, 'src', 'commands', 'ids.ts');
    const found: string[] = [];
    for (const file of sources(path.join(root, 'src'))) {
      if (file === idsFile) continue;
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/['"](labbook\.[A-Za-z]+)['"]/g)) {
        if (table.has(m[1])) found.push(`${path.relative(root, file)}: ${m[1]}`);
      }
    }
    assert.deepStrictEqual(found, []);
  });
});
