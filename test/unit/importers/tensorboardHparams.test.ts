// Lightning's hparams.yaml as PyYAML writes it for functions, classes, tuples, paths and numpy or
// pytorch-forecasting objects: the TensorBoard importer shows each tagged value as its tag's text
// (it used to show an empty string), and reads a real 63 KB pytorch-forecasting file without a problem.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { readTensorBoardRun } from '../../../src/core/importers/tensorboard';
import { ProblemList } from '../../../src/core/problems';
import { tempDir } from '../support/helpers';
import { fileVersionEvent, scalarEvents } from '../support/tfevents';

const LONG_AGO = 2_000_000_000;
const yamlFixture = (name: string) => path.join(process.cwd(), 'test', 'fixtures', 'yaml', name);

describe('TensorBoard: hparams.yaml with Python tags', () => {
  let root: string;
  before(() => {
    root = tempDir('labbook-hparams-');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  async function runWith(version: string, hparams: string) {
    const folder = path.join(root, 'lightning_logs', version);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'events.out.tfevents.1700000000.host.1.0'), Buffer.concat([fileVersionEvent(1_700_000_000), ...scalarEvents('train_loss', [[0, 1], [1, 0.5]])]));
    fs.copyFileSync(yamlFixture(hparams), path.join(folder, 'hparams.yaml'));
    const problems = new ProblemList();
    const run = (await readTensorBoardRun(root, folder, problems, LONG_AGO))!;
    assert.deepStrictEqual(problems.messages, []);
    assert.deepStrictEqual([...run.metrics.keys()], ['train_loss']);
    return run.params as Record<string, unknown>;
  }

  it('shows !!python/name and !!python/object/apply values as their names', async () => {
    const params = await runWith('version_0', 'lightning-hparams.yaml');
    assert.strictEqual(params.loss_fn, 'torch.nn.functional.mse_loss');
    assert.strictEqual(params.activation, 'torch.nn.modules.activation.ReLU');
    assert.strictEqual(params.optimizer, 'torch.optim.adam.Adam');
    assert.strictEqual(params.data_dir, 'pathlib.PosixPath');
    assert.deepStrictEqual(params.kernel_sizes, [3, 5]);
    assert.strictEqual(params.lr, 0.001);
  });

  it('reads a real pytorch-forecasting hparams.yaml', async () => {
    const params = await runWith('version_1', 'tft-hparams.yaml');
    assert.strictEqual(params.learning_rate, 0.01);
    assert.strictEqual(params.output_transformer, 'pytorch_forecasting.data.encoders.TorchNormalizer');
  });
});
