import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

interface Welcome { view: string; contents: string; when?: string }

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const welcome: Welcome[] = manifest.contributes.viewsWelcome.filter((w: Welcome) => w.view === 'labbook.experiments');

describe('the Experiments view welcome', () => {
  it('shows no Markdown code marks (the welcome view renders links only, backticks would show as they are)', () => {
    for (const w of welcome) assert.doesNotMatch(w.contents, /`/, w.contents);
  });

  it('says "No runs yet" only once the first sync is done, and something else before', () => {
    const empty = welcome.filter((w) => w.contents.includes('No runs yet'));
    // One text for a trusted workspace (with the Quickstart), one for Restricted Mode (without it).
    assert.deepStrictEqual(empty.map((w) => w.when), ['labbook.ready && isWorkspaceTrusted', 'labbook.ready && !isWorkspaceTrusted']);
    assert.match(empty[0].contents, /command:labbook\.runQuickstart/);
    assert.doesNotMatch(empty[1].contents, /command:labbook\.runQuickstart/);
    const before = welcome.filter((w) => w.when === '!labbook.ready');
    assert.strictEqual(before.length, 1);
    assert.doesNotMatch(before[0].contents, /No runs/);
  });
});
