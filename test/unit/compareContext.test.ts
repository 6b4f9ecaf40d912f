import * as assert from 'assert';
import { compareContext } from '../../src/core/compareContext';
import type { DatasetRow } from '../../src/core/store/store';

const dataset = (over: Partial<DatasetRow>): DatasetRow => ({ name: 'mnist', context: 'train', path: null, uri: null, size: null, sha256: null, description: null, time: null, ...over });

describe('compare: code, environment and dataset differences', () => {
  it('puts git state, the rest of the environment and each dataset in rows marked where runs differ', () => {
    const c = compareContext([
      { env: { git: { commit: 'aaa111', branch: 'main', dirty: false, diff: 'git.diff' }, python: { version: '3.12.1' }, host: 'box' }, datasets: [dataset({ sha256: 'f00dcafe0123456789' })] },
      { env: { git: { commit: 'bbb222', branch: 'main', dirty: true }, python: { version: '3.12.1' } }, datasets: [dataset({ sha256: 'f00dcafe0123456789' }), dataset({ name: 'extra', context: 'eval', size: 10, path: 'data/x.csv' })] },
    ]);
    assert.deepStrictEqual(c.git, [
      { key: 'branch', values: ['main', 'main'], differs: false },
      { key: 'commit', values: ['aaa111', 'bbb222'], differs: true },
      { key: 'dirty', values: ['false', 'true'], differs: true },
    ]);
    assert.deepStrictEqual(c.env, [
      { key: 'host', values: ['box', null], differs: true },
      { key: 'python.version', values: ['3.12.1', '3.12.1'], differs: false },
    ]);
    assert.deepStrictEqual(c.datasets, [
      { key: 'eval/extra', values: [null, '10 bytes · data/x.csv'], differs: true },
      { key: 'train/mnist', values: ['sha256 f00dcafe0123', 'sha256 f00dcafe0123'], differs: false },
    ]);
  });

  it('takes an environment key named __proto__ as a key', () => {
    const env = JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown>;
    const c = compareContext([{ env, datasets: [] }, { env: {}, datasets: [] }]);
    assert.deepStrictEqual(c.env.map((r) => r.key), ['__proto__.x']);
  });
});
