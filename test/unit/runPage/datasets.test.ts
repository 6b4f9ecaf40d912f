import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { datasetTarget } from '../../../src/core/datasetLocation';
import { Store } from '../../../src/core/store/store';
import { datasetsForPage } from '../../../src/panels/runDatasets';
import { storeReads } from '../../../src/core/worker/indexReads';
import { loadSql, tempDir } from '../support/helpers';

describe('run page datasets', () => {
  it('lists the other runs that used the same data (same SHA-256), not the run itself', async () => {
    const { store } = await Store.open(await loadSql());
    const a = store.createRun('a', 'mnist', 'baseline', 'labbook/a');
    const b = store.createRun('b', 'mnist', 'wider', 'labbook/b');
    const c = store.createRun('c', 'cifar', 'other', 'labbook/c');
    store.addDataset(a, { name: 'train', path: 'data/train.csv', sha256: 'h1' });
    store.addDataset(a, { name: 'web', uri: 'https://example.org/d' });
    store.addDataset(b, { name: 'train-copy', path: 'x.csv', sha256: 'h1' });
    store.addDataset(c, { name: 'train', path: 'data/train.csv', sha256: 'h2' });
    const shown = await datasetsForPage(storeReads(() => store), a);
    assert.deepStrictEqual(shown.map((d) => [d.name, d.location, (d.sameData ?? []).map((u) => u.id)]), [['train', 'data/train.csv', ['b']], ['web', 'https://example.org/d', []]]);
  });

  it('finds a dataset file in the workspace from the writer\'s working directory, and nothing outside', async () => {
    const root = fs.realpathSync(tempDir());
    fs.mkdirSync(path.join(root, 'proj', 'data'), { recursive: true });
    fs.writeFileSync(path.join(root, 'proj', 'data', 'train.csv'), 'x\n');
    const cwd = path.join(root, 'proj');
    assert.deepStrictEqual(await datasetTarget(root, 'labbook/a', cwd, { path: 'data/train.csv', uri: null }), { kind: 'file', path: path.join(root, 'proj', 'data', 'train.csv') });
    assert.strictEqual((await datasetTarget(root, 'labbook/a', '/elsewhere', { path: 'proj/data/train.csv', uri: null })).kind, 'file');
    assert.deepStrictEqual(await datasetTarget(root, 'labbook/a', cwd, { path: null, uri: 'https://example.org/d' }), { kind: 'web', uri: 'https://example.org/d' });
    assert.strictEqual((await datasetTarget(root, 'labbook/a', cwd, { path: null, uri: 'javascript:alert(1)' })).kind, 'none');
    assert.strictEqual((await datasetTarget(root, 'labbook/a', cwd, { path: '/etc/passwd', uri: null })).kind, 'none');
    assert.strictEqual((await datasetTarget(root, 'labbook/a', cwd, { path: '../../etc/passwd', uri: null })).kind, 'none');
    fs.symlinkSync('/etc', path.join(root, 'proj', 'data', 'etc'));
    assert.match(JSON.stringify(await datasetTarget(root, 'labbook/a', cwd, { path: 'data/etc/passwd', uri: null })), /outside the workspace/);
  });
});
