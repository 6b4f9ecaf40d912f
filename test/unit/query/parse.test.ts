import * as assert from 'assert';
import { parseQuery, type Condition, type Expr, type Query } from '../../../src/core/query';

/** The tree without positions, to compare shapes. */
function shape(e: Expr | undefined): unknown {
  if (!e) return undefined;
  if (e.type === 'and' || e.type === 'or') return { [e.type]: e.operands.map(shape) };
  if (e.type === 'not') return { not: shape(e.operand) };
  const f = `${e.field.kind}:${e.field.key}`;
  const v = (x: { kind: string; value: unknown }) => x.value;
  switch (e.type) {
    case 'compare': return [f, e.op, v(e.value)];
    case 'like': return [f, `${e.negated ? 'not ' : ''}${e.caseInsensitive ? 'ilike' : 'like'}`, v(e.pattern)];
    case 'in': return [f, e.negated ? 'not in' : 'in', e.values.map(v)];
    case 'null': return [f, e.negated ? 'is not null' : 'is null'];
  }
}

function where(text: string): unknown {
  return shape(parseQuery(text).where);
}

function cond(text: string): Condition {
  const w = parseQuery(text).where!;
  assert.ok(w.type !== 'and' && w.type !== 'or' && w.type !== 'not');
  return w as Condition;
}

describe('query language: parsing', () => {
  it('parses the MLflow example from the issue', () => {
    assert.deepStrictEqual(where('metrics.val_acc > 0.9 and params.lr = "0.01" and tags.stage = "final" and attributes.status = "FINISHED"'), {
      and: [['metric:val_acc', '>', 0.9], ['param:lr', '=', '0.01'], ['tag:stage', '=', 'final'], ['attribute:status', '=', 'FINISHED']],
    });
  });

  for (const op of ['=', '!=', '<', '<=', '>', '>=']) {
    it(`parses the comparison ${op}`, () => {
      assert.deepStrictEqual(where(`metrics.loss ${op} 1.5`), ['metric:loss', op, 1.5]);
    });
  }

  it('reads == as = and <> as !=', () => {
    assert.deepStrictEqual(where('params.a == "x" and params.b <> "y"'), { and: [['param:a', '=', 'x'], ['param:b', '!=', 'y']] });
  });

  it('parses LIKE, ILIKE and their negations', () => {
    assert.deepStrictEqual(where("params.optimizer LIKE 'ad%' or tags.note ILIKE '%Draft_' or attributes.run_name not like 'x%'"), {
      or: [['param:optimizer', 'like', 'ad%'], ['tag:note', 'ilike', '%Draft_'], ['attribute:name', 'not like', 'x%']],
    });
  });

  it('parses IN and NOT IN lists of mixed values', () => {
    assert.deepStrictEqual(where("params.opt IN ('adam', \"sgd\", 3)"), ['param:opt', 'in', ['adam', 'sgd', 3]]);
    assert.deepStrictEqual(where("attributes.status NOT IN ('FAILED','KILLED')"), ['attribute:status', 'not in', ['FAILED', 'KILLED']]);
  });

  it('parses IS NULL and IS NOT NULL', () => {
    assert.deepStrictEqual(where('metrics.val_acc IS NULL and params.seed is not null'), {
      and: [['metric:val_acc', 'is null'], ['param:seed', 'is not null']],
    });
  });

  it('binds and tighter than or', () => {
    assert.deepStrictEqual(where('params.a = "1" or params.b = "2" and params.c = "3"'), {
      or: [['param:a', '=', '1'], { and: [['param:b', '=', '2'], ['param:c', '=', '3']] }],
    });
  });

  it('lets parentheses override precedence', () => {
    assert.deepStrictEqual(where('(params.a = "1" or params.b = "2") and params.c = "3"'), {
      and: [{ or: [['param:a', '=', '1'], ['param:b', '=', '2']] }, ['param:c', '=', '3']],
    });
  });

  it('keeps redundant nested parentheses as the plain condition', () => {
    assert.deepStrictEqual(where('((((metrics.a > 1))))'), ['metric:a', '>', 1]);
  });

  it('parses not before a condition and before parentheses', () => {
    assert.deepStrictEqual(where('not (tags.x = "1" or tags.y = "2") and not metrics.a < 0'), {
      and: [{ not: { or: [['tag:x', '=', '1'], ['tag:y', '=', '2']] } }, { not: ['metric:a', '<', 0] }],
    });
  });

  it('reads backticked and double-quoted keys with slashes, spaces and dots', () => {
    assert.deepStrictEqual(where('metrics.`train/loss` < 0.5'), ['metric:train/loss', '<', 0.5]);
    assert.deepStrictEqual(where('params.`final accuracy` >= 0.9'), ['param:final accuracy', '>=', 0.9]);
    assert.deepStrictEqual(where('tags."mlflow.source.type" = "LOCAL"'), ['tag:mlflow.source.type', '=', 'LOCAL']);
    assert.deepStrictEqual(where('params.`a``b` = "1"'), ['param:a`b', '=', '1']);
  });

  it('reads dotted keys without quotes (nested params)', () => {
    assert.deepStrictEqual(where('params.model.hidden = 64'), ['param:model.hidden', '=', 64]);
  });

  it('reads single and double quoted strings with escapes', () => {
    assert.deepStrictEqual(where("tags.a = 'it''s' and tags.b = \"say \\\"hi\\\"\" and tags.c = 'back\\\\slash'"), {
      and: [['tag:a', '=', "it's"], ['tag:b', '=', 'say "hi"'], ['tag:c', '=', 'back\\slash']],
    });
  });

  it('reads numbers: negative, exponent, leading dot', () => {
    assert.deepStrictEqual(where('metrics.a > -1.5e-3 and metrics.b < .5 and metrics.c = 10'), {
      and: [['metric:a', '>', -0.0015], ['metric:b', '<', 0.5], ['metric:c', '=', 10]],
    });
  });

  it('reads true and false as booleans', () => {
    const c = cond('attributes.archived = TRUE');
    assert.strictEqual(c.type === 'compare' && c.value.kind, 'boolean');
  });

  it('ignores the case of keywords and prefixes, not of keys', () => {
    assert.deepStrictEqual(where('METRICS.Acc > 1 AND Params.LR = "x" Or TAGS.Stage Is Not Null'), {
      or: [{ and: [['metric:Acc', '>', 1], ['param:LR', '=', 'x']] }, ['tag:Stage', 'is not null']],
    });
  });

  it('accepts every prefix spelling MLflow accepts', () => {
    const forms: Array<[string, string]> = [
      ['metric.a > 1', 'metric:a'], ['param.a = "1"', 'param:a'], ['parameters.a = "1"', 'param:a'], ['tag.a = "1"', 'tag:a'],
      ['attribute.status = "x"', 'attribute:status'], ['attr.status = "x"', 'attribute:status'], ['run.status = "x"', 'attribute:status'],
    ];
    for (const [q, f] of forms) assert.strictEqual((where(q) as unknown[])[0], f, q);
  });

  it('resolves attribute aliases, with or without the prefix', () => {
    const names: Array<[string, string]> = [
      ['attributes.run_name', 'name'], ['attributes.run_id', 'run_id'], ['attributes.tracker', 'source'], ['status', 'status'],
      ['start_time', 'start_time'], ['attributes.end_time', 'end_time'], ['duration', 'duration'], ['experiment', 'experiment'],
    ];
    for (const [field, key] of names) assert.strictEqual(cond(`${field} IS NULL`).field.key, key, field);
  });

  it('parses order by with several keys and directions', () => {
    const q: Query = parseQuery('metrics.val_acc > 0.5 order by metrics.val_acc DESC, params.lr, attributes.start_time asc');
    assert.deepStrictEqual(q.orderBy.map((k) => [k.field.kind, k.field.key, k.descending]), [
      ['metric', 'val_acc', true], ['param', 'lr', false], ['attribute', 'start_time', false],
    ]);
  });

  it('accepts order by alone and the empty query', () => {
    const q = parseQuery('ORDER BY metrics.`train/loss`');
    assert.strictEqual(q.where, undefined);
    assert.strictEqual(q.orderBy[0].field.key, 'train/loss');
    assert.deepStrictEqual(parseQuery('   '), { where: undefined, orderBy: [] });
  });

  it('keeps the range of every node in the query text', () => {
    const text = 'params.lr = "0.01" and metrics.`train/loss` < 1';
    const w = parseQuery(text).where!;
    assert.ok(w.type === 'and');
    const second = w.operands[1] as Condition;
    assert.strictEqual(text.slice(second.start, second.end), 'metrics.`train/loss` < 1');
    assert.strictEqual(text.slice(second.field.start, second.field.end), 'metrics.`train/loss`');
  });
});

describe('query language: MLflow documented examples parse', () => {
  // The first three are the example expressions of MLflow's "Search Runs" documentation (mlflow.org/docs,
  // search-runs); the rest use its identifier, quoting and comparator rules.
  const examples = [
    'metrics.accuracy > 0.92',
    'params.model = "LogisticRegression" and params.lambda = "0.001" and metrics.error <= 0.05',
    'attributes.status = "FAILED"',
    'metrics.rmse < 1 and params.model = "tree"',
    "params.model = 'CNN'",
    'metrics.accuracy > 0.72',
    "metrics.accuracy > 0.72 and params.batch_size = '2'",
    "tags.mlflow.source.type = 'LOCAL'",
    "attributes.status = 'ACTIVE'",
    "attributes.run_name = 'my-run'",
    'attributes.start_time >= 1664067852747',
    "attributes.run_id IN ('a1b2', 'c3d4')",
    "params.`batch size` = '32'",
    "tags.`mlflow.user` LIKE 'alice%'",
    "params.model ILIKE '%rfc%'",
    "metrics.`f1 score` >= 0.9",
    "params.\"model class\" = 'xgboost'",
    "attribute.run_name LIKE 'my_run%'",
    "metrics.rmse <= 0.8 and metrics.mae <= 0.6 and params.alpha != '0.5'",
  ];
  for (const q of examples) {
    it(q, () => {
      assert.ok(parseQuery(q).where);
    });
  }
});
