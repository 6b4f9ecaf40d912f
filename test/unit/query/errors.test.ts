import * as assert from 'assert';
import { compileSearch, MAX_CONDITIONS, MAX_DEPTH, MAX_QUERY_LENGTH, parseQuery, QueryError } from '../../../src/core/query';

/** The error a query gives (parsing and compiling), with the text it underlines. */
function error(text: string): { message: string; underlined: string; start: number } {
  try {
    compileSearch({ query: text }, { nowSeconds: 1_800_000_000 });
  } catch (e) {
    assert.ok(e instanceof QueryError, `not a QueryError: ${String(e)}`);
    return { message: e.message, underlined: text.slice(e.start, e.end), start: e.start };
  }
  assert.fail(`no error for ${text}`);
}

describe('query language: errors name the problem and where it is', () => {
  it('a missing value after an operator, at the operator', () => {
    const e = error('metrics.val_acc > ');
    assert.strictEqual(e.message, "expected a value after '>' at column 17");
    assert.strictEqual(e.underlined, '>');
  });

  it('a keyword where a value should be', () => {
    const e = error('metrics.a > and');
    assert.match(e.message, /expected a value after '>' at column 11, found 'and'/);
    assert.strictEqual(e.underlined, 'and');
  });

  it('an unquoted word as a value, with the quoted form', () => {
    const e = error('attributes.status = FINISHED');
    assert.match(e.message, /quote text values \('FINISHED'\)/);
    assert.strictEqual(e.underlined, 'FINISHED');
  });

  it('a misspelt attribute, with a suggestion', () => {
    const e = error('attributes.stauts = "FINISHED"');
    assert.strictEqual(e.message, "unknown attribute 'stauts' — did you mean 'status'?");
    assert.strictEqual(e.underlined, 'stauts');
  });

  it('a misspelt prefix, with a suggestion', () => {
    const e = error('metrcs.acc > 1');
    assert.strictEqual(e.message, "unknown field type 'metrcs' — did you mean 'metrics'?");
    assert.strictEqual(e.underlined, 'metrcs');
  });

  it('a bare name that is no attribute says how to write a key', () => {
    assert.match(error('val_acc > 0.9').message, /write metrics\.val_acc, params\.val_acc, tags\.val_acc/);
  });

  it('an MLflow attribute Labbook does not have says what to use', () => {
    const e = error('attributes.artifact_uri LIKE "%s3%"');
    assert.match(e.message, /not available.*attributes\.folder/);
    assert.strictEqual(e.underlined, 'artifact_uri');
  });

  it('a metric compared with a string', () => {
    const e = error('metrics.acc > "0.9"');
    assert.match(e.message, /^metrics compare with numbers, not strings/);
    assert.strictEqual(e.underlined, '"0.9"');
  });

  it('LIKE on a metric', () => {
    assert.match(error("metrics.acc LIKE '9%'").message, /metrics compare with numbers/);
  });

  it('an unknown status, with a suggestion', () => {
    const e = error('attributes.status = "FINSHED"');
    assert.match(e.message, /unknown status 'FINSHED' — did you mean 'finished'\?/);
    assert.strictEqual(e.underlined, '"FINSHED"');
  });

  it('an ordering comparison on the status, at the operator', () => {
    const e = error('attributes.status > "RUNNING"');
    assert.match(e.message, /'>' does not apply to a status/);
    assert.strictEqual(e.underlined, '>');
  });

  it('a date that is not a date', () => {
    const e = error('attributes.start_time > "yesterday"');
    assert.match(e.message, /takes a date such as "2026-11-01"/);
    assert.strictEqual(e.underlined, '"yesterday"');
    assert.match(error('attributes.start_time > "2026-02-30"').message, /takes a date/);
  });

  it('a duration that is not a duration', () => {
    assert.match(error('attributes.duration > "soon"').message, /is not a duration/);
  });

  it('a boolean attribute compared with something else', () => {
    assert.match(error('attributes.archived = "maybe"').message, /true or false, not 'maybe'/);
    assert.match(error('attributes.archived > true').message, /does not apply to true or false/);
  });

  it('an unterminated string, from its opening quote', () => {
    const e = error('params.a = "abc');
    assert.match(e.message, /unterminated string starting at column 12/);
    assert.strictEqual(e.start, 11);
  });

  it('an unterminated backticked key', () => {
    assert.match(error('metrics.`train/loss > 1').message, /unterminated key starting at column 9/);
  });

  it('an unexpected character', () => {
    const e = error('metrics.a > 1 && metrics.b < 2');
    assert.strictEqual(e.message, "unexpected character '&' at column 15");
  });

  it('a missing closing parenthesis names the opening one', () => {
    const e = error('(metrics.a > 1 or metrics.b < 2');
    assert.match(e.message, /expected '\)' to close the '\(' at column 1, found the end of the query/);
  });

  it('a stray closing parenthesis', () => {
    const e = error('metrics.a > 1)');
    assert.match(e.message, /unexpected '\)' without a matching '\(' at column 14/);
    assert.strictEqual(e.underlined, ')');
  });

  it('empty parentheses', () => {
    assert.match(error('()').message, /empty parentheses at column 1/);
  });

  it('a missing operator after a field', () => {
    const e = error('metrics.a 5');
    assert.match(e.message, /expected an operator .* after 'metrics\.a' at column 1, found '5'/);
    assert.strictEqual(e.underlined, '5');
  });

  it('a dangling and', () => {
    assert.match(error('metrics.a > 1 and').message, /expected a field such as metrics\.<key> at column 18, the query ends/);
  });

  it('two conditions without and/or between them', () => {
    assert.match(error('metrics.a > 1 metrics.b < 2').message, /unexpected 'metrics\.b' at column 15: expected 'and', 'or' or 'order by'/);
  });

  it('= NULL instead of IS NULL', () => {
    assert.match(error('params.a = null').message, /IS NULL or IS NOT NULL/);
  });

  it('IS without NULL', () => {
    assert.match(error('params.a is "x"').message, /expected NULL after 'is'/);
  });

  it('IN without a list, and a list without its end', () => {
    assert.match(error('params.a in "x"').message, /expected '\(' after 'in'/);
    assert.match(error('params.a in ("x" "y")').message, /expected ',' or '\)' in the list opened at column 13/);
  });

  it('a backticked value', () => {
    assert.match(error('params.a = `x`').message, /backticks quote keys/);
  });

  it('a prefix without its key', () => {
    assert.match(error('metrics. > 1').message, /expected a key after 'metrics\.'/);
  });

  it('a number glued to a word', () => {
    assert.match(error('attributes.duration > 5m').message, /'5m' is not a number; quote text values/);
  });

  it('an unknown field in order by', () => {
    assert.match(error('order by attributes.strat_time').message, /unknown attribute 'strat_time' — did you mean 'start_time'\?/);
  });

  it('every error is a QueryError with a range inside the text', () => {
    for (const q of ['metrics.a >', '(', 'params.', '"x"', 'order by', 'tags.a in (', 'not']) {
      try {
        parseQuery(q);
        assert.fail(q);
      } catch (e) {
        assert.ok(e instanceof QueryError, q);
        assert.ok(e.start >= 0 && e.end <= q.length && e.start <= e.end, `${q}: ${e.start}-${e.end}`);
      }
    }
  });
});

describe('query language: bounds on hostile queries', () => {
  it('refuses deeply nested parentheses with a clear error, without a stack overflow', () => {
    const depth = MAX_DEPTH + 1;
    const e = error(`${'('.repeat(depth)}metrics.a > 1${')'.repeat(depth)}`);
    assert.match(e.message, /nests parentheses or 'not' deeper than 32 levels/);
    assert.throws(() => parseQuery(`${'('.repeat(100_000)}`), QueryError);
    assert.throws(() => parseQuery(`${'not '.repeat(2000)}metrics.a > 1`), /deeper than/);
  });

  it('accepts nesting up to the bound', () => {
    assert.ok(parseQuery(`${'('.repeat(MAX_DEPTH)}metrics.a > 1${')'.repeat(MAX_DEPTH)}`).where);
  });

  it('refuses a query longer than the bound', () => {
    const e = error(`params.a = "${'x'.repeat(MAX_QUERY_LENGTH)}"`);
    assert.match(e.message, /characters long; at most 10000/);
  });

  it('refuses too many conditions', () => {
    const q = Array.from({ length: MAX_CONDITIONS + 1 }, (_, i) => `metrics.m${i} > ${i}`).join(' or ');
    assert.match(error(q).message, /more than 200 conditions/);
  });
});
