/**
 * Alert conditions: `<metric> <op> <number>`, e.g. `val/loss > 2.0` (docs/run-log-format.md).
 * The Python SDK's `labbook._alerts` accepts and refuses exactly the same texts
 * (test/fixtures/alert-conditions.json is checked against both).
 */
import type { AlertCondition, AlertOp } from './records';

const CONDITION = /^\s*([^\s<>=!]+)\s*(>=|<=|==|!=|>|<)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|NaN|[-+]?Infinity)\s*$/;
const COMPOUND = /(?:^|\s)(?:and|or|not)(?:\s|$)|&&|\|\|/i;
const EXPRESSION = /[^\s<>=!]\s*[-+*/%]\s+[^\s<>=!]|[^\s<>=!]\s+[-+*/%]\s*[^\s<>=!]/;

/** Parses a condition; undefined when it is not one (alertConditionProblem says why). */
export function parseAlertCondition(text: string): AlertCondition | undefined {
  const m = CONDITION.exec(text);
  if (!m) return undefined;
  const n = m[3];
  const value = n === 'NaN' ? NaN : n.endsWith('Infinity') ? (n.startsWith('-') ? -Infinity : Infinity) : Number(n);
  return { text: text.trim(), metric: m[1], op: m[2] as AlertOp, value };
}

/** Why `text` is not a condition, in words a user can act on; undefined when it is one. */
export function alertConditionProblem(text: string): string | undefined {
  if (parseAlertCondition(text)) return undefined;
  if (COMPOUND.test(text)) {
    return 'compound conditions (and, or, not) are not supported: create one alert per condition';
  }
  const parts = text.split(/>=|<=|==|!=|>|</);
  const left = parts[0].trim();
  if (parts.length > 1 && EXPRESSION.test(left)) {
    return `"${left}" is an expression, not a metric name: alerts compare one logged metric with a number (log the expression as a metric of its own)`;
  }
  if (parts.length > 1 && /\s/.test(left)) return `metric names in a condition cannot contain spaces ("${left}")`;
  return 'a condition is "<metric> <op> <number>" with op one of >, >=, <, <=, ==, != (e.g. "val/loss > 2.0")';
}

/** Whether `value` meets the condition. */
export function alertMet(c: AlertCondition, value: number): boolean {
  switch (c.op) {
    case '>': return value > c.value;
    case '>=': return value >= c.value;
    case '<': return value < c.value;
    case '<=': return value <= c.value;
    case '==': return value === c.value;
    case '!=': return value !== c.value;
  }
}
