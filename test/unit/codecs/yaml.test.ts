import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseYaml, YamlError } from '../../../src/core/codecs/yaml';
import { trackerFixtures } from '../support/helpers';

describe('codecs/yaml: parseYaml', () => {
  it('reads an MLflow meta.yaml', () => {
    const text = [
      'artifact_uri: mlflow-artifacts:/579515437971696587/0ae9/artifacts',
      'end_time: 1746608789809',
      "entry_point_name: ''",
      "experiment_id: '579515437971696587'",
      'lifecycle_stage: active',
      'run_name: popular-conch-815',
      'source_type: 4',
      'tags: []',
      'name: /Shared/Ultralytics',
    ].join('\n');
    assert.deepStrictEqual(parseYaml(text), {
      artifact_uri: 'mlflow-artifacts:/579515437971696587/0ae9/artifacts',
      end_time: 1746608789809,
      entry_point_name: '',
      experiment_id: '579515437971696587',
      lifecycle_stage: 'active',
      run_name: 'popular-conch-815',
      source_type: 4,
      tags: [],
      name: '/Shared/Ultralytics',
    });
  });

  it('reads scalars with YAML 1.2 core types', () => {
    const y = parseYaml(
      [
        'a: 1', 'b: -2.5', 'c: 1e-08', 'd: .inf', 'e: -.inf', 'f: .nan', 'g: true', 'h: False', 'i: null', 'j: ~', 'k:',
        'l: no', 'm: yes', 'n: 0x1F', 'o: 12345678901234567890', 'p: "1"', "q: '2'", 'r: 1.0', 's: 2024-01-02', 't: +3',
      ].join('\n'),
    ) as Record<string, unknown>;
    assert.strictEqual(y.a, 1);
    assert.strictEqual(y.b, -2.5);
    assert.strictEqual(y.c, 1e-8);
    assert.strictEqual(y.d, Infinity);
    assert.strictEqual(y.e, -Infinity);
    assert.ok(Number.isNaN(y.f));
    assert.strictEqual(y.g, true);
    assert.strictEqual(y.h, false);
    assert.strictEqual(y.i, null);
    assert.strictEqual(y.j, null);
    assert.strictEqual(y.k, null);
    assert.strictEqual(y.l, 'no');
    assert.strictEqual(y.m, 'yes');
    assert.strictEqual(y.n, 31);
    assert.strictEqual(y.o, '12345678901234567890', 'an integer beyond 2^53 keeps its digits');
    assert.strictEqual(y.p, '1');
    assert.strictEqual(y.q, '2');
    assert.strictEqual(y.r, 1);
    assert.strictEqual(y.s, '2024-01-02');
    assert.strictEqual(y.t, 3);
  });

  it('reads nested maps and lists, also lists at the indentation of their key', () => {
    const text = `
# a comment
model:
  learning_rate: 0.001   # trailing comment
  metrics:
  - BVP
  - TEMP
  input_shapes:
    EDA: 32
    BVP: 256
  layers:
    - name: conv
      size: 3
    - name: dense
      sizes: [1, 2, 3]
    -
      - nested
      - list
top: end
`;
    assert.deepStrictEqual(parseYaml(text), {
      model: {
        learning_rate: 0.001,
        metrics: ['BVP', 'TEMP'],
        input_shapes: { EDA: 32, BVP: 256 },
        layers: [{ name: 'conv', size: 3 }, { name: 'dense', sizes: [1, 2, 3] }, ['nested', 'list']],
      },
      top: 'end',
    });
  });

  it('reads quoted strings with escapes, quoted keys and multi-line quoted and plain scalars', () => {
    const text = [
      'a: "tab\\there \\"q\\" \\u00e9"',
      "b: 'it''s # not a comment'",
      '"quoted key": 1',
      "'other: key': 2",
      'c: "long text',
      '  continued here"',
      'd: plain text',
      '  continued',
      '',
      '  after a blank',
      'e: http://example.com/a#b',
      'f: "escaped \\',
      '  break"',
    ].join('\n');
    assert.deepStrictEqual(parseYaml(text), {
      a: 'tab\there "q" é',
      b: "it's # not a comment",
      'quoted key': 1,
      'other: key': 2,
      c: 'long text continued here',
      d: 'plain text continued\nafter a blank',
      e: 'http://example.com/a#b',
      f: 'escaped break',
    });
  });

  it('reads literal and folded block scalars', () => {
    const text = ['lit: |', '  line 1', '  line 2', '', 'fold: >-', '  a', '  b', '', '  c', 'keep: |+', '  x', '', 'n: 1'].join('\n');
    assert.deepStrictEqual(parseYaml(text), { lit: 'line 1\nline 2\n', fold: 'a b\nc', keep: 'x\n\n', n: 1 });
  });

  it('reads flow collections, also over several lines', () => {
    const text = ['a: {x: 1, "y": [true, null], z: }', 'b: [', '  1,', '  two, # comment', '  "three"', ']', 'c: []', 'd: {}'].join('\n');
    assert.deepStrictEqual(parseYaml(text), { a: { x: 1, y: [true, null], z: null }, b: [1, 'two', 'three'], c: [], d: {} });
  });

  it('reads documents, anchors, aliases and tags', () => {
    const text = ['%YAML 1.2', '---', 'base: &b', '  lr: 0.1', 'copy: *b', 'tagged: !!str 5', '...', 'ignored: 1'].join('\n');
    // `!!str` is YAML's own string tag: honoured (the hand-written reader ignored every tag and gave 5)
    assert.deepStrictEqual(parseYaml(text), { base: { lr: 0.1 }, copy: { lr: 0.1 }, tagged: '5' });
    assert.deepStrictEqual(parseYaml('a: !custom 5\nb: !!python/float 0.5\n'), { a: 5, b: 0.5 }, 'tags the schema does not know are read as if untagged');
    assert.strictEqual(parseYaml(''), null);
    assert.strictEqual(parseYaml('# only a comment\n'), null);
    assert.strictEqual(parseYaml('42'), 42);
    assert.deepStrictEqual(parseYaml('- a\n- b: 1\n  c: 2\n'), ['a', { b: 1, c: 2 }]);
  });

  it('reads a W&B / SwanLab style config.yaml (desc/value form)', () => {
    const text = ['wandb_version: 1', '', '_wandb:', '  desc: null', '  value:', '    python_version: 3.10.12', '    t:', '      1:', '      - 1', '      - 55', 'lr:', '  desc: null', '  value: 0.0003'].join('\n');
    assert.deepStrictEqual(parseYaml(text), {
      wandb_version: 1,
      _wandb: { desc: null, value: { python_version: '3.10.12', t: { '1': [1, 55] } } },
      lr: { desc: null, value: 0.0003 },
    });
  });

  it('reads explicit keys (PyYAML writes an empty-string key as "? \'\'")', () => {
    const text = ['device_map:', "  ? ''", '  : cuda:0', 'other:', '  ? a', '  : - 1', '    - 2', '  ? b', 'after: 1'].join('\n');
    assert.deepStrictEqual(parseYaml(text), { device_map: { '': 'cuda:0' }, other: { a: [1, 2], b: null }, after: 1 });
  });

  it('throws a YamlError with the line number on malformed input', () => {
    for (const [text, line] of [
      ['a: 1\nb: "unterminated\n', 2],
      ['a: 1\n   b: 2\n', 2],
      ['a:\n  - 1\n  x\n', 3],
      ['a: [1, 2\n', 1],
      ['a: *missing\n', 1],
    ] as const) {
      assert.throws(() => parseYaml(text), (e: unknown) => e instanceof YamlError && e.line === line, JSON.stringify(text));
    }
  });

  it('reads the params.yaml and meta.yaml files of the fixtures', () => {
    const dense = parseYaml(fs.readFileSync(trackerFixtures('dvclive', 'densegpt-hf', 'dvclive', 'params.yaml'), 'utf8')) as Record<string, unknown>;
    assert.strictEqual(dense.learning_rate, 0.001);
    assert.strictEqual(dense.evaluation_strategy, 'no');
    assert.strictEqual(dense.adam_epsilon, 1e-8);
    assert.strictEqual(dense.per_gpu_train_batch_size, null);
    assert.deepStrictEqual(dense.fsdp_config, { min_num_params: 0, xla: false, xla_fsdp_grad_ckpt: false });
    assert.deepStrictEqual(dense.debug, []);
    assert.strictEqual(dense.mp_parameters, '');
    const eda = parseYaml(fs.readFileSync(trackerFixtures('dvclive', 'eda-stress-keras', 'dvclive', 'params.yaml'), 'utf8')) as { model: Record<string, unknown> };
    assert.deepStrictEqual(eda.model.metrics, ['BVP', 'TEMP']);
    assert.deepStrictEqual(eda.model.input_shapes, { EDA: 32, BVP: 256, TEMP: 32, ACC: 256 });
    const swan = parseYaml(fs.readFileSync(trackerFixtures('swanlab', 'resnet-instrument-0.3', 'swanlog', 'run-20241130_013610-e9af3565', 'files', 'config.yaml'), 'utf8'));
    assert.ok(swan && typeof swan === 'object');
  });
});

describe('codecs/yaml: Python tags in hparams.yaml', () => {
  const fixture = (name: string) => fs.readFileSync(path.join(process.cwd(), 'test', 'fixtures', 'yaml', name), 'utf8');

  it('keeps the text of !!python/name and !!python/object tags as the value', () => {
    assert.deepStrictEqual(parseYaml(fixture('lightning-hparams.yaml')), {
      batch_size: 64,
      data_dir: 'pathlib.PosixPath',
      hidden_dims: [256, 128],
      kernel_sizes: [3, 5],
      loss_fn: 'torch.nn.functional.mse_loss',
      activation: 'torch.nn.modules.activation.ReLU',
      lr: 0.001,
      optimizer: 'torch.optim.adam.Adam',
      weight_decay: 1e-5,
    });
  });

  it("reads a real pytorch-forecasting hparams.yaml (Python objects, 296 aliases, one anchor used 100+ times)", () => {
    const y = parseYaml(fixture('tft-hparams.yaml')) as Record<string, unknown>;
    assert.strictEqual(y.learning_rate, 0.01);
    assert.strictEqual(y.optimizer, 'adam');
    assert.strictEqual(y.hidden_size, 32);
    assert.strictEqual(y.mask_bias, -1e9);
    assert.strictEqual(y.output_transformer, 'pytorch_forecasting.data.encoders.TorchNormalizer', 'an alias of a Python object');
    const ds = y.dataset_parameters as Record<string, Record<string, unknown>>;
    assert.strictEqual(ds.categorical_encoders.DayOfWeek, 'pytorch_forecasting.data.encoders.NaNLabelEncoder');
    assert.strictEqual(ds.min_prediction_idx, 'numpy._core.multiarray.scalar');
    assert.strictEqual(ds.max_encoder_length, 20);
    assert.deepStrictEqual((y.x_reals as string[]).slice(0, 2), ['encoder_length', 'IV_center']);
  });
});
