// The sweep file Create Sweep writes: valid under the JSON schema VS Code validates it with, and
// accepted by the Python SDK's `sweep create`; the schema refuses what the SDK refuses.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { guessGoal, rangeFor, sweepTemplate } from '../../../src/core/sweeps/sweepTemplate';
import { tempDir } from '../support/helpers';

const PYTHON = process.env.LABBOOK_TEST_PYTHON ?? 'python3';
const HAVE_PYTHON = spawnSync(PYTHON, ['-c', 'import sys; assert sys.version_info >= (3, 8)']).status === 0;
const schema = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'schemas', 'sweep.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const pkg = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'package.json'), 'utf8'));

describe('sweeps: the sweep file and its schema', function () {
  this.timeout(60_000);
  const template = sweepTemplate({ experiment: 'mnist', script: 'train.py', python: 'python3', metric: 'val/loss', goal: 'minimize', params: { lr: 0.01, batch_size: 32, epochs: 10, optimizer: 'adam', augment: true, 'model.depth': 3 } });

  it('guesses ranges around the params of a recent run, and the goal from the metric name', () => {
    assert.deepStrictEqual(template.parameters, {
      lr: { min: 0.001, max: 0.1, distribution: 'log_uniform' },
      batch_size: { values: [16, 32, 64] },
      augment: { values: [true, false] },
    });
    assert.strictEqual(rangeFor('adam'), undefined);
    assert.strictEqual(guessGoal('val/loss'), 'minimize');
    assert.strictEqual(guessGoal('val/acc'), 'maximize');
  });

  it('is valid under the schema, which package.json gives VS Code for labbook-sweep*.json', () => {
    assert.ok(validate(template), JSON.stringify(validate.errors));
    assert.deepStrictEqual(pkg.contributes.jsonValidation[0], { fileMatch: ['**/labbook-sweep*.json', 'labbook-sweep*.json'], url: './schemas/sweep.schema.json' });
    for (const bad of [{ ...template, strategy: 'genetic' }, { ...template, extra: 1 }, { ...template, parameters: { lr: { minimum: 1 } } }, { ...template, max_trials: 0 }]) {
      assert.ok(!validate(bad), JSON.stringify(bad));
    }
  });

  it('is accepted by `python -m labbook sweep create`, which refuses a key the schema refuses', function () {
    if (!HAVE_PYTHON) this.skip();
    const root = tempDir('labbook-sweepfile-');
    const env = { ...process.env, PYTHONPATH: path.join(process.cwd(), 'sdk', 'python'), LABBOOK_DIR: path.join(root, 'labbook') };
    fs.writeFileSync(path.join(root, 'labbook-sweep-mnist.json'), JSON.stringify(template));
    const ok = spawnSync(PYTHON, ['-m', 'labbook', 'sweep', 'create', 'labbook-sweep-mnist.json'], { cwd: root, env, encoding: 'utf8' });
    assert.strictEqual(ok.status, 0, ok.stderr);
    const id = ok.stdout.trim();
    const written = JSON.parse(fs.readFileSync(path.join(root, 'labbook', '_sweeps', id, 'sweep.json'), 'utf8'));
    assert.deepStrictEqual(written.command, ['python3', 'train.py']);
    fs.writeFileSync(path.join(root, 'labbook-sweep-bad.json'), JSON.stringify({ ...template, extra: 1 }));
    const bad = spawnSync(PYTHON, ['-m', 'labbook', 'sweep', 'create', 'labbook-sweep-bad.json'], { cwd: root, env, encoding: 'utf8' });
    assert.notStrictEqual(bad.status, 0);
  });
});
