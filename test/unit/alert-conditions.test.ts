import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { alertConditionProblem, parseAlertCondition } from '../../src/core/format/alertCondition';
import { parseLine } from '../../src/core/format/records';

interface Case { condition: string; metric?: string; op?: string; value?: number | string; error?: string }

const FIXTURE = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'alert-conditions.json');
const cases = (JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { cases: Case[] }).cases;

describe('alert conditions (the table the Python SDK is checked against too)', () => {
  for (const c of cases) {
    it(`${c.error ? 'refuses' : 'parses'} ${JSON.stringify(c.condition)}`, () => {
      const got = parseAlertCondition(c.condition);
      if (c.error) {
        assert.strictEqual(got, undefined);
        assert.ok(alertConditionProblem(c.condition)?.includes(c.error), alertConditionProblem(c.condition));
      } else {
        const want = typeof c.value === 'string' ? Number(c.value) : c.value;
        assert.deepStrictEqual(got && [got.metric, got.op, got.value], [c.metric, c.op, want]);
        assert.strictEqual(alertConditionProblem(c.condition), undefined);
      }
    });
  }

  it('says why an alert record is refused', () => {
    const r = parseLine('{"t":"alert","condition":"a - b > 1"}');
    assert.strictEqual(r.kind, 'invalid');
    assert.match(r.kind === 'invalid' ? r.reason : '', /"a - b" is an expression/);
  });
});
