"""Alert conditions: ``<metric> <op> <number>``, e.g. ``val/loss > 2.0``.

The extension (src/core/format/alertCondition.ts) accepts and refuses exactly the same
texts (test/fixtures/alert-conditions.json is checked against both). Compound conditions
(``a > 1 and b > 2``) and expressions (``a - b > 1``) are refused with a message saying so,
never taken as a metric with a strange name.
"""

import re

ALERT_LEVELS = ("info", "warning", "error")
_CONDITION_RE = re.compile(
    r"^\s*(?P<metric>[^\s<>=!]+)\s*(?P<op>>=|<=|==|!=|>|<)\s*"
    r"(?P<number>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|NaN|[-+]?Infinity)\s*$")
_COMPOUND_RE = re.compile(r"(?:^|\s)(?:and|or|not)(?:\s|$)|&&|\|\|", re.IGNORECASE)
_EXPRESSION_RE = re.compile(r"[^\s<>=!]\s*[-+*/%]\s+[^\s<>=!]|[^\s<>=!]\s+[-+*/%]\s*[^\s<>=!]")
_OPS_RE = re.compile(r">=|<=|==|!=|>|<")


def condition_problem(text):
    """Why ``text`` is not a condition (None when it is one)."""
    if _CONDITION_RE.match(text):
        return None
    if _COMPOUND_RE.search(text):
        return ("compound conditions (and, or, not) are not supported: create one alert per "
                "condition")
    parts = _OPS_RE.split(text)
    left = parts[0].strip()
    if len(parts) > 1 and _EXPRESSION_RE.search(left):
        return ('"%s" is an expression, not a metric name: alerts compare one logged metric '
                "with a number (log the expression as a metric of its own)" % left)
    if len(parts) > 1 and re.search(r"\s", left):
        return 'metric names in a condition cannot contain spaces ("%s")' % left
    return ('a condition is "<metric> <op> <number>" with op one of >, >=, <, <=, ==, != '
            '(e.g. "val/loss > 2.0")')


def parse_condition(condition):
    """``"val/loss > 2.0"`` -> ("val/loss", ">", "2.0"); ValueError saying why otherwise."""
    if not isinstance(condition, str):
        raise TypeError("labbook.create_alert: condition must be a string like "
                        "'val/loss > 2.0', not %s" % type(condition).__name__)
    m = _CONDITION_RE.match(condition)
    if m is None:
        raise ValueError("labbook.create_alert: condition %r: %s"
                         % (condition, condition_problem(condition)))
    return m.group("metric"), m.group("op"), m.group("number")
