import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { RESTRICTED_SETTINGS, valueInRestrictedMode } from '../../src/core/restrictedSettings';

const repo = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8'));
const properties: Record<string, { scope?: string }> = pkg.contributes.configuration.properties;

describe('hostile workspaces: Restricted Mode and settings a workspace may set', () => {
  it('declares limited support for untrusted workspaces, with the settings it ignores there', () => {
    const u = pkg.capabilities?.untrustedWorkspaces;
    assert.ok(u, 'package.json has no capabilities.untrustedWorkspaces');
    assert.strictEqual(u.supported, 'limited');
    assert.ok(typeof u.description === 'string' && /Restricted Mode/.test(u.description), 'a description says what is limited');
    assert.deepStrictEqual([...u.restrictedConfigurations].sort(), [...RESTRICTED_SETTINGS].sort());
    for (const key of u.restrictedConfigurations) assert.ok(properties[key], `${key} is a declared setting`);
  });

  it('the Python command the Quickstart runs in a terminal cannot come from a workspace', () => {
    assert.ok(['machine', 'application'].includes(properties['labbook.pythonCommand'].scope ?? ''), `scope ${properties['labbook.pythonCommand'].scope}`);
  });

  it('reads only user settings and defaults in Restricted Mode, never workspace or folder values', () => {
    assert.strictEqual(valueInRestrictedMode({ defaultValue: 'labbook', workspaceValue: '../../home', workspaceFolderValue: 'x' }, 'fallback'), 'labbook');
    assert.strictEqual(valueInRestrictedMode({ defaultValue: 'labbook', globalValue: 'runs', workspaceValue: 'evil' }, 'fallback'), 'runs');
    assert.deepStrictEqual(valueInRestrictedMode<string[]>({ workspaceFolderValue: ['/etc'] }, []), []);
    assert.strictEqual(valueInRestrictedMode(undefined, true), true);
  });
});
